import { kindOf } from './kinds/index.ts';
import type { Kind } from './kinds/kind.ts';
import type { Context, Measurement } from './measure.ts';
import { EXIT } from '../core/errors.ts';
import { QueryError } from './prometheus.ts';
import type { Objective, SloSpec } from './spec.ts';
import { formatDuration } from './prom-duration.ts';
import { phaseWindow, stepFor } from './window.ts';
import type { Stage } from '../run-dir/stages.ts';
import { compare, formatBound, formatValue, judge, type ObjectiveResult } from './verdict.ts';

/** A parsed spec only holds registered kinds. */
function kindOfObjective(o: Objective): Kind {
  return kindOf(o.kind)!;
}

/**
 * Judges every objective: all at once (the client bounds the concurrency),
 * then the kinds judged last (baselines), which read results of this run.
 * ExitErrors (Prometheus unreachable, unknown template variable) stop the
 * check; a query Prometheus rejects only marks its objective `error`.
 */
export async function evaluate(
  spec: SloSpec,
  ctx: Context,
  profile?: string,
  /** The run's stages (run.json), for objectives judged over one phase. */
  stages?: readonly Stage[],
): Promise<ObjectiveResult[]> {
  const judgeOne = async (o: Objective) => {
    const over = o.phase === undefined ? { ctx } : inPhase(ctx, stages, o.phase);
    const result =
      profile && o.profiles && !o.profiles.includes(profile)
        ? skipped(o, profile)
        : !ctx.client && (kindOfObjective(o).needsPrometheus?.(o, ctx) ?? true)
          ? notChecked(o, ctx, 'no Prometheus to ask')
          : 'problem' in over
            ? noPhase(o, spec, over.problem)
            : await judgeObjective(o, spec, over.ctx);
    ctx.results.set(o.name, result);
    return result;
  };
  const last = (o: Objective) => kindOfObjective(o).judgedLast === true;
  const first = await Promise.all(spec.objectives.filter((o) => !last(o)).map(judgeOne));
  const second = await Promise.all(spec.objectives.filter(last).map(judgeOne));
  const byName = new Map([...first, ...second].map((r) => [r.name, r]));
  return spec.objectives.map((o) => byName.get(o.name)!);
}

/** The context of an objective judged over one phase: its window and the vars that spell it. */
function inPhase(
  ctx: Context,
  stages: readonly Stage[] | undefined,
  phase: string,
): { ctx: Context } | { problem: string } {
  const found = phaseWindow(stages, phase);
  if ('problem' in found) return found;
  const { window } = found;
  const step = Math.min(ctx.step, stepFor(window.start, window.end, ctx.step));
  const vars = {
    ...ctx.vars,
    window: formatDuration((window.end.getTime() - window.start.getTime()) / 1000),
    start: String(window.start.getTime() / 1000),
    end: String(window.end.getTime() / 1000),
    step: `${step}s`,
  };
  return { ctx: { ...ctx, window, step, vars } };
}

/** An objective whose phase this run does not have: no data, counted as its onNoData says. */
function noPhase(o: Objective, spec: SloSpec, problem: string): ObjectiveResult {
  const onNoData = o.onNoData ?? spec.defaults.onNoData;
  return {
    ...identity(o),
    status: 'no-data',
    failed: onNoData === 'fail',
    value: null,
    unit: '',
    measured: 'no data',
    bound: '',
    message: problem,
    hint: 'Judge it over a run of loadgate run (its run.json records the stages), or drop `phase`',
  };
}

/** Not judged: a smoke run is too light to make an HPA scale, for example. */
function skipped(o: Objective, profile: string): ObjectiveResult {
  return {
    ...identity(o),
    status: 'skipped',
    skippedBecause: 'profile',
    failed: false,
    value: null,
    unit: '',
    measured: '—',
    bound: '',
    message: `applies to ${o.profiles!.join(', ')} runs, not ${profile}`,
  };
}

/** Applies to this run but could not be checked: no Prometheus to ask. The verdict cannot pass on it. */
function notChecked(
  o: Objective,
  ctx: Context,
  why: string,
  m?: Pick<Measurement, 'unit' | 'query'>,
): ObjectiveResult {
  return {
    ...identity(o),
    status: 'skipped',
    skippedBecause: 'no-prometheus',
    failed: false,
    value: null,
    unit: m?.unit ?? '',
    measured: 'not checked',
    bound: '',
    query: m?.query,
    message: `not checked: ${why}`,
    hint: ctx.withoutPrometheus ?? 'Pass --prometheus URL',
  };
}

function identity(o: Objective) {
  return {
    name: o.name,
    kind: kindOfObjective(o).displayKind?.(o) ?? o.kind,
    description: o.description,
    key: o.key,
    weight: o.weight,
    phase: o.phase,
  };
}

async function judgeObjective(o: Objective, spec: SloSpec, ctx: Context): Promise<ObjectiveResult> {
  const base = identity(o);
  let m: Measurement;
  try {
    m = await kindOfObjective(o).measure(o, ctx);
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    return {
      ...base,
      status: 'error',
      failed: true,
      value: null,
      unit: '',
      measured: 'error',
      bound: '',
      message: error.message,
      hint: error.badQuery
        ? 'Fix the query in the spec (try it in the Prometheus UI)'
        : 'Prometheus could not run the query: check its logs, or raise defaults.timeout',
      errorExit: error.badQuery ? EXIT.badInput : EXIT.infrastructure,
    };
  }
  if (m.status === 'unchecked')
    return notChecked(o, ctx, m.message ?? 'what it reads was not checked', m);
  if (m.status === 'skipped')
    return {
      ...base,
      status: 'skipped',
      skippedBecause: 'no-baseline',
      failed: false,
      value: null,
      unit: m.unit,
      measured: '—',
      bound: '',
      query: m.query,
      message: m.message,
    };
  const status =
    m.status ?? (m.value === null ? 'no-data' : judge(m.value, m.op, m.bound, m.warning));
  const onNoData = o.onNoData ?? spec.defaults.onNoData;
  const details = m.details && worstFirst(m);
  const beyond =
    details && status !== 'pass' && !m.detailsNotBounded ? groupsBeyond(m, details) : undefined;
  return {
    ...base,
    status,
    failed: status === 'fail' || (status === 'no-data' && onNoData === 'fail'),
    value: m.value,
    unit: m.unit,
    measured:
      m.display ??
      (m.value === null ? (status === 'no-data' ? 'no data' : '—') : formatValue(m.value, m.unit)),
    bound: m.boundDisplay ?? formatBound(m.op, m.bound, m.unit, m.warning),
    boundValue: m.boundDisplay === undefined ? m.bound : undefined,
    query: m.query,
    message: [m.message, beyond].filter(Boolean).join('; ') || undefined,
    hint: status === 'pass' ? undefined : m.hint,
    details,
  };
}

type Details = NonNullable<Measurement['details']>;

/** The groups of a `by:` objective, the worst first (so every output leads with the culprit). */
function worstFirst(m: Measurement): Details {
  const lowerIsBetter = m.op === '<' || m.op === '<=';
  const rank = (v: number | null) =>
    v === null || Number.isNaN(v) ? -Infinity : lowerIsBetter ? v : -v;
  return [...m.details!].sort((a, b) => rank(b.value) - rank(a.value));
}

/**
 * The groups beyond the bound, named with their value and unit, e.g.
 * `1 of 9 route beyond ≤ 1 s: route="/api/products/{id}" 2.43 s`.
 */
function groupsBeyond(m: Measurement, details: Details): string | undefined {
  const over = details.filter((d) => d.value !== null && !compare(d.value, m.op, m.bound));
  if (over.length === 0) return undefined;
  const shown = over
    .slice(0, 5)
    .map((d) => `${labelText(d.labels)} ${formatValue(d.value, m.unit)}`);
  const more = over.length > shown.length ? `, and ${over.length - shown.length} more` : '';
  return `${over.length} of ${details.length} beyond ${formatBound(m.op, m.bound, m.unit)}: ${shown.join(', ')}${more}`;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
}

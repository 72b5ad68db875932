import { z } from 'zod';
import { Duration, parseDuration } from '../prom-duration.ts';
import {
  numericValues,
  noData,
  template,
  prometheus,
  type Context,
  type Judged,
  type Measurement,
} from '../measure.ts';
import { QueryError } from '../prometheus.ts';
import { quote } from '../template.ts';
import { formatBound, formatValue, judge } from '../verdict.ts';
import { common, warning } from './common.ts';
import { HpaTable, hpaSelector, type HpaRow } from './hpa-table.ts';
import { defineKind, type FieldIssue } from './kind.ts';

const hpaCommon = {
  kind: z.literal('hpa'),
  ...common,
  hpa: z.string().optional().describe('HorizontalPodAutoscaler name (or `hpas`, a table)'),
  hpas: HpaTable.optional().describe(
    'The documented table instead of one `hpa`: every row judged against its own min/max and named in the result; the objective fails when one fails',
  ),
  namespace: z.string().default('$namespace').describe('Namespace of the HPA'),
  warning,
};

export const Hpa = z.discriminatedUnion('check', [
  z
    .object({
      ...hpaCommon,
      check: z.literal('scaled-above-min'),
      min: z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          'Documented minReplicas (default: kube_horizontalpodautoscaler_spec_min_replicas)',
        ),
    })
    .describe('The HPA scaled above minReplicas while loaded'),
  z
    .object({
      ...hpaCommon,
      check: z.literal('never-above-max'),
      max: z.number().int().positive().optional().describe('Documented maxReplicas'),
    })
    .describe('Replicas never went above maxReplicas'),
  z
    .object({
      ...hpaCommon,
      check: z.literal('not-pinned-at-max'),
      max: z.number().int().positive().optional().describe('Documented maxReplicas'),
      for: Duration.describe('Longest time allowed at maxReplicas'),
    })
    .describe('The HPA was not stuck at maxReplicas (capacity exhausted)'),
  z
    .object({
      ...hpaCommon,
      check: z.literal('scale-up-time'),
      within: Duration.describe('Longest time from load start to the first scale-up'),
    })
    .describe('Time from load start to the first scale-up'),
]);
export type Hpa = z.infer<typeof Hpa>;

export const hpa = defineKind({
  kind: 'hpa',
  schema: Hpa,
  measure,
  displayKind: (o) => `hpa/${o.check}`,
  checkSpec: oneOfHpaOrTable,
});

function oneOfHpaOrTable(o: Record<string, unknown>): FieldIssue[] {
  if (o.hpa !== undefined && o.hpas !== undefined)
    return [
      { field: 'hpas', message: 'give either `hpa` (one HPA) or `hpas` (a table), not both' },
    ];
  if (o.hpa === undefined && o.hpas === undefined)
    return [{ field: 'hpa', message: 'name the HPA (`hpa`) or give the table (`hpas`)' }];
  return [];
}

type Documented = { min?: number; max?: number };

async function measure(o: Hpa, ctx: Context): Promise<Measurement> {
  const documented = (row?: Documented): Documented => ({
    min: row?.min ?? ('min' in o ? o.min : undefined),
    max: row?.max ?? ('max' in o ? o.max : undefined),
  });
  if (o.hpas) return measureTable(o, o.hpas, ctx);
  return measureOne(o, o.hpa!, documented(), ctx);
}

/**
 * Every row of the table judged on its own; the objective's value is how
 * many HPAs did not pass (its bound: how many of those only warned), each
 * HPA's result is in `details`, and the message names those that failed.
 */
async function measureTable(o: Hpa, rows: readonly HpaRow[], ctx: Context): Promise<Measurement> {
  const results = await Promise.all(rows.map((row) => measureOne(o, row.hpa, row, ctx)));
  const statuses = results.map(
    (m) => m.status ?? (m.value === null ? 'no-data' : judge(m.value, m.op, m.bound, m.warning)),
  );
  const first = results[0]!;
  const names = rows.map((r) => r.hpa);
  const where = `objective ${o.name}`;
  const query = `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace=${quote(template(ctx, o.namespace, where))},horizontalpodautoscaler=~${quote(names.join('|'))}})`;
  const judged: Judged = { op: '<=', bound: 0, unit: 'count' };
  const problems = results
    .map((m, i) => ({ m, status: statuses[i]!, hpa: names[i]! }))
    .filter((r) => r.status !== 'pass');
  const explain = problems
    .map(
      ({ m, hpa, status }) =>
        `${hpa}: ${m.message ?? `${m.display ?? formatValue(m.value, m.unit)} (${status}, bound ${formatBound(m.op, m.bound, m.unit, m.warning)})`}`,
    )
    .join('; ');
  if (statuses.every((s) => s === 'no-data'))
    return noData(judged, query, `no HPA of the table has data: ${explain}`, first.hint ?? '');
  const warns = statuses.filter((s) => s === 'warn').length;
  const failing = problems.length - warns;
  return {
    op: '<=',
    // Warns pass the bound but not the warning band (0): the objective warns.
    bound: warns,
    warning: warns > 0 ? 0 : undefined,
    unit: 'count',
    value: problems.length,
    query,
    display:
      failing > 0
        ? `${failing} of ${rows.length} HPAs failed`
        : `${rows.length} of ${rows.length} HPAs passed`,
    boundDisplay:
      o.check === 'scaled-above-min'
        ? 'each > its min'
        : o.check === 'never-above-max'
          ? 'each ≤ its max'
          : `each ${formatBound(first.op, first.bound, first.unit, first.warning)}`,
    message: problems.length > 0 ? explain : undefined,
    hint: problems.find((p) => p.m.hint)?.m.hint,
    // Each HPA against its own row (the message names those that failed).
    detailsNotBounded: true,
    details: results.map((m, i) => ({
      labels: {
        horizontalpodautoscaler: names[i]!,
        status: statuses[i]!,
        measured: m.display ?? formatValue(m.value, m.unit),
        bound: formatBound(m.op, m.bound, m.unit, m.warning),
      },
      value: m.value,
    })),
  };
}

/**
 * One HPA's behaviour from the kube-state-metrics v2 series, over the load
 * window (from load start, warm-up included: the HPA reacts to the ramp).
 */
async function measureOne(
  o: Hpa,
  name: string,
  documented: Documented,
  ctx: Context,
): Promise<Measurement> {
  const where = `objective ${o.name}`;
  const selector = hpaSelector(template(ctx, o.namespace, where), template(ctx, name, where));
  const replicasQuery = `max(kube_horizontalpodautoscaler_status_current_replicas${selector})`;
  const hint = `Check the HPA name and namespace, and that kube-state-metrics is scraped: kube_horizontalpodautoscaler_status_current_replicas${selector}`;
  const { loadStart, start, end } = ctx.window;
  // scaled-above-min judges the loaded part only; the others the whole run.
  const from = o.check === 'scaled-above-min' ? start : loadStart;

  const limit = async (which: 'min' | 'max', known: number | undefined) => {
    if (known !== undefined) return known;
    const query = `max(kube_horizontalpodautoscaler_spec_${which}_replicas${selector})`;
    const values = numericValues(await prometheus(ctx).query(query, end));
    return values.ok ? values.series[0]!.values[0]! : { query, message: values.message };
  };

  const result = await prometheus(ctx).queryRange(replicasQuery, from, end, ctx.step);
  const replicas = numericValues(result);
  const points = (result.series[0]?.points ?? []).filter(([, v]) => Number.isFinite(v));
  const peak = Math.max(...points.map(([, v]) => v));

  switch (o.check) {
    case 'scaled-above-min': {
      const min = await limit('min', documented.min);
      const judged: Judged = {
        op: '>',
        bound: typeof min === 'number' ? min : 0,
        warning: o.warning,
        unit: 'count',
      };
      if (!replicas.ok) return noData(judged, replicasQuery, replicas.message, hint);
      if (typeof min !== 'number') return noData(judged, min.query, min.message, hint);
      return {
        ...judged,
        value: peak,
        query: replicasQuery,
        message:
          peak > min
            ? undefined
            : `never scaled above minReplicas (${min}) while loaded${await loadNote(ctx, selector, from, end)}`,
      };
    }
    case 'never-above-max': {
      const max = await limit('max', documented.max);
      const judged: Judged = {
        op: '<=',
        bound: typeof max === 'number' ? max : 0,
        warning: o.warning,
        unit: 'count',
      };
      if (!replicas.ok) return noData(judged, replicasQuery, replicas.message, hint);
      if (typeof max !== 'number') return noData(judged, max.query, max.message, hint);
      return { ...judged, value: peak, query: replicasQuery };
    }
    case 'not-pinned-at-max': {
      const max = await limit('max', documented.max);
      const judged: Judged = {
        op: '<=',
        bound: parseDuration(o.for) / 1000,
        warning: o.warning,
        unit: 's',
      };
      if (!replicas.ok) return noData(judged, replicasQuery, replicas.message, hint);
      if (typeof max !== 'number') return noData(judged, max.query, max.message, hint);
      const longest = longestRun(points, (v) => v >= max, ctx.step);
      return {
        ...judged,
        value: longest,
        query: replicasQuery,
        message:
          longest > judged.bound
            ? `pinned at maxReplicas (${max}) for ${longest} s: capacity exhausted`
            : undefined,
      };
    }
    case 'scale-up-time': {
      const judged: Judged = {
        op: '<=',
        bound: parseDuration(o.within) / 1000,
        warning: o.warning,
        unit: 's',
      };
      if (!replicas.ok) return noData(judged, replicasQuery, replicas.message, hint);
      const initial = points[0]![1];
      const first = points.find(([, v]) => v > initial);
      if (!first)
        return {
          ...judged,
          value: null,
          query: replicasQuery,
          status: 'fail',
          display: 'never',
          message: `never scaled up from ${initial} replicas during the run${await loadNote(ctx, selector, loadStart, end)}`,
        };
      return {
        ...judged,
        value: Math.max(0, first[0] - loadStart.getTime() / 1000),
        query: replicasQuery,
      };
    }
  }
}

// The HPA's tolerance: below target × 1.1 it does not scale up (Kubernetes' default).
const TOLERANCE = 0.1;

/**
 * Why an HPA did not scale, from what it saw: each utilisation metric's peak
 * (kube_horizontalpodautoscaler_status_target_metric) against its target
 * (_spec_target_metric). `: CPU peaked at 19 % of the 70 % target: the load
 * was too light to test scaling`, or that it went over and the HPA still did
 * not scale; '' when the series are not there to say.
 */
async function loadNote(ctx: Context, selector: string, from: Date, end: Date): Promise<string> {
  try {
    return await loadNoteOrThrow(ctx, selector, from, end);
  } catch (error) {
    // A note, not the verdict: a query it could not run leaves it unsaid.
    if (error instanceof QueryError) return '';
    throw error;
  }
}

async function loadNoteOrThrow(
  ctx: Context,
  selector: string,
  from: Date,
  end: Date,
): Promise<string> {
  const utilisation = `${selector.slice(0, -1)},metric_target_type="utilization"}`;
  const peaks = numericValues(
    await prometheus(ctx).queryRange(
      `max by (metric_name) (kube_horizontalpodautoscaler_status_target_metric${utilisation})`,
      from,
      end,
      ctx.step,
    ),
  );
  const targets = numericValues(
    await prometheus(ctx).query(
      `max by (metric_name) (kube_horizontalpodautoscaler_spec_target_metric${utilisation})`,
      end,
    ),
  );
  if (!peaks.ok || !targets.ok) return '';
  const seen = targets.series.flatMap((t) => {
    const metric = t.labels.metric_name ?? '';
    const peak = peaks.series.find((p) => p.labels.metric_name === metric);
    if (!peak) return [];
    return [{ metric, peak: Math.max(...peak.values), target: t.values[0]! }];
  });
  if (seen.length === 0) return '';
  const said = seen
    .map(({ metric, peak, target }, i) =>
      i === 0
        ? `${metric === 'cpu' ? 'CPU' : metric} peaked at ${Math.round(peak)} % of the ${target} % target`
        : `${metric === 'cpu' ? 'CPU' : metric} at ${Math.round(peak)} % of ${target} %`,
    )
    .join(', ');
  const under = seen.every(({ peak, target }) => peak <= target * (1 + TOLERANCE));
  return under
    ? `: ${said}: the load was too light to test scaling`
    : `: ${said}, yet it did not scale (see the HPA's events: kubectl describe hpa)`;
}

/** Longest stretch (seconds) of consecutive steps where `test` holds. */
function longestRun(
  points: [number, number][],
  test: (v: number) => boolean,
  step: number,
): number {
  let longest = 0;
  let since: number | undefined;
  let previous: number | undefined;
  for (const [t, v] of points) {
    if (!test(v)) since = undefined;
    else if (since === undefined || previous === undefined || t - previous > step * 1.5) since = t;
    if (since !== undefined) longest = Math.max(longest, t - since + step);
    previous = t;
  }
  return longest;
}

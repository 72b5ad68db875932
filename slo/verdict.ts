// What the checker concludes: one result per objective and the run verdict.
// This is also the shape of `slo.json`, which a later run reads as its
// baseline, so it is a zod schema too.
import { z } from 'zod';
import { EXIT } from '../core/errors.ts';
import { saturationReasons, type GeneratorHealth } from '../run-dir/generator.ts';

/**
 * `skipped`: not judged, for the reason `skippedBecause` gives: the objective
 * does not apply to this run's profile (see `profiles`), or the data it needs
 * was not there to ask (no Prometheus).
 */
export const Status = z.enum(['pass', 'warn', 'fail', 'no-data', 'error', 'skipped']);
export type Status = z.infer<typeof Status>;

export const Unit = z.enum(['', 's', 'ms', 'ratio', 'percent', 'count', 'bytes']);
export type Unit = z.infer<typeof Unit>;

/**
 * Why an objective was skipped. `profile`: it does not apply to this run, a
 * legitimate skip. `no-baseline`: a baseline objective with no earlier run to
 * compare with (a first run), also legitimate. `no-prometheus`: it applies but
 * could not be checked (no Prometheus to ask), so the run cannot pass on it:
 * the verdict is at best `warn`. A slo.json written before this field existed
 * only skipped by profile.
 */
export const SkipReason = z.enum(['profile', 'no-baseline', 'no-prometheus']);
export type SkipReason = z.infer<typeof SkipReason>;

export const ObjectiveResult = z.object({
  name: z.string(),
  kind: z.string(),
  description: z.string().optional(),
  key: z.boolean(),
  weight: z.number(),
  /** The stage of the run it was judged over (`phase:` in the spec); absent: the whole window. */
  phase: z.string().optional(),
  status: Status,
  /** Set on a `skipped` result. */
  skippedBecause: SkipReason.optional(),
  /** Counts against the run (no-data only when the objective's onNoData is `fail`). */
  failed: z.boolean(),
  value: z.number().nullable(),
  unit: Unit,
  /** The measured value as shown: `0.412 s`, `3.1 %`, `never`. */
  measured: z.string(),
  /** The bound as shown: `≤ 1 s`. */
  bound: z.string(),
  /** The bound as a number in `unit` (the report measures each route's distance from it). */
  boundValue: z.number().optional(),
  query: z.string().optional(),
  message: z.string().optional(),
  hint: z.string().optional(),
  /** Why an `error`: the spec's query is wrong (2) or Prometheus failed (3). */
  errorExit: z.union([z.literal(EXIT.badInput), z.literal(EXIT.infrastructure)]).optional(),
  details: z
    .array(z.object({ labels: z.record(z.string(), z.string()), value: z.number().nullable() }))
    .optional(),
});
export type ObjectiveResult = z.infer<typeof ObjectiveResult>;

export const Verdict = z.object({
  apiVersion: z.literal('loadgate/v1'),
  kind: z.literal('SLOVerdict'),
  spec: z.string(),
  profile: z.string().optional(),
  run: z.string().optional(),
  /** The Prometheus asked; absent when there was none (see `skippedBecause`). */
  prometheus: z.string().optional(),
  window: z.object({ loadStart: z.string(), start: z.string(), end: z.string() }),
  /** `inconclusive`: the load generator was the bottleneck (run-dir/generator.ts); see `inconclusive`. */
  status: z.enum(['pass', 'warn', 'fail', 'inconclusive']),
  /** Why the run proves nothing, when it is inconclusive. */
  inconclusive: z.array(z.string()).optional(),
  score: z.number(),
  minScore: z.number(),
  exitCode: z.number().int(),
  objectives: z.array(ObjectiveResult),
});
export type Verdict = z.infer<typeof Verdict>;

export const Comparison = z.enum(['<', '<=', '>', '>=']);
export type Comparison = z.infer<typeof Comparison>;

const SYMBOL: Record<Comparison, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

export function compare(value: number, op: Comparison, bound: number): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}

/** pass, warn (passes the bound but not the warning band) or fail. */
export function judge(
  value: number,
  op: Comparison,
  bound: number,
  warning?: number,
): 'pass' | 'warn' | 'fail' {
  if (!compare(value, op, bound)) return 'fail';
  if (warning !== undefined && !compare(value, op, warning)) return 'warn';
  return 'pass';
}

/** Lower is better for `<`/`<=` objectives: the worst of several values is the largest. */
export function worst(values: number[], op: Comparison): number {
  return op === '<' || op === '<=' ? Math.max(...values) : Math.min(...values);
}

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return '—';
  if (Number.isNaN(value)) return 'NaN';
  // PromQL's own spelling of the infinities.
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 's':
      return value !== 0 && Math.abs(value) < 1 ? `${round(value * 1000)} ms` : `${round(value)} s`;
    case 'ms':
      return `${round(value)} ms`;
    case 'ratio':
      return `${round(value * 100)} %`;
    case 'percent':
      return `${value > 0 ? '+' : ''}${round(value)} %`;
    case 'bytes':
      return `${round(value / 1048576)} MiB`;
    default:
      return String(round(value));
  }
}

export function formatBound(op: Comparison, bound: number, unit: Unit, warning?: number): string {
  const text = `${SYMBOL[op]} ${formatValue(bound, unit)}`;
  return warning === undefined
    ? text
    : `${text} (warn ${SYMBOL[op]} ${formatValue(warning, unit)})`;
}

/**
 * The run score as measured, to two decimals of a percent (89.66 %). Given the
 * minimum, a score under it is never rounded up to it: 89.999 % shows 89.99 %
 * beside a 90 % minimum, not 90 %.
 */
export function formatScore(ratio: number, minScore?: number): string {
  // The epsilon keeps 0.29 (28.999…96 in binary) at 29, not 28.99.
  const rounded = Math.round(ratio * 10000 + 1e-6) / 100;
  const under = minScore !== undefined && ratio < minScore - 1e-9;
  const shown = under && rounded >= minScore * 100 ? Math.floor(ratio * 10000) / 100 : rounded;
  return `${shown} %`;
}

/** 4 significant digits for fractions; whole numbers stay whole (12345 requests, not 12350). */
function round(value: number): number {
  return Math.abs(value) >= 1000 ? Math.round(value) : Number(value.toPrecision(4));
}

/** Skipped because it could not be checked (no Prometheus), not because the profile excludes it. */
export function unchecked(r: ObjectiveResult): boolean {
  return r.status === 'skipped' && r.skippedBecause === 'no-prometheus';
}

/**
 * The verdict: failed if a key objective failed, an objective errored, or the
 * weighted share of objectives that did not fail is under minScore. Skipped
 * objectives are not scored. One skipped for its profile changes nothing; one
 * that could not be checked makes a passing verdict `warn` (never a green
 * pass on objectives nobody checked), and when nothing at all could be
 * judged the empty score does not fail the run either.
 */
export function conclude(
  results: ObjectiveResult[],
  minScore: number,
): Pick<Verdict, 'status' | 'score' | 'exitCode'> {
  const judged = results.filter((r) => r.status !== 'skipped');
  const anyUnchecked = results.some(unchecked);
  const total = judged.reduce((sum, r) => sum + r.weight, 0);
  const passed = judged.reduce((sum, r) => sum + (r.failed ? 0 : r.weight), 0);
  const score = total === 0 ? 0 : passed / total;
  const keyFailed = results.some((r) => r.key && r.failed);
  const errorExit = Math.max(0, ...results.map((r) => r.errorExit ?? 0));
  const scored = total > 0 || !anyUnchecked;
  const failed = keyFailed || errorExit > 0 || (scored && score < minScore - 1e-9);
  const allPassed = judged.every((r) => r.status === 'pass') && !anyUnchecked;
  const status = failed ? 'fail' : allPassed ? 'pass' : 'warn';
  return { status, score, exitCode: errorExit || (failed ? EXIT.failed : EXIT.ok) };
}

/**
 * A verdict whose load generator was saturated is inconclusive, whatever its
 * objectives say: exit 1 (or the error's own code), its reasons kept.
 */
export function withGeneratorHealth(v: Verdict, generator: GeneratorHealth | undefined): Verdict {
  const reasons = saturationReasons(generator);
  if (reasons.length === 0) return v;
  return {
    ...v,
    status: 'inconclusive',
    inconclusive: reasons,
    exitCode: v.exitCode || EXIT.failed,
  };
}

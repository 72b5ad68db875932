import type { K6Summary } from '../run-dir/summary.ts';
import type { PrometheusClient, QueryResult } from './prometheus.ts';
import { expand, expandPromql } from './template.ts';
import { worst, type ObjectiveResult, type Comparison, type Unit } from './verdict.ts';
import type { Window } from './window.ts';

/** Everything an objective kind may read. */
export type Context = {
  /**
   * The Prometheus to ask; absent when there is none, and then evaluate.ts
   * skips every objective whose kind needs it (see Kind.needsPrometheus).
   */
  client?: PrometheusClient;
  /** Without a client: how to get one, shown on every objective not checked. */
  withoutPrometheus?: string;
  window: Window;
  /** Range-query step in seconds for this window. */
  step: number;
  /** Spec vars, --var overrides and $window/$start/$end/$step. */
  vars: Record<string, string>;
  runDir?: string;
  summaries: Map<string, K6Summary>;
  /** Results of the objectives already judged (baselines read them). */
  results: Map<string, ObjectiveResult>;
  now(): Date;
  sleep(ms: number): Promise<void>;
};

/** What a kind measured, before the common code judges and formats it. */
export type Measurement = {
  value: number | null;
  op: Comparison;
  bound: number;
  warning?: number;
  unit: Unit;
  query?: string;
  details?: { labels: Record<string, string>; value: number | null }[];
  /**
   * The details are facts about the value, not groups judged against the
   * bound (runners-reported: 1 or 0 per runner against "≥ N runners"), so no
   * "beyond the bound" list is made of them.
   */
  detailsNotBounded?: true;
  /**
   * Set when the value alone cannot be judged: missing data, a failure the
   * value does not show, or `unchecked`: what it depends on was not checked
   * for want of Prometheus (a baseline of an unchecked objective), or
   * `skipped`: nothing to judge by design (no baseline on a first run), with
   * `message` as its one-line note.
   */
  status?: 'no-data' | 'fail' | 'unchecked' | 'skipped';
  /** What to show instead of the formatted value, e.g. `never`. */
  display?: string;
  /** What to show instead of the formatted bound, when it is not a number. */
  boundDisplay?: string;
  message?: string;
  hint?: string;
};

/** The bound part of a measurement when there is nothing to measure. */
export type Judged = Pick<Measurement, 'op' | 'bound' | 'warning' | 'unit'>;

export function noData(
  judged: Judged,
  query: string | undefined,
  message: string,
  hint: string,
): Measurement {
  return { ...judged, value: null, query, status: 'no-data', message, hint };
}

/**
 * The numeric values of a result, or the reason there are none: an empty
 * vector, NaN only (e.g. a quantile over zero requests), or Prometheus
 * warnings (partial data). This is the "no silent pass" rule in one place.
 * ±Inf is a value (5 errors / 0 requests is +Inf, and violates any upper
 * bound): it is judged against the bound, never taken for missing data.
 */
export function numericValues(
  result: QueryResult,
):
  | { ok: true; series: { labels: Record<string, string>; values: number[] }[] }
  | { ok: false; message: string } {
  if (result.warnings.length > 0)
    return { ok: false, message: `Prometheus warned: ${result.warnings.join('; ')}` };
  if (result.series.length === 0) return { ok: false, message: 'the query returned no series' };
  const series = result.series
    .map((s) => ({
      labels: s.labels,
      values: s.points.map(([, v]) => v).filter((v) => !Number.isNaN(v)),
    }))
    .filter((s) => s.values.length > 0);
  if (series.length === 0)
    return {
      ok: false,
      message: 'every sample is NaN (0 / 0: nothing to divide by, no traffic?)',
    };
  return { ok: true, series };
}

/**
 * The context's Prometheus. evaluate.ts only calls a kind that needs one when
 * there is one, so its absence here is a bug in the kind's needsPrometheus.
 */
export function prometheus(ctx: Context): PrometheusClient {
  if (!ctx.client) throw new Error('an objective that needs Prometheus was judged without one');
  return ctx.client;
}

/** Template a plain field of the spec (a path, a value the kind quotes itself) with the context's vars. */
export function template(ctx: Context, text: string, where: string): string {
  return expand(text, ctx.vars, where);
}

/** Template a PromQL field of the spec (a query, a selector): every value made safe for where it lands. */
export function promqlTemplate(ctx: Context, text: string, where: string): string {
  return expandPromql(text, ctx.vars, where);
}

/**
 * An instant vector judged per group (`by: [route]`): the worst group is the
 * value, and the groups are kept as details when the objective asked for them.
 */
export function worstGroup(
  judged: Judged,
  query: string,
  series: { labels: Record<string, string>; values: number[] }[],
  by: readonly string[],
): Measurement {
  const details = series.map((s) => ({ labels: s.labels, value: s.values[0]! }));
  return {
    ...judged,
    value: worst(
      details.map((d) => d.value),
      judged.op,
    ),
    query,
    details: by.length > 0 ? details : undefined,
  };
}

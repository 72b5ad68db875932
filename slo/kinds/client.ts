// Client objectives: the load generator's own view of the run. Two sources:
//
// - With a run directory (`loadgate run`, `slo check --run DIR`): its k6
//   summaries (summary-<script>.json), exactly as k6 computed them.
// - Without one (k6-operator runs, `slo check --from … --to …`): the k6 series
//   remote-written to Prometheus (k6's `experimental-prometheus-rw`, or the
//   built-in engine's, engine/outputs/remote-write.ts). Every series is
//   cumulative since the test started, so its last sample in the window is the
//   run's value: `last_over_time(S[$window])` at the window's end, where S is
//   the series filtered by `testid="<--var testid>"` when that var is set. A
//   metric has one series per tag set (scenario, name, status, check…) and no
//   counts to weight rates and quantiles with, so those are judged on the
//   worst series (max for an upper bound, min for a lower one): never better
//   than the summary's value, so a pass here is a pass there.
//
//   check               PromQL (L(S) = last_over_time(S{testid}[$window]))
//   checks              min(L(k6_checks_rate))      (max for an upper bound)
//   dropped-iterations  sum(L(k6_dropped_iterations_total))
//                         or 0 * sum(L(k6_iterations_total))   (absent = 0 once k6 ran)
//   metric, rate        max(L(k6_<metric>_rate))    (Rate metrics: http_req_failed, checks…)
//   metric, count       sum(L(k6_<metric>_total))   (counters: http_reqs, iterations…)
//   thresholds          no-data: k6 does not remote-write its thresholds
//   script: NAME        no-data: the series do not say which script wrote them
//
//   Trends are native histograms (k6's K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true,
//   which loadgate sets): H = sum(k6_<metric>_seconds{testid}) (k6_<metric> for a trend
//   that holds no times), the histograms of every runner merged, read at the window's end
//   (Prometheus 2.42's last_over_time takes no histograms: its 5-minute lookback finds
//   each runner's last push). × 1000 for times, as the summary writes them in ms.
//   metric, p(N) / med  histogram_quantile(N/100, H)  (within 2^(1/8) − 1 ≈ 9.05 %)
//   metric, avg         histogram_sum(H) / histogram_count(H)
//   metric, count       histogram_count(H)          (a time trend's count)
//   metric, min / max   no-data: a native histogram keeps neither
//   metric, other stats no-data: passes, fails, value… are not remote-written
//
//   In a split run (`loadgate run --runners N`, $runners > 1) the trend stats are
//   read this way even with a run directory: each runner's summary is its slice
//   only, and the merged native histograms are the whole test.
import { z } from 'zod';
import { BUILTIN } from '../../engine/metrics.ts';
import { nativeHistogramName } from '../../engine/outputs/remote-write.ts';
import type { K6Summary } from '../../run-dir/summary.ts';
import {
  noData,
  numericValues,
  prometheus,
  promqlTemplate,
  type Context,
  type Judged,
  type Measurement,
} from '../measure.ts';
import { matchers } from '../template.ts';
import { worst } from '../verdict.ts';
import { Comparison, common, warning } from './common.ts';
import { defineKind } from './kind.ts';

const clientCommon = {
  kind: z.literal('client'),
  ...common,
  script: z
    .string()
    .optional()
    .describe('Which summary-<script>.json to read (default: every summary in the run dir)'),
  warning,
};

export const Client = z.discriminatedUnion('check', [
  z
    .object({
      ...clientCommon,
      check: z.literal('thresholds'),
      bound: z.number().int().min(0).default(0).describe('Failed k6 thresholds allowed'),
      op: Comparison.default('<='),
    })
    .describe('k6 thresholds of the run'),
  z
    .object({
      ...clientCommon,
      check: z.literal('checks'),
      bound: z.number().min(0).max(1).default(0.99).describe('Minimum checks pass rate'),
      op: Comparison.default('>='),
    })
    .describe('k6 checks pass rate'),
  z
    .object({
      ...clientCommon,
      check: z.literal('dropped-iterations'),
      bound: z.number().min(0).default(0).describe('Dropped iterations allowed'),
      op: Comparison.default('<='),
    })
    .describe('Iterations k6 could not start in time (arrival-rate executors)'),
  z
    .object({
      ...clientCommon,
      check: z.literal('metric'),
      metric: z.string().describe('k6 metric name, e.g. http_req_duration'),
      stat: z.string().describe('Summary value, e.g. p(95), avg, rate, count'),
      time: z
        .boolean()
        .optional()
        .describe(
          "Whether the metric holds times (a Trend(name, true)): remote-written in seconds, judged in ms as the summary writes them. Default: true for k6's built-in time metrics (http_req_duration…), false for others",
        ),
      bound: z.number(),
      op: Comparison.default('<='),
    })
    .describe('Any value of the k6 summary (times in ms, as k6 writes them)'),
]);
export type Client = z.infer<typeof Client>;

export const client = defineKind({
  kind: 'client',
  schema: Client,
  measure,
  displayKind: (o) => `client/${o.check}`,
  // Without a run directory, the run's remote-written k6 series in Prometheus.
  needsPrometheus: (o, ctx) => readsSeries(o, ctx),
  // A pass rate is the one client value judged from below.
  defaultOp: (o) => (o.check === 'checks' ? '>=' : '<='),
});

/** The load generator's own view: the run's k6 summaries, or its remote-written series. */
function measure(o: Client, ctx: Context): Promise<Measurement> | Measurement {
  const judged = { op: o.op, bound: o.bound, warning: o.warning, unit: unitOf(o) };
  return readsSeries(o, ctx) ? fromSeries(o, judged, ctx) : fromSummaries(o, judged, ctx);
}

/** Without a run directory, and for the trends of a split run: the remote-written series. */
function readsSeries(o: Client, ctx: Pick<Context, 'runDir' | 'vars'>): boolean {
  // A split run's min and max are exact in its merged summary; native histograms keep neither.
  return (
    ctx.runDir === undefined ||
    (splitRun(ctx) && o.check === 'metric' && trendOf(o) && !/^(min|max)$/.test(o.stat))
  );
}

/** A run split over several runners (loadgate run --runners N sets $runners). */
function splitRun(ctx: Pick<Context, 'vars'>): boolean {
  return Number(ctx.vars.runners ?? 1) > 1;
}

/** Whether the objective reads a trend stat (percentiles, avg, med; count of a time trend). */
function trendOf(o: Extract<Client, { check: 'metric' }>): boolean {
  return (
    TREND_STAT.test(o.stat) ||
    (o.stat === 'count' && (o.time ?? BUILTIN[o.metric]?.[0] === 'trend'))
  );
}

/** From the run's k6 summary data. */
function fromSummaries(o: Client, judged: Judged, ctx: Context): Measurement {
  const source = `k6 summary${o.script ? ` of ${o.script}` : ''}`;
  const summaries = [...ctx.summaries].filter(([script]) => !o.script || script === o.script);
  if (summaries.length === 0)
    return noData(
      judged,
      source,
      `no ${o.script ? `summary-${o.script}.json` : 'summary.json'} in ${ctx.runDir ? 'the run directory' : 'the check: no run directory'}`,
      'Client objectives need a run directory: pass --run results/<run-id>',
    );
  const details = (values: (number | null)[]) =>
    summaries.map(([script], i) => ({ labels: { script }, value: values[i] ?? null }));

  switch (o.check) {
    case 'thresholds': {
      const failed = summaries.map(([, s]) => failedThresholds(s));
      const total = summaries.reduce((n, [, s]) => n + thresholdCount(s), 0);
      if (total === 0)
        return noData(
          judged,
          source,
          'the run defined no k6 thresholds',
          'Define thresholds in the scenario options, or drop this objective',
        );
      const names = failed.flat();
      return {
        ...judged,
        value: names.length,
        query: source,
        message: names.length > 0 ? `failed: ${names.join(', ')}` : undefined,
        details: summaries.length > 1 ? details(failed.map((f) => f.length)) : undefined,
      };
    }
    case 'checks': {
      let passes = 0;
      let fails = 0;
      for (const [, s] of summaries) {
        passes += s.metrics.checks?.values.passes ?? 0;
        fails += s.metrics.checks?.values.fails ?? 0;
      }
      if (passes + fails === 0)
        return noData(
          judged,
          `${source}: checks`,
          'no k6 check ran',
          'Scenarios should check every response (k6 check())',
        );
      return { ...judged, value: passes / (passes + fails), query: `${source}: checks.rate` };
    }
    case 'dropped-iterations': {
      // k6 only emits dropped_iterations once an iteration is dropped: absent is a real 0.
      const counts = summaries.map(([, s]) => s.metrics.dropped_iterations?.values.count ?? 0);
      return {
        ...judged,
        value: counts.reduce((a, b) => a + b, 0),
        query: `${source}: dropped_iterations.count`,
        details: summaries.length > 1 ? details(counts) : undefined,
      };
    }
    case 'metric': {
      const query = `${source}: ${o.metric}.${o.stat}`;
      const values = summaries.map(([, s]) => s.metrics[o.metric]?.values[o.stat] ?? null);
      const present = values.filter((v): v is number => v !== null);
      if (present.length === 0)
        return noData(
          judged,
          query,
          `no ${o.metric} ${o.stat} in the summary`,
          `Known metrics: ${Object.keys(summaries[0]![1].metrics).join(', ')}; trend stats depend on summaryTrendStats`,
        );
      return {
        ...judged,
        value: worst(present, o.op),
        query,
        details: summaries.length > 1 ? details(values) : undefined,
      };
    }
  }
}

function unitOf(o: Client): Measurement['unit'] {
  if (o.check === 'checks') return 'ratio';
  if (o.check === 'metric')
    return TREND_STAT.test(o.stat)
      ? o.time === false
        ? ''
        : 'ms'
      : o.stat === 'rate'
        ? ''
        : 'count';
  return 'count';
}

const TREND_STAT = /^(p\(|avg|min|med|max)/;

/** From the k6 series remote-written to Prometheus (the mapping is in this file's header). */
async function fromSeries(o: Client, judged: Judged, ctx: Context): Promise<Measurement> {
  const hint = `Check that the run remote-wrote to this Prometheus (k6 run -o experimental-prometheus-rw) within the window${ctx.vars.testid ? ', with --tag testid matching --var testid' : ''}, or pass --run results/<run-id> for its summary`;
  if (o.script)
    return noData(
      judged,
      undefined,
      `remote-written k6 series do not say which script wrote them (script: ${o.script})`,
      'Pass --run with the run directory of that script, or drop script: for a check from Prometheus',
    );
  const sel = ctx.vars.testid ? promqlTemplate(ctx, 'testid="$testid"', `objective ${o.name}`) : '';
  const last = (name: string) => `last_over_time(${name}${matchers(sel)}[${ctx.vars.window}])`;
  // The worst series, as the bound sees it: the largest value for an upper bound.
  const worstOf = (op: Client['op']) => (op === '<' || op === '<=' ? 'max' : 'min');

  let query: string;
  switch (o.check) {
    case 'thresholds':
      return noData(
        judged,
        undefined,
        'k6 thresholds are not remote-written: without a run directory they cannot be judged',
        "Pass --run results/<run-id> for the run's summary, rely on k6's exit code 99 (a k6-operator runner fails), or drop this objective (or set onNoData: warn) in a spec for operator runs",
      );
    case 'checks':
      query = `${worstOf(o.op)}(${last('k6_checks_rate')})`;
      break;
    case 'dropped-iterations':
      // k6 writes dropped_iterations once one is dropped: absent is 0, provided k6 wrote anything.
      query = `sum(${last('k6_dropped_iterations_total')}) or 0 * sum(${last('k6_iterations_total')})`;
      break;
    case 'metric': {
      const built = metricQuery(o, sel, last);
      if ('missing' in built)
        return noData(
          judged,
          undefined,
          built.missing,
          'From Prometheus: percentiles, med, avg and count of a trend (its native histogram), rate or count of others; other stats need --run results/<run-id>',
        );
      query = built.query;
      break;
    }
  }
  const values = numericValues(await prometheus(ctx).query(query, ctx.window.end));
  if (!values.ok)
    return noData(
      judged,
      query,
      values.message,
      o.check === 'metric' && trendOf(o)
        ? `${hint}; trends are read from native histograms: k6 needs K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true and Prometheus --enable-feature=native-histograms`
        : hint,
    );
  return { ...judged, value: values.series[0]!.values[0]!, query };
}

/** The PromQL of a `metric` objective (see the header), or why it has none. */
function metricQuery(
  o: Extract<Client, { check: 'metric' }>,
  sel: string,
  last: (name: string) => string,
): { query: string } | { missing: string } {
  const base = `k6_${o.metric.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  // The worst series, as the bound sees it: the largest value for an upper bound.
  const worstOf = o.op === '<' || o.op === '<=' ? 'max' : 'min';
  if (o.stat === 'rate') return { query: `${worstOf}(${last(`${base}_rate`)})` };
  if (!trendOf(o)) {
    if (o.stat === 'count') return { query: `sum(${last(`${base}_total`)})` };
    return { missing: `k6 does not remote-write the ${o.stat} of a metric` };
  }
  const time = o.time ?? BUILTIN[o.metric]?.[1] === 'time';
  const merged = `sum(${nativeHistogramName(o.metric, time ? 'time' : 'default')}${matchers(sel)})`;
  const ms = (q: string) => (time ? `1000 * ${q}` : q);
  if (o.stat === 'count') return { query: `histogram_count(${merged})` };
  if (o.stat === 'avg')
    return { query: ms(`histogram_sum(${merged}) / histogram_count(${merged})`) };
  if (o.stat === 'min' || o.stat === 'max')
    return {
      missing: `a native histogram keeps no ${o.stat}: the ${o.stat} of a trend is in the summary only`,
    };
  const p = o.stat === 'med' ? 50 : Number(/^p\((\d+(?:\.\d+)?)\)$/.exec(o.stat)?.[1]);
  if (!(p >= 0 && p <= 100)) return { missing: `k6 has no trend stat '${o.stat}'` };
  return { query: ms(`histogram_quantile(${p / 100}, ${merged})`) };
}

function failedThresholds(summary: K6Summary): string[] {
  return Object.entries(summary.metrics).flatMap(([metric, m]) =>
    Object.entries(m.thresholds ?? {})
      .filter(([, t]) => !t.ok)
      .map(([expr]) => `${metric}: ${expr}`),
  );
}

function thresholdCount(summary: K6Summary): number {
  return Object.values(summary.metrics).reduce(
    (n, m) => n + Object.keys(m.thresholds ?? {}).length,
    0,
  );
}

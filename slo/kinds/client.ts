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
//   metric, p(N)/avg    max(L(k6_<metric>_pN|_avg)) (min for a lower bound), × 1000 for
//                       times (remote-written in seconds, judged in ms like the summary)
//   metric, min / max   min(L(k6_<metric>_min)) / max(L(k6_<metric>_max)), × 1000 for times
//   metric, rate        max(L(k6_<metric>_rate))    (Rate metrics: http_req_failed, checks…)
//   metric, count       sum(L(k6_<metric>_total))   (counters: http_reqs, iterations…)
//   metric, other stats no-data: med, passes, fails, value… are not remote-written
//   thresholds          no-data: k6 does not remote-write its thresholds
//   script: NAME        no-data: the series do not say which script wrote them
//
//   Trend stats exist as series only when written: loadgate writes
//   p(95),p(99),min,max,avg (RW_TREND_STATS); real k6 writes
//   K6_PROMETHEUS_RW_TREND_STATS (default p(99)).
import { z } from 'zod';
import { BUILTIN } from '../../engine/metrics.ts';
import { RW_TREND_STATS, statSuffix } from '../../engine/outputs/remote-write.ts';
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
  needsPrometheus: (_o, ctx) => ctx.runDir === undefined,
  // A pass rate is the one client value judged from below.
  defaultOp: (o) => (o.check === 'checks' ? '>=' : '<='),
});

/** The load generator's own view: the run's k6 summaries, or its remote-written series. */
function measure(o: Client, ctx: Context): Promise<Measurement> | Measurement {
  const judged = { op: o.op, bound: o.bound, warning: o.warning, unit: unitOf(o) };
  return ctx.runDir === undefined ? fromSeries(o, judged, ctx) : fromSummaries(o, judged, ctx);
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
      const series = seriesOf(o);
      if (!series)
        return noData(
          judged,
          undefined,
          `k6 does not remote-write the ${o.stat} of a metric`,
          `From Prometheus: the trend stats written (${RW_TREND_STATS} by loadgate, K6_PROMETHEUS_RW_TREND_STATS for k6), rate or count; other stats need --run results/<run-id>`,
        );
      const aggregate = series.aggregate === 'worst' ? worstOf(o.op) : series.aggregate;
      query = `${aggregate}(${last(series.name)})`;
      if (series.scale !== 1) query = `${series.scale} * ${query}`;
      break;
    }
  }
  const values = numericValues(await prometheus(ctx).query(query, ctx.window.end));
  if (!values.ok)
    return noData(
      judged,
      query,
      values.message,
      o.check === 'metric' && TREND_STAT.test(o.stat)
        ? `${hint}; trend stats exist only as written (${RW_TREND_STATS} by loadgate, K6_PROMETHEUS_RW_TREND_STATS for k6)`
        : hint,
    );
  return { ...judged, value: values.series[0]!.values[0]!, query };
}

/** The series a `metric` objective reads, how its values combine, and the factor to the summary's units. */
function seriesOf(
  o: Extract<Client, { check: 'metric' }>,
): { name: string; aggregate: 'worst' | 'sum' | 'min' | 'max'; scale: number } | undefined {
  const base = `k6_${o.metric.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  if (o.stat === 'count') return { name: `${base}_total`, aggregate: 'sum', scale: 1 };
  if (o.stat === 'rate') return { name: `${base}_rate`, aggregate: 'worst', scale: 1 };
  if (!/^(p\(\d+(\.\d+)?\)|avg|min|max)$/.test(o.stat)) return undefined;
  const time = o.time ?? BUILTIN[o.metric]?.[1] === 'time';
  return {
    name: `${base}_${statSuffix(o.stat)}`,
    aggregate: o.stat === 'min' || o.stat === 'max' ? o.stat : 'worst',
    scale: time ? 1000 : 1,
  };
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

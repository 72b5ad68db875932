import { z } from 'zod';
import type { K6Summary } from '../../run-dir/summary.ts';
import { noData, type Context, type Measurement } from '../measure.ts';
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
  // A pass rate is the one client value judged from below.
  defaultOp: (o) => (o.check === 'checks' ? '>=' : '<='),
});

/** The load generator's own view, from the run's k6 summary data. */
function measure(o: Client, ctx: Context): Measurement {
  const judged = { op: o.op, bound: o.bound, warning: o.warning, unit: unitOf(o) };
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
    return /^(p\(|avg|min|med|max)/.test(o.stat) ? 'ms' : o.stat === 'rate' ? '' : 'count';
  return 'count';
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

import { z } from 'zod';
import {
  numericValues,
  noData,
  promqlTemplate,
  prometheus,
  type Context,
  type Measurement,
} from '../measure.ts';
import { worst } from '../verdict.ts';
import { Comparison, common, warning } from './common.ts';
import { defineKind } from './kind.ts';

export const Promql = z
  .object({
    kind: z.literal('promql'),
    ...common,
    query: z
      .string()
      .min(1)
      .describe('Any PromQL; templates $window, $start, $end, $step and spec vars'),
    evaluate: z
      .enum(['instant', 'range'])
      .default('instant')
      .describe('instant: at the end of the window; range: every step across the window'),
    reduce: z
      .enum(['worst', 'max', 'min', 'avg', 'last'])
      .default('worst')
      .describe('How several series (and, for range, several steps) become one value'),
    unit: z
      .enum(['', 's', 'ratio', 'percent', 'count', 'bytes'])
      .default('')
      .describe('Display unit'),
    bound: z.number(),
    op: Comparison.default('<='),
    warning,
  })
  .describe('Any PromQL expression with a bound');
export type Promql = z.infer<typeof Promql>;

export const promql = defineKind({
  kind: 'promql',
  schema: Promql,
  measure,
});

/** Any expression, at the end of the window or at every step across it. */
async function measure(o: Promql, ctx: Context): Promise<Measurement> {
  const query = promqlTemplate(ctx, o.query, `objective ${o.name}`);
  const judged = { op: o.op, bound: o.bound, warning: o.warning, unit: o.unit };
  const { start, end } = ctx.window;
  const result =
    o.evaluate === 'range'
      ? await prometheus(ctx).queryRange(query, start, end, ctx.step)
      : await prometheus(ctx).query(query, end);
  const values = numericValues(result);
  if (!values.ok)
    return noData(
      judged,
      query,
      values.message,
      'Run the query in the Prometheus UI over the window; if "nothing" is a legitimate answer, write `… or vector(0)`',
    );
  const perSeries = values.series.map((s) => ({
    labels: s.labels,
    value: reduce(s.values, o.reduce, o.op),
  }));
  return {
    ...judged,
    value: reduce(
      perSeries.map((s) => s.value),
      o.reduce,
      o.op,
    ),
    query,
    details: perSeries.length > 1 ? perSeries : undefined,
  };
}

function reduce(values: number[], how: Promql['reduce'], op: Promql['op']): number {
  switch (how) {
    case 'worst':
      return worst(values, op);
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'last':
      return values[values.length - 1]!;
  }
}

import { z } from 'zod';
import {
  numericValues,
  noData,
  promqlTemplate,
  worstGroup,
  prometheus,
  type Context,
  type Measurement,
} from '../measure.ts';
import { matchers } from '../template.ts';
import { Comparison, common, warning, selector, by } from './common.ts';
import { defineKind } from './kind.ts';

export const Latency = z
  .object({
    kind: z.literal('latency'),
    ...common,
    metric: z
      .string()
      .default('http_request_duration_seconds')
      .describe('Histogram name, without _bucket'),
    selector: selector('the histogram'),
    quantile: z.number().gt(0).lt(1).default(0.95).describe('Quantile, e.g. 0.95 for p95'),
    by,
    bound: z.number().positive().describe('Bound in seconds'),
    op: Comparison.default('<='),
    warning,
  })
  .describe('histogram_quantile of a latency histogram over the window');
export type Latency = z.infer<typeof Latency>;

export const latency = defineKind({
  kind: 'latency',
  schema: Latency,
  measure,
});

/** histogram_quantile over the whole window, evaluated at its end. */
async function measure(o: Latency, ctx: Context): Promise<Measurement> {
  const selector = promqlTemplate(ctx, o.selector, `objective ${o.name}`);
  const bucket = `${o.metric}_bucket${matchers(selector)}`;
  const groups = ['le', ...o.by].join(', ');
  const query = `histogram_quantile(${o.quantile}, sum by (${groups}) (rate(${bucket}[${ctx.vars.window}])))`;
  const judged = { op: o.op, bound: o.bound, warning: o.warning, unit: 's' as const };
  const values = numericValues(await prometheus(ctx).query(query, ctx.window.end));
  if (!values.ok)
    return noData(
      judged,
      query,
      values.message,
      `Check that ${bucket} exists in Prometheus (metric name, labels, vars such as $namespace) and had traffic in the window`,
    );
  return worstGroup(judged, query, values.series, o.by);
}

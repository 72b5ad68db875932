import {
  finiteValues,
  noData,
  template,
  worstGroup,
  type Context,
  type Measurement,
} from '../measure.ts';
import type { Objective } from '../spec.ts';
import { matchers } from '../template.ts';

type Latency = Extract<Objective, { kind: 'latency' }>;

/** histogram_quantile over the whole window, evaluated at its end. */
export async function latency(o: Latency, ctx: Context): Promise<Measurement> {
  const selector = template(ctx, o.selector, `objective ${o.name}`);
  const bucket = `${o.metric}_bucket${matchers(selector)}`;
  const groups = ['le', ...o.by].join(', ');
  const query = `histogram_quantile(${o.quantile}, sum by (${groups}) (rate(${bucket}[${ctx.vars.window}])))`;
  const judged = { op: o.op, bound: o.bound, warning: o.warning, unit: 's' as const };
  const values = finiteValues(await ctx.client.query(query, ctx.window.end));
  if (!values.ok)
    return noData(
      judged,
      query,
      values.message,
      `Check that ${bucket} exists in Prometheus (metric name, labels, vars such as $namespace) and had traffic in the window`,
    );
  return worstGroup(judged, query, values.series, o.by);
}

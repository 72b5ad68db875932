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

type ErrorRatio = Extract<Objective, { kind: 'error-ratio' }>;

/**
 * errors / requests over the window. A window without a single error has no
 * error series at all, so the numerator falls back to 0 × the total (same
 * labels): zero errors is a real 0, while zero requests stays no-data.
 */
export async function errorRatio(o: ErrorRatio, ctx: Context): Promise<Measurement> {
  const where = `objective ${o.name}`;
  const selector = template(ctx, o.selector, where);
  const errorSelector = template(ctx, o.errorSelector, where);
  const sum = `sum${o.by.length > 0 ? ` by (${o.by.join(', ')})` : ''}`;
  const total = `${sum} (increase(${o.metric}${matchers(selector)}[${ctx.vars.window}]))`;
  const errors = `${sum} (increase(${o.metric}${matchers(selector, errorSelector)}[${ctx.vars.window}]))`;
  const query = `(${errors} or 0 * ${total}) / ${total}`;
  const judged = { op: o.op, bound: o.bound, warning: o.warning, unit: 'ratio' as const };
  const values = finiteValues(await ctx.client.query(query, ctx.window.end));
  if (!values.ok)
    return noData(
      judged,
      query,
      values.message,
      `Check that ${o.metric}${matchers(selector)} exists (metric name, labels, vars such as $namespace) and counted requests in the window`,
    );
  return worstGroup(judged, query, values.series, o.by);
}

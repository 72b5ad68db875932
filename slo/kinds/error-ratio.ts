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

export const ErrorRatio = z
  .object({
    kind: z.literal('error-ratio'),
    ...common,
    metric: z.string().default('http_requests_total').describe('Request counter'),
    selector: selector('both the errors and the total'),
    errorSelector: z
      .string()
      .default('status=~"5.."')
      .describe('Label matchers that pick the errors'),
    by,
    bound: z.number().min(0).max(1).describe('Bound as a ratio: 0.05 is 5 %'),
    op: Comparison.default('<='),
    warning,
  })
  .describe('errors / requests over the window');
export type ErrorRatio = z.infer<typeof ErrorRatio>;

export const errorRatio = defineKind({
  kind: 'error-ratio',
  schema: ErrorRatio,
  measure,
});

/**
 * errors / requests over the window. A window without a single error has no
 * error series at all, so the numerator falls back to 0 × the total (same
 * labels): zero errors is a real 0, while zero requests stays no-data.
 */
async function measure(o: ErrorRatio, ctx: Context): Promise<Measurement> {
  const where = `objective ${o.name}`;
  const selector = promqlTemplate(ctx, o.selector, where);
  const errorSelector = promqlTemplate(ctx, o.errorSelector, where);
  const sum = `sum${o.by.length > 0 ? ` by (${o.by.join(', ')})` : ''}`;
  const total = `${sum} (increase(${o.metric}${matchers(selector)}[${ctx.vars.window}]))`;
  const errors = `${sum} (increase(${o.metric}${matchers(selector, errorSelector)}[${ctx.vars.window}]))`;
  const query = `(${errors} or 0 * ${total}) / ${total}`;
  const judged = { op: o.op, bound: o.bound, warning: o.warning, unit: 'ratio' as const };
  const values = numericValues(await prometheus(ctx).query(query, ctx.window.end));
  if (!values.ok)
    return noData(
      judged,
      query,
      values.message,
      `Check that ${o.metric}${matchers(selector)} exists (metric name, labels, vars such as $namespace) and counted requests in the window`,
    );
  return worstGroup(judged, query, values.series, o.by);
}

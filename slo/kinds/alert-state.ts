import { z } from 'zod';
import {
  numericValues,
  noData,
  template,
  prometheus,
  type Context,
  type Measurement,
} from '../measure.ts';
import { matchers, quote } from '../template.ts';
import { common } from './common.ts';
import { defineKind } from './kind.ts';

export const AlertState = z
  .object({
    kind: z.literal('alert-state'),
    ...common,
    alert: z.string().describe('Alert name'),
    expect: z
      .enum(['not-firing', 'firing'])
      .default('not-firing')
      .describe('Whether the alert must stay quiet or must fire during the window'),
    labels: z
      .record(z.string(), z.string())
      .default({})
      .describe('Extra label values the ALERTS series must have'),
  })
  .describe('Alert state during the window, from the ALERTS series');
export type AlertState = z.infer<typeof AlertState>;

export const alertState = defineKind({
  kind: 'alert-state',
  schema: AlertState,
  measure,
});

/**
 * Seconds an alert was firing during the window, from the ALERTS series. An
 * empty answer is a real "never fired" only once the rule is known to be
 * loaded; otherwise "not firing" would prove nothing and is no-data.
 */
async function measure(o: AlertState, ctx: Context): Promise<Measurement> {
  const judged =
    o.expect === 'not-firing'
      ? { op: '<=' as const, bound: 0, unit: 's' as const }
      : { op: '>' as const, bound: 0, unit: 's' as const };
  const labels = Object.entries(o.labels).map(
    ([k, v]) => `${k}=${quote(template(ctx, v, `objective ${o.name}`))}`,
  );
  const series = `ALERTS${matchers(`alertname=${quote(o.alert)}`, 'alertstate="firing"', ...labels)}`;
  // max_over_time over one step catches a firing shorter than the step.
  const query = `max_over_time(${series}[${ctx.step}s])`;
  const rules = await prometheus(ctx).alertingRules();
  if (!rules.some((r) => r.name === o.alert))
    return noData(
      judged,
      query,
      `alert '${o.alert}' is not loaded in Prometheus, so its state proves nothing`,
      'Load the rule file (rule_files in prometheus.yml) and reload Prometheus',
    );
  const { start, end } = ctx.window;
  const result = await prometheus(ctx).queryRange(query, start, end, ctx.step);
  if (result.warnings.length > 0) {
    const values = numericValues(result);
    if (!values.ok)
      return noData(judged, query, values.message, 'Prometheus answered partial data');
  }
  const firingSteps = new Set(result.series.flatMap((s) => s.points.map(([t]) => t)));
  const seconds = firingSteps.size * ctx.step;
  return {
    ...judged,
    value: seconds,
    query,
    message:
      o.expect === 'firing' && seconds === 0
        ? 'the alert never fired during the window'
        : o.expect === 'not-firing' && seconds > 0
          ? `the alert fired for about ${seconds} s`
          : undefined,
  };
}

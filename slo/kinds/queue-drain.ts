import { z } from 'zod';
import { Duration, parseDuration } from '../prom-duration.ts';
import {
  numericValues,
  noData,
  promqlTemplate,
  template,
  prometheus,
  type Context,
  type Measurement,
} from '../measure.ts';
import { matchers, quote } from '../template.ts';
import { common, warning, selector } from './common.ts';
import { defineKind } from './kind.ts';

export const QueueDrain = z
  .object({
    kind: z.literal('queue-drain'),
    ...common,
    metric: z.string().default('rabbitmq_queue_messages_ready').describe('Backlog gauge'),
    queue: z.string().optional().describe('Queue name (the `queue` label)'),
    selector: selector('the backlog gauge'),
    below: z.number().min(0).default(0).describe('Backlog considered drained'),
    within: Duration.describe('Longest time after the run for the backlog to drain'),
    warning,
  })
  .describe('The queue backlog drains after the run');
export type QueueDrain = z.infer<typeof QueueDrain>;

export const queueDrain = defineKind({
  kind: 'queue-drain',
  schema: QueueDrain,
  measure,
});

/**
 * Seconds after the run until the backlog is at most `below`. Right after a
 * run the deadline is still ahead: the checker then waits, polling, until the
 * queue drains or the deadline passes. A backlog with no series is no-data at
 * once.
 */
async function measure(o: QueueDrain, ctx: Context): Promise<Measurement> {
  const where = `objective ${o.name}`;
  const selector = matchers(
    o.queue ? `queue=${quote(template(ctx, o.queue, where))}` : '',
    promqlTemplate(ctx, o.selector, where),
  );
  const query = `sum(${o.metric}${selector})`;
  const judged = {
    op: '<=' as const,
    bound: parseDuration(o.within) / 1000,
    warning: o.warning,
    unit: 's' as const,
  };
  const from = ctx.window.end;
  const deadline = new Date(from.getTime() + parseDuration(o.within));
  for (;;) {
    const now = ctx.now();
    const to = new Date(Math.max(from.getTime(), Math.min(now.getTime(), deadline.getTime())));
    const result = await prometheus(ctx).queryRange(query, from, to, ctx.step);
    const values = numericValues(result);
    const points = (result.series[0]?.points ?? []).filter(([, v]) => Number.isFinite(v));
    const drained = points.find(([, v]) => v <= o.below);
    if (drained) return { ...judged, value: drained[0] - from.getTime() / 1000, query };
    // Only a backlog that exists is worth waiting for: no series at all
    // (exporter not scraped, wrong queue or namespace) will not appear by
    // waiting, and holding a post-deploy gate for `within` would hide that.
    const absent = result.series.length === 0;
    if (now.getTime() < deadline.getTime() && !absent) {
      await ctx.sleep(Math.min(ctx.step * 1000, deadline.getTime() - now.getTime()));
      continue;
    }
    if (!values.ok)
      return noData(
        judged,
        query,
        values.message,
        `Check that ${o.metric}${selector} exists (queue name, exporter scraped) after the run`,
      );
    return {
      ...judged,
      value: null,
      query,
      status: 'fail',
      display: 'not drained',
      message: `backlog still ${points[points.length - 1]?.[1]} (> ${o.below}) ${o.within} after the run`,
    };
  }
}

import { z } from 'zod';
import { Duration, parseDuration } from '../prom-duration.ts';
import {
  numericValues,
  noData,
  template,
  prometheus,
  type Context,
  type Judged,
  type Measurement,
} from '../measure.ts';
import { quote } from '../template.ts';
import { common, warning } from './common.ts';
import { defineKind } from './kind.ts';

const hpaCommon = {
  kind: z.literal('hpa'),
  ...common,
  hpa: z.string().describe('HorizontalPodAutoscaler name'),
  namespace: z.string().default('$namespace').describe('Namespace of the HPA'),
  warning,
};

export const Hpa = z.discriminatedUnion('check', [
  z
    .object({
      ...hpaCommon,
      check: z.literal('scaled-above-min'),
      min: z
        .number()
        .int()
        .positive()
        .optional()
        .describe(
          'Documented minReplicas (default: kube_horizontalpodautoscaler_spec_min_replicas)',
        ),
    })
    .describe('The HPA scaled above minReplicas while loaded'),
  z
    .object({
      ...hpaCommon,
      check: z.literal('never-above-max'),
      max: z.number().int().positive().optional().describe('Documented maxReplicas'),
    })
    .describe('Replicas never went above maxReplicas'),
  z
    .object({
      ...hpaCommon,
      check: z.literal('not-pinned-at-max'),
      max: z.number().int().positive().optional().describe('Documented maxReplicas'),
      for: Duration.describe('Longest time allowed at maxReplicas'),
    })
    .describe('The HPA was not stuck at maxReplicas (capacity exhausted)'),
  z
    .object({
      ...hpaCommon,
      check: z.literal('scale-up-time'),
      within: Duration.describe('Longest time from load start to the first scale-up'),
    })
    .describe('Time from load start to the first scale-up'),
]);
export type Hpa = z.infer<typeof Hpa>;

export const hpa = defineKind({
  kind: 'hpa',
  schema: Hpa,
  measure,
  displayKind: (o) => `hpa/${o.check}`,
});

/**
 * HPA behaviour from the kube-state-metrics v2 series, over the load window
 * (from load start, warm-up included: the HPA reacts to the ramp).
 */
async function measure(o: Hpa, ctx: Context): Promise<Measurement> {
  const where = `objective ${o.name}`;
  const selector = `{namespace=${quote(template(ctx, o.namespace, where))},horizontalpodautoscaler=${quote(template(ctx, o.hpa, where))}}`;
  const replicasQuery = `max(kube_horizontalpodautoscaler_status_current_replicas${selector})`;
  const hint = `Check the HPA name and namespace, and that kube-state-metrics is scraped: kube_horizontalpodautoscaler_status_current_replicas${selector}`;
  const { loadStart, start, end } = ctx.window;
  // scaled-above-min judges the loaded part only; the others the whole run.
  const from = o.check === 'scaled-above-min' ? start : loadStart;

  const limit = async (which: 'min' | 'max', documented: number | undefined) => {
    if (documented !== undefined) return documented;
    const query = `max(kube_horizontalpodautoscaler_spec_${which}_replicas${selector})`;
    const values = numericValues(await prometheus(ctx).query(query, end));
    return values.ok ? values.series[0]!.values[0]! : { query, message: values.message };
  };

  const result = await prometheus(ctx).queryRange(replicasQuery, from, end, ctx.step);
  const replicas = numericValues(result);
  const points = (result.series[0]?.points ?? []).filter(([, v]) => Number.isFinite(v));
  const peak = Math.max(...points.map(([, v]) => v));

  switch (o.check) {
    case 'scaled-above-min': {
      const min = await limit('min', o.min);
      const judged: Judged = {
        op: '>',
        bound: typeof min === 'number' ? min : 0,
        warning: o.warning,
        unit: 'count',
      };
      if (!replicas.ok) return noData(judged, replicasQuery, replicas.message, hint);
      if (typeof min !== 'number') return noData(judged, min.query, min.message, hint);
      return {
        ...judged,
        value: peak,
        query: replicasQuery,
        message: peak > min ? undefined : `never scaled above minReplicas (${min}) while loaded`,
      };
    }
    case 'never-above-max': {
      const max = await limit('max', o.max);
      const judged: Judged = {
        op: '<=',
        bound: typeof max === 'number' ? max : 0,
        warning: o.warning,
        unit: 'count',
      };
      if (!replicas.ok) return noData(judged, replicasQuery, replicas.message, hint);
      if (typeof max !== 'number') return noData(judged, max.query, max.message, hint);
      return { ...judged, value: peak, query: replicasQuery };
    }
    case 'not-pinned-at-max': {
      const max = await limit('max', o.max);
      const judged: Judged = {
        op: '<=',
        bound: parseDuration(o.for) / 1000,
        warning: o.warning,
        unit: 's',
      };
      if (!replicas.ok) return noData(judged, replicasQuery, replicas.message, hint);
      if (typeof max !== 'number') return noData(judged, max.query, max.message, hint);
      const longest = longestRun(points, (v) => v >= max, ctx.step);
      return {
        ...judged,
        value: longest,
        query: replicasQuery,
        message:
          longest > judged.bound
            ? `pinned at maxReplicas (${max}) for ${longest} s: capacity exhausted`
            : undefined,
      };
    }
    case 'scale-up-time': {
      const judged: Judged = {
        op: '<=',
        bound: parseDuration(o.within) / 1000,
        warning: o.warning,
        unit: 's',
      };
      if (!replicas.ok) return noData(judged, replicasQuery, replicas.message, hint);
      const initial = points[0]![1];
      const first = points.find(([, v]) => v > initial);
      if (!first)
        return {
          ...judged,
          value: null,
          query: replicasQuery,
          status: 'fail',
          display: 'never',
          message: `never scaled up from ${initial} replicas during the run`,
        };
      return {
        ...judged,
        value: Math.max(0, first[0] - loadStart.getTime() / 1000),
        query: replicasQuery,
      };
    }
  }
}

/** Longest stretch (seconds) of consecutive steps where `test` holds. */
function longestRun(
  points: [number, number][],
  test: (v: number) => boolean,
  step: number,
): number {
  let longest = 0;
  let since: number | undefined;
  let previous: number | undefined;
  for (const [t, v] of points) {
    if (!test(v)) since = undefined;
    else if (since === undefined || previous === undefined || t - previous > step * 1.5) since = t;
    if (since !== undefined) longest = Math.max(longest, t - since + step);
    previous = t;
  }
  return longest;
}

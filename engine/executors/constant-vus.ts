// k6's constant-vus (lib/executor/constant_vus.go): `vus` VUs loop over
// their iterations for `duration` (the segment's share of them under an
// execution segment).
import * as z from 'zod';
import { parseDuration } from '../k6-duration.ts';
import { baseConfig, duration } from './base-config.ts';
import { defineExecutor, endRuns, gracefulStopMs, track } from './executor.ts';

export const constantVus = defineExecutor({
  schema: z
    .object({
      executor: z.literal('constant-vus'),
      vus: z.number().int().positive().default(1),
      duration,
      ...baseConfig,
    })
    .strict(),
  initialVus: (s, tuple) => tuple.scale(s.vus),
  hasWork: (s, tuple) => tuple.scale(s.vus) > 0 && parseDuration(s.duration) > 0,
  plannedMs: (s) => parseDuration(s.duration),
  run(ctx) {
    const s = ctx.scenario;
    const runs = Promise.all(ctx.pool.map((vu) => track(ctx, vu, { kind: 'loop' })));
    return endRuns(ctx, ctx.pool, runs, parseDuration(s.duration), gracefulStopMs(s));
  },
});

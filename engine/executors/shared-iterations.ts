// k6's shared-iterations (lib/executor/shared_iterations.go): `iterations`
// in all, taken one at a time by `vus` VUs from a shared counter, within
// maxDuration. Under an execution segment, both the VUs and the iterations
// are the segment's share of them.
import * as z from 'zod';
import { parseDuration } from '../k6-duration.ts';
import { iterationsConfig } from './base-config.ts';
import { defineExecutor, endRuns, gracefulStopMs, track } from './executor.ts';

export const sharedIterations = defineExecutor({
  schema: z.object({ executor: z.literal('shared-iterations'), ...iterationsConfig }).strict(),
  validate: (s) =>
    s.iterations < s.vus
      ? `the number of iterations (${s.iterations}) can't be less than the number of VUs (${s.vus})`
      : undefined,
  initialVus: (s, tuple) => tuple.scale(s.vus),
  hasWork: (s, tuple) => tuple.scale(s.vus) > 0 && tuple.scale(s.iterations) > 0,
  plannedMs: (s) => parseDuration(s.maxDuration),
  run(ctx) {
    const s = ctx.scenario;
    Atomics.store(ctx.counters, ctx.sharedSlot, ctx.tuple.scale(s.iterations));
    const runs = Promise.all(
      ctx.pool.map((vu) => track(ctx, vu, { kind: 'shared', slot: ctx.sharedSlot })),
    );
    return endRuns(ctx, ctx.pool, runs, parseDuration(s.maxDuration), gracefulStopMs(s));
  },
});

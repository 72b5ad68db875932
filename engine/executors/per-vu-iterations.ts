// k6's per-vu-iterations (lib/executor/per_vu_iterations.go): each of `vus`
// VUs runs `iterations` by itself, within maxDuration. Under an execution
// segment, the VUs are the segment's share; each still runs `iterations`.
import * as z from 'zod';
import { parseDuration } from '../k6-duration.ts';
import { iterationsConfig } from './base-config.ts';
import { defineExecutor, endRuns, gracefulStopMs, track } from './executor.ts';

export const perVuIterations = defineExecutor({
  schema: z.object({ executor: z.literal('per-vu-iterations'), ...iterationsConfig }).strict(),
  initialVus: (s, tuple) => tuple.scale(s.vus),
  hasWork: (s, tuple) => tuple.scale(s.vus) > 0,
  plannedMs: (s) => parseDuration(s.maxDuration),
  run(ctx) {
    const s = ctx.scenario;
    const runs = Promise.all(
      ctx.pool.map((vu) => track(ctx, vu, { kind: 'count', n: s.iterations })),
    );
    return endRuns(ctx, ctx.pool, runs, parseDuration(s.maxDuration), gracefulStopMs(s));
  },
});

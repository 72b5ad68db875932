// k6's ramping-vus (lib/executor/ramping_vus.go): the number of looping VUs
// follows `stages` linearly from startVUs; a VU ramped down gets
// gracefulRampDown to finish its iteration. Under an execution segment the
// instance runs, at every moment, its share of the whole test's VU count
// (k6's getRawExecutionSteps: the segment's striped VUs at or below it).
import * as z from 'zod';
import { parseDuration } from '../k6-duration.ts';
import type { VuHost } from '../vu-host.ts';
import { baseConfig, duration, stage } from './base-config.ts';
import { defineExecutor, delay, endRuns, gracefulStopMs, track } from './executor.ts';

export const rampingVus = defineExecutor({
  schema: z
    .object({
      executor: z.literal('ramping-vus'),
      startVUs: z.number().int().nonnegative().default(1),
      stages: z.array(stage).min(1),
      gracefulRampDown: duration.default('30s'),
      ...baseConfig,
    })
    .strict(),
  initialVus: (s, tuple) => tuple.scale(Math.max(s.startVUs, ...s.stages.map((st) => st.target))),
  hasWork: (s, tuple) => tuple.scale(Math.max(s.startVUs, ...s.stages.map((st) => st.target))) > 0,
  plannedMs: (s) => s.stages.reduce((n, st) => n + parseDuration(st.duration), 0),
  async run(ctx) {
    const s = ctx.scenario;
    const stages = s.stages.map((st) => ({ ms: parseDuration(st.duration), target: st.target }));
    const total = stages.reduce((n, st) => n + st.ms, 0);
    const rampDownMs = parseDuration(s.gracefulRampDown);
    const running = new Map<VuHost, Promise<void>>();
    const all = new Set<Promise<void>>();
    const started = Date.now();
    for (;;) {
      const t = Date.now() - started;
      if (t >= total || ctx.stopped.aborted) break;
      const want = ctx.tuple.scale(vusAt(s.startVUs, stages, t));
      while (running.size < want) {
        const vu = ctx.pool.find((v) => !v.busy && !running.has(v));
        if (!vu) break;
        const p = track(ctx, vu, { kind: 'loop' });
        running.set(vu, p);
        all.add(p);
        void p.finally(() => all.delete(p));
      }
      while (running.size > want) {
        // Ramp down the most recently started VU, giving it gracefulRampDown to finish.
        const [vu, p] = [...running.entries()].pop()!;
        running.delete(vu);
        vu.stop('graceful');
        const timer = setTimeout(() => vu.stop('hard'), rampDownMs);
        void p.finally(() => clearTimeout(timer));
      }
      await delay(Math.min(50, total - t), ctx.stopped);
    }
    const vus = [...running.keys()];
    const remaining = Promise.all([...all]);
    // Ramped-down VUs that are still finishing count as part of the stop too.
    await endRuns(
      ctx,
      ctx.pool.filter((v) => v.busy || vus.includes(v)),
      remaining,
      0,
      gracefulStopMs(s),
    );
  },
});

/** VU count at time t: linear within a stage, rounded down when rising and up when falling (as k6). */
export function vusAt(start: number, stages: { ms: number; target: number }[], t: number): number {
  let from = start;
  let at = 0;
  for (const st of stages) {
    if (t < at + st.ms) {
      const exact = from + ((st.target - from) * (t - at)) / st.ms;
      return st.target >= from ? Math.floor(exact) : Math.ceil(exact);
    }
    at += st.ms;
    from = st.target;
  }
  return from;
}

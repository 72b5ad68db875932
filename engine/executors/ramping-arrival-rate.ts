// k6's ramping-arrival-rate (lib/executor/ramping_arrival_rate.go): the
// arrival rate follows `stages` linearly from startRate, on up to maxVUs VUs.
// Under an execution segment, as constant-arrival-rate: the instance starts
// the whole schedule's iterations its stripe holds, on its share of the VUs.
import * as z from 'zod';
import { parseDuration } from '../k6-duration.ts';
import {
  arrivalRate,
  arrivalRateVusConfig,
  maxVus,
  ownStarts,
  segmentedVus,
  timeUnit,
  validateArrivalRate,
} from './arrival-rate.ts';
import { baseConfig, stage } from './base-config.ts';
import { defineExecutor, gracefulStopMs } from './executor.ts';

export const rampingArrivalRate = defineExecutor({
  schema: z
    .object({
      executor: z.literal('ramping-arrival-rate'),
      startRate: z.number().int().nonnegative().default(0),
      timeUnit,
      stages: z.array(stage).min(1),
      ...arrivalRateVusConfig,
      ...baseConfig,
    })
    .strict(),
  validate: validateArrivalRate,
  ...segmentedVus,
  plannedMs: (s) => s.stages.reduce((n, st) => n + parseDuration(st.duration), 0),
  run(ctx) {
    const s = ctx.scenario;
    const unit = parseDuration(s.timeUnit);
    const stages = s.stages.map((st) => ({
      ms: parseDuration(st.duration),
      target: st.target / unit,
    }));
    const durationMs = stages.reduce((n, st) => n + st.ms, 0);
    return arrivalRate(
      ctx,
      ownStarts(
        segmentedVus.iterationStripe(s, ctx.tuple),
        rampingStarts(s.startRate / unit, stages),
      ),
      durationMs,
      ctx.tuple.scale(maxVus(s)),
      gracefulStopMs(s),
    );
  },
});

/** Start times (ms) for rates changing linearly per stage: iteration k starts where ∫rate = k. */
export function* rampingStarts(
  startPerMs: number,
  stages: { ms: number; target: number }[],
): Generator<number> {
  let k = 0;
  let cumulative = 0;
  let at = 0;
  let r0 = startPerMs;
  for (const st of stages) {
    const r1 = st.target;
    const a = (r1 - r0) / (2 * st.ms);
    const end = cumulative + ((r0 + r1) / 2) * st.ms;
    while (k < end) {
      const need = k - cumulative;
      const t =
        Math.abs(a) < 1e-15 ? need / r0 : (-r0 + Math.sqrt(r0 * r0 + 4 * a * need)) / (2 * a);
      yield at + t;
      k++;
    }
    cumulative = end;
    at += st.ms;
    r0 = r1;
  }
}

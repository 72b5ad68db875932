// k6's constant-arrival-rate (lib/executor/constant_arrival_rate.go):
// `rate` iterations per timeUnit for `duration`, whatever the response
// times, on up to maxVUs VUs.
import * as z from 'zod';
import { parseDuration } from '../k6-duration.ts';
import {
  arrivalRate,
  arrivalRateVusConfig,
  maxVus,
  timeUnit,
  validateArrivalRate,
} from './arrival-rate.ts';
import { baseConfig, duration } from './base-config.ts';
import { defineExecutor, gracefulStopMs } from './executor.ts';

export const constantArrivalRate = defineExecutor({
  schema: z
    .object({
      executor: z.literal('constant-arrival-rate'),
      rate: z.number().int().positive(),
      timeUnit,
      duration,
      ...arrivalRateVusConfig,
      ...baseConfig,
    })
    .strict(),
  validate: validateArrivalRate,
  initialVus: (s) => s.preAllocatedVUs,
  plannedMs: (s) => parseDuration(s.duration),
  run(ctx) {
    const s = ctx.scenario;
    const perMs = s.rate / parseDuration(s.timeUnit);
    const durationMs = parseDuration(s.duration);
    const starts = function* () {
      for (let i = 0; ; i++) {
        const t = i / perMs;
        if (t >= durationMs) return;
        yield t;
      }
    };
    return arrivalRate(ctx, starts(), durationMs, maxVus(s), gracefulStopMs(s));
  },
});

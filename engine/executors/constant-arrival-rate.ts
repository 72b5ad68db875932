// k6's constant-arrival-rate (lib/executor/constant_arrival_rate.go):
// `rate` iterations per timeUnit for `duration`, whatever the response
// times, on up to maxVUs VUs. Under an execution segment the instance starts
// the whole schedule's iterations its stripe holds (k6 re-cuts the sequence
// by maxVUs for this) on its share of the VUs.
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
  ...segmentedVus,
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
    return arrivalRate(
      ctx,
      ownStarts(segmentedVus.iterationStripe(s, ctx.tuple), starts()),
      durationMs,
      ctx.tuple.scale(maxVus(s)),
      gracefulStopMs(s),
    );
  },
});

// Load profiles: each named export turns a plan (journeys, their share of the
// load, the target) into k6 `options`, with the default thresholds of
// DESIGN.md per journey through tagged submetrics.
import type { Options, Scenario, Threshold } from 'k6/options';
import {
  JOURNEYS,
  REQUESTS_PER_ITERATION,
  THINKS_PER_ITERATION,
  type Journey,
} from './catalogue.ts';
import type { Config } from './config.ts';

export interface PlannedJourney {
  journey: Journey;
  /** Share of the target load, 0–1. */
  share: number;
  /** Exported function running it (mix.ts); the default export otherwise. */
  exec?: string;
}

export interface Plan {
  journeys: PlannedJourney[];
  /** Single-journey script (a few VUs in smoke) or the mix (one VU per journey). */
  single: boolean;
  targetRps: number;
  thinkTime: number;
  /** Overrides the main phase (smoke length, plateau, step, hold). */
  duration?: string;
  /** Overrides the ramps of capacity, stress and soak. */
  ramp?: string;
}

/** Single scripts take the whole target; the mix splits it by WEIGHTS (weight 0 drops a journey). */
export function planFor(
  config: Config,
  journeys: readonly Journey[],
  exec?: Partial<Record<Journey, string>>,
): Plan {
  const single = journeys.length === 1;
  const weights = single ? undefined : config.weights;
  const total = weights ? journeys.reduce((sum, j) => sum + weights[j], 0) : 1;
  return {
    journeys: journeys
      .map((journey) => ({
        journey,
        share: weights ? weights[journey] / total : 1,
        exec: exec?.[journey],
      }))
      .filter((j) => j.share > 0),
    single,
    targetRps: config.targetRps,
    thinkTime: config.thinkTime,
    duration: config.duration,
    ramp: config.ramp,
  };
}

const TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

/** Default thresholds (DESIGN.md targets): p95 < 1 s, errors < 5 % (< 1 % in smoke), checks > 99 %. */
export function thresholds(
  journeys: readonly Journey[],
  maxFailedRate: number,
): Record<string, Threshold[]> {
  const all: Record<string, Threshold[]> = {
    http_req_failed: [`rate<${maxFailedRate}`],
    checks: ['rate>0.99'],
  };
  for (const j of journeys) {
    all[`http_req_duration{journey:${j}}`] = ['p(95)<1000'];
    all[`http_req_failed{journey:${j}}`] = [`rate<${maxFailedRate}`];
    all[`checks{journey:${j}}`] = ['rate>0.99'];
  }
  if (journeys.includes('checkout')) all.order_confirmation_time = ['p(95)<10000'];
  return all;
}

function options(
  plan: Plan,
  scenario: (j: PlannedJourney) => Scenario,
  maxFailedRate: number,
): Options {
  const scenarios: Record<string, Scenario> = {};
  for (const j of plan.journeys) {
    scenarios[j.journey] = {
      ...scenario(j),
      tags: { journey: j.journey },
      ...(j.exec ? { exec: j.exec } : {}),
    };
  }
  return {
    scenarios,
    thresholds: thresholds(
      plan.journeys.map((j) => j.journey),
      maxFailedRate,
    ),
    summaryTrendStats: TREND_STATS,
  };
}

/** Iterations per minute of a journey at `factor` × its share of the target. */
function perMinute(plan: Plan, j: PlannedJourney, factor: number): number {
  return Math.max(
    1,
    Math.round(((plan.targetRps * j.share * factor) / REQUESTS_PER_ITERATION[j.journey]) * 60),
  );
}

/** An arrival-rate scenario following `steps` of [duration, factor of the target]. */
function arrival(plan: Plan, j: PlannedJourney, steps: [string, number][]): Scenario {
  const peak = Math.max(...steps.map(([, factor]) => factor));
  // Little's law with room: VUs = arrivals/s × seconds per iteration (requests at ~200 ms + pauses).
  const seconds =
    REQUESTS_PER_ITERATION[j.journey] * 0.2 + THINKS_PER_ITERATION[j.journey] * plan.thinkTime;
  const busy = (perMinute(plan, j, peak) / 60) * seconds;
  return {
    executor: 'ramping-arrival-rate',
    startRate: 0,
    timeUnit: '1m',
    preAllocatedVUs: Math.ceil(busy) + 1,
    maxVUs: Math.ceil(busy * 3) + 2,
    stages: steps.map(([duration, factor]) => ({
      duration,
      target: factor === 0 ? 0 : perMinute(plan, j, factor),
    })),
  };
}

/** Post-deploy check: a few VUs on every journey for about a minute, strict (< 1 % errors). */
export function smoke(plan: Plan): Options {
  const vus = plan.single ? 2 : 1;
  return options(
    plan,
    () => ({ executor: 'constant-vus', vus, duration: plan.duration ?? '1m' }),
    0.01,
  );
}

/** Capacity run: ramp to the target RPS, hold the plateau, ramp down. */
export function capacity(plan: Plan): Options {
  const hold = plan.duration ?? '10m';
  return options(
    plan,
    (j) =>
      arrival(plan, j, [
        [plan.ramp ?? '2m', 1],
        [hold, 1],
        [plan.ramp ?? '1m', 0],
      ]),
    0.05,
  );
}

/** Beyond capacity in steps (1×, 1.5×, 2×, 3×); aborts when errors explode (> 50 %). */
export function stress(plan: Plan): Options {
  const step = plan.duration ?? '3m';
  const steps: [string, number][] = [];
  const ramp = plan.ramp ?? '1m';
  for (const factor of [1, 1.5, 2, 3]) steps.push([ramp, factor], [step, factor]);
  steps.push([ramp, 0]);
  const opts = options(plan, (j) => arrival(plan, j, steps), 0.05);
  const guard: Threshold = { threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '1m' };
  opts.thresholds = {
    ...opts.thresholds,
    http_req_failed: [...(opts.thresholds?.http_req_failed ?? []), guard],
  };
  return opts;
}

/** Half the target, a sudden 5× burst, then recovery: does the HPA catch up, do errors stay low? */
export function spike(plan: Plan): Options {
  const burst = plan.duration ?? '1m';
  return options(
    plan,
    (j) =>
      arrival(plan, j, [
        ['30s', 0.5],
        ['1m', 0.5],
        ['10s', 5],
        [burst, 5],
        ['10s', 0.5],
        ['2m', 0.5],
        ['30s', 0],
      ]),
    0.05,
  );
}

/** Long run at 80 % of the target: leaks, slow degradation, queue growth. */
export function soak(plan: Plan): Options {
  const hold = plan.duration ?? '2h';
  return options(
    plan,
    (j) =>
      arrival(plan, j, [
        [plan.ramp ?? '5m', 0.8],
        [hold, 0.8],
        [plan.ramp ?? '5m', 0],
      ]),
    0.05,
  );
}

export const PROFILE_OPTIONS = { smoke, capacity, stress, spike, soak } as const;

/** The `options` of a script running `journeys` under the PROFILE of `config`. */
export function optionsFor(
  config: Config,
  journeys: readonly Journey[] = JOURNEYS,
  exec?: Partial<Record<Journey, string>>,
): Options {
  return PROFILE_OPTIONS[config.profile](planFor(config, journeys, exec));
}

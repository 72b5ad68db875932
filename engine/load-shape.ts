// The load a set of scenarios plans, over time: per scenario, its arrival
// rate (iterations/s) or its VU count as a piecewise-linear curve from its
// executor's own fields, then the peak of any weighted sum of them and the
// test's length. What `loadgate run` prints before load, and gates on.
import { parseDuration } from './k6-duration.ts';
import { maxVus } from './executors/arrival-rate.ts';
import type { Scenario } from './options.ts';

/** One scenario's planned curve: [ms since the test start, value] points, linear between. */
export type ScenarioShape = {
  name: string;
  executor: Scenario['executor'];
  /** Open model (iterations/s, whatever the response times) or closed (VUs looping). */
  model: 'arrival' | 'vus';
  /** Iterations/s (arrival) or VUs (vus) at each point; nothing before the first or after the last. */
  points: [number, number][];
  /** The most VUs it may use: maxVUs (arrival), its peak VU count (vus). */
  maxVus: number;
  /** The scenario's tags (a journey tag says what one iteration is). */
  tags: Record<string, string>;
};

/** The curve of one scenario, from the fields its executor reads. */
export function shapeOf(s: Scenario): ScenarioShape {
  const start = s.startTime === undefined ? 0 : parseDuration(s.startTime);
  const ramp = (from: number, stages: { duration: string | number; target: number }[]) => {
    const points: [number, number][] = [[start, from]];
    let at = start;
    for (const st of stages) {
      at += parseDuration(st.duration);
      points.push([at, st.target]);
    }
    return points;
  };
  const flat = (value: number, ms: number): [number, number][] => [
    [start, value],
    [start + ms, value],
  ];
  const base = { name: s.name, executor: s.executor, tags: s.tags ?? {} };
  switch (s.executor) {
    case 'ramping-arrival-rate': {
      const unit = parseDuration(s.timeUnit) / 1000;
      const points = ramp(s.startRate, s.stages).map(([t, v]): [number, number] => [t, v / unit]);
      return { ...base, model: 'arrival', points, maxVus: maxVus(s) };
    }
    case 'constant-arrival-rate': {
      const perSecond = s.rate / (parseDuration(s.timeUnit) / 1000);
      const points = flat(perSecond, parseDuration(s.duration));
      return { ...base, model: 'arrival', points, maxVus: maxVus(s) };
    }
    case 'ramping-vus': {
      const points = ramp(s.startVUs, s.stages);
      return { ...base, model: 'vus', points, maxVus: Math.max(...points.map(([, v]) => v)) };
    }
    case 'constant-vus':
      return {
        ...base,
        model: 'vus',
        points: flat(s.vus, parseDuration(s.duration)),
        maxVus: s.vus,
      };
    case 'per-vu-iterations':
    case 'shared-iterations':
      // At most maxDuration: they end sooner when their iterations are done.
      return {
        ...base,
        model: 'vus',
        points: flat(s.vus, parseDuration(s.maxDuration)),
        maxVus: s.vus,
      };
  }
}

/** The curve's value at `t`, from the left or the right of it (0 outside the scenario). */
export function valueAt(points: [number, number][], t: number, side: 'left' | 'right'): number {
  const first = points[0]![0];
  const last = points[points.length - 1]![0];
  if (side === 'right' ? t < first || t >= last : t <= first || t > last) return 0;
  for (let i = 1; i < points.length; i++) {
    const [t0, v0] = points[i - 1]!;
    const [t1, v1] = points[i]!;
    const inside = side === 'right' ? t >= t0 && t < t1 : t > t0 && t <= t1;
    if (inside) return t1 === t0 ? v1 : v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }
  return 0;
}

/**
 * The peak of Σ weight(shape) × curve over the test, and when it is first
 * reached. Sums of linear pieces peak at a breakpoint, so only those are read.
 */
export function peakOf(
  shapes: readonly ScenarioShape[],
  weight: (shape: ScenarioShape) => number,
): { value: number; atMs: number } {
  const times = [...new Set(shapes.flatMap((s) => s.points.map(([t]) => t)))].sort((a, b) => a - b);
  let best = { value: 0, atMs: 0 };
  for (const t of times)
    for (const side of ['left', 'right'] as const) {
      const value = shapes.reduce((sum, s) => sum + weight(s) * valueAt(s.points, t, side), 0);
      if (value > best.value + 1e-9) best = { value, atMs: t };
    }
  return best;
}

/** When the last scenario's schedule ends (gracefulStop not counted). */
export function lengthOf(shapes: readonly ScenarioShape[]): number {
  return Math.max(0, ...shapes.map((s) => s.points[s.points.length - 1]![0]));
}

// The plan of a `loadgate run`, from the profile's real k6 options: the
// bundle's init code runs in VU 0 with the run's environment
// (engine/read-scenarios.ts), and its scenarios give the stages, the peak
// arrival rate (iterations/s × the journey's REQUESTS_PER_ITERATION), the VUs
// and the length (engine/load-shape.ts). --max-rps scales TARGET_RPS, which
// every arrival-rate profile is proportional to, and the scaled options are
// read again: the plan printed is the one that runs.
import { CONFIG_ERROR, REQUESTS_PER_ITERATION, type Journey } from '../lib/catalogue.ts';
import { lengthOf, peakOf, shapeOf, type ScenarioShape } from '../engine/load-shape.ts';
import { readScenarios } from '../engine/read-scenarios.ts';
import { ExitError, InputError } from '../core/errors.ts';

export type LoadPlan = {
  shapes: ScenarioShape[];
  /** Peak planned requests/s of the arrival-rate scenarios (undefined if one has no journey). */
  peakRps?: { value: number; atMs: number };
  /** Closed-model scenarios: their request rate follows the response times, it is not planned. */
  vuScenarios: string[];
  /** At most this many VUs at once (every scenario's maximum, added). */
  maxVus: number;
  lengthMs: number;
  /** TARGET_RPS as --max-rps set it, when it had to. */
  scaledTargetRps?: number;
};

/** Requests in one iteration of the scenario's journey (lib/catalogue.ts), if it runs one. */
export const requestsPerIteration = (s: ScenarioShape): number | undefined =>
  REQUESTS_PER_ITERATION[s.tags.journey as Journey];

/** The plan of `script` under `env` (the VUs' __ENV). */
export async function planOf(script: string, env: Record<string, string>): Promise<LoadPlan> {
  const shapes = (await scenariosOf(script, env)).map(shapeOf);
  const arrival = shapes.filter((s) => s.model === 'arrival');
  const known = arrival.every((s) => requestsPerIteration(s) !== undefined);
  return {
    shapes,
    peakRps:
      arrival.length && known ? peakOf(arrival, (s) => requestsPerIteration(s) ?? 0) : undefined,
    vuScenarios: shapes.filter((s) => s.model === 'vus').map((s) => s.name),
    maxVus: shapes.reduce((n, s) => n + s.maxVus, 0),
    lengthMs: lengthOf(shapes),
  };
}

/**
 * Share of --max-rps the planned peak may take. REQUESTS_PER_ITERATION is a
 * count of each journey's usual iteration: a VU's first iteration also signs
 * in, checkout polls a variable number of times, and arrivals are not evenly
 * spread over a second. Measured at the target, a plan at exactly 20 req/s
 * peaked at 20.4 req/s over 5 s; 10 % of room keeps the cap a cap.
 */
export const MAX_RPS_HEADROOM = 0.9;

/**
 * The plan capped at `maxRps`: unchanged when its peak is already at most
 * MAX_RPS_HEADROOM of it, else with TARGET_RPS scaled down until it is (the
 * profiles round iterations per minute, so the first guess is checked and
 * refined). A plan whose rate is not planned (VU scenarios) or not known
 * cannot be capped.
 */
export async function cappedPlanOf(
  script: string,
  env: Record<string, string>,
  requestedMaxRps: number,
): Promise<LoadPlan> {
  const maxRps = requestedMaxRps * MAX_RPS_HEADROOM;
  const plan = await planOf(script, env);
  if (plan.vuScenarios.length)
    throw new InputError(
      `--max-rps cannot cap scenario(s) ${plan.vuScenarios.join(', ')}: they loop a fixed number of VUs, whose request rate follows the response times`,
      'Drop --max-rps (this profile is bounded by its VUs, printed with --dry-run), or use an arrival-rate profile (capacity, stress, spike, soak)',
    );
  if (!plan.peakRps)
    throw new InputError(
      '--max-rps: the scenarios have no journey tag, so their request rate is unknown',
    );
  if (plan.peakRps.value <= maxRps) return plan;
  // The peak is proportional to TARGET_RPS: measure it at TARGET_RPS=maxRps, then scale.
  let targetRps = maxRps;
  for (let attempt = 0; attempt < 6; attempt++) {
    const scaled = await planOf(script, { ...env, TARGET_RPS: String(targetRps) });
    const peak = scaled.peakRps?.value ?? Infinity;
    if (peak <= maxRps && attempt > 0) return { ...scaled, scaledTargetRps: targetRps };
    targetRps = Math.floor(targetRps * (maxRps / peak) * (attempt > 0 ? 0.97 : 1) * 1000) / 1000;
    if (!(targetRps >= 0.1)) break;
  }
  throw new InputError(
    `--max-rps ${requestedMaxRps}: the profile's lowest rate (every journey at 1 iteration per minute at least) is above it`,
    'Raise --max-rps, or pick fewer journeys (--journey NAME, or -e WEIGHTS=…)',
  );
}

/** The plan as the lines printed before load. */
export function formatPlan(plan: LoadPlan, heading: string): string {
  const lines = [heading];
  for (const s of plan.shapes) {
    const unit = s.model === 'arrival' ? 'it/s' : 'VUs';
    const rps = requestsPerIteration(s);
    const stages = s.points.slice(1).map(([t, v], i) => {
      const [t0, v0] = s.points[i]!;
      const span = duration(t - t0);
      return v === v0 ? `${num(v)} for ${span}` : `${num(v0)}→${num(v)} over ${span}`;
    });
    const start = s.points[0]![0] ? ` from ${duration(s.points[0]![0])}` : '';
    const perIteration = s.model === 'arrival' && rps ? ` (×${rps} req/it)` : '';
    lines.push(
      `  ${s.name}: ${s.executor}${start}, ${unit}${perIteration}: ${stages.join(', ')}; up to ${s.maxVus} VUs`,
    );
  }
  const rate = plan.peakRps
    ? `peak ${num(plan.peakRps.value)} req/s at ${duration(plan.peakRps.atMs)}`
    : 'no planned request rate';
  const closed = plan.vuScenarios.length
    ? ` (+ ${plan.vuScenarios.join(', ')}: VU loops, rate set by response times)`
    : '';
  lines.push(
    `  ${rate}${closed}; at most ${plan.maxVus} VUs; length ${duration(plan.lengthMs)} (+ up to each scenario's gracefulStop)`,
  );
  if (plan.scaledTargetRps !== undefined)
    lines.push(
      `  scaled by --max-rps: TARGET_RPS=${plan.scaledTargetRps} (planned peak at most ${MAX_RPS_HEADROOM * 100} % of the cap: requests per iteration are estimates)`,
    );
  return lines.join('\n') + '\n';
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** 90000 → 1m30s. */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${rest || (!h && !m) ? `${rest}s` : ''}`;
}

/**
 * The scenarios as the script's init code makes them. A bad `-e` value makes
 * that code throw lib/config.ts's configuration error: bad input (exit 2)
 * found before any load, not a script exception (107).
 */
async function scenariosOf(script: string, env: Record<string, string>) {
  try {
    return await readScenarios(script, env);
  } catch (error) {
    if (error instanceof ExitError && error.message.includes(CONFIG_ERROR))
      throw new InputError(
        error.message.slice(error.message.indexOf(CONFIG_ERROR)).split('\n    at ')[0]!,
        "see the scenario variables in README.md, or 'loadgate run --help'",
      );
    throw error;
  }
}

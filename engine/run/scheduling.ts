// The scenarios on the clock: every scenario's VUs initialised before any
// load (as k6 does), then each scenario started at its startTime and run by
// its executor until its schedule ends or the test stops. Under an
// execution segment each scenario runs this instance's share, and a
// scenario whose share is nothing does not run here (k6's HasWork).
import { availableParallelism } from 'node:os';
import { EXIT, ExitError } from '../../core/errors.ts';
import {
  initialVus,
  iterationStripe,
  plannedMs,
  runExecutor,
  type Scenario,
} from '../executors/index.ts';
import { parseDuration } from '../k6-duration.ts';
import { GLOBAL, type ScenarioInfo } from '../protocol.ts';
import type { VuHost } from '../vu-host.ts';
import { checkRoomFor, checkRoomForNextVu, oneMoreIfRoom } from './admission.ts';
import type { Shares } from './shares.ts';
import type { TestStop } from './test-stop.ts';
import type { VuFleet } from './vu-fleet.ts';

/** Each scenario's pre-initialised VUs, by scenario name. */
export type VuPools = Map<string, VuHost[]>;

/** Starts every scenario's initial VUs, once the machine is known to hold them (104), all inits passing (107). */
export async function initScenarioVus(
  scenarios: Scenario[],
  fleet: VuFleet,
  shares: Shares,
): Promise<VuPools> {
  const mine = scenarios.flatMap((s) => {
    const share = shares.of(s);
    return share ? [{ s, vus: initialVus(s, share) }] : [];
  });
  const of = mine.reduce((sum, { vus }) => sum + vus, 0);
  checkRoomFor(of);
  const pools: VuPools = new Map();
  const started = { count: 0, of };
  try {
    for (const { s, vus: n } of mine) pools.set(s.name, await startVus(fleet, n, started));
  } catch (e) {
    if (e instanceof ExitError) throw e; // out of memory: its own message names the VU
    throw new ExitError(
      EXIT.scriptException,
      `script error during VU init: ${(e as Error).message}`,
    );
  }
  return pools;
}

/**
 * VU threads starting at once: enough to keep every core busy with Node's
 * worker start-up, few enough that free memory running out is seen between
 * two starts (checkRoomForNextVu), not after thousands of threads at once.
 */
const STARTING_AT_ONCE = Math.max(4, 2 * availableParallelism());

/** Starts `n` VUs, STARTING_AT_ONCE at a time, in id order; the first failure stops the rest. */
async function startVus(
  fleet: VuFleet,
  n: number,
  started: { count: number; of: number },
): Promise<VuHost[]> {
  const hosts: VuHost[] = new Array<VuHost>(n);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < n) {
      const i = next++;
      checkRoomForNextVu(started.count, started.of);
      started.count++;
      hosts[i] = await fleet.start(); // ids follow i: each start is called in i's order
    }
  };
  const lanes = Array.from({ length: Math.min(STARTING_AT_ONCE, n) }, () =>
    lane().catch((e: unknown) => {
      failed = true;
      throw e;
    }),
  );
  await Promise.all(lanes);
  return hosts;
}

/** The VUs taking part right now; every change is a `vus` sample, as k6 reports it. */
export class ActiveVus extends Set<VuHost> {
  constructor(private changed: (size: number) => void) {
    super();
  }
  override add(vu: VuHost): this {
    const before = this.size;
    super.add(vu);
    if (this.size !== before) this.changed?.(this.size);
    return this;
  }
  override delete(vu: VuHost): boolean {
    const removed = super.delete(vu);
    if (removed) this.changed(this.size);
    return removed;
  }
}

export type Schedule = {
  scenarios: Scenario[];
  shares: Shares;
  pools: VuPools;
  fleet: VuFleet;
  /** An arrival-rate iteration of `scenario` dropped (no VU free): a dropped_iterations sample. */
  dropped(scenario: Scenario): void;
  /** setup()'s data, for every iteration. */
  data: string | undefined;
  active: ActiveVus;
  stop: TestStop;
  warn(message: string): void;
};

/** Runs every scenario, each from its startTime, until all have ended. */
export async function runScenarios(schedule: Schedule): Promise<void> {
  const { fleet, stop, shares } = schedule;
  let slot = GLOBAL.firstSlot;
  await Promise.all(
    schedule.scenarios.map(async (s) => {
      const tuple = shares.of(s);
      if (!tuple) return;
      const startMs = parseDuration(s.startTime ?? '0s');
      const info: ScenarioInfo = {
        name: s.name,
        executor: s.executor,
        exec: s.exec ?? 'default',
        env: s.env ?? {},
        tags: s.tags ?? {},
        startTime: startMs,
        plannedMs: plannedMs(s),
        iterSlot: slot++,
        iterations: iterationStripe(s, tuple),
        vuIds: shares.instance.stripe,
      };
      // shared-iterations: iterations left; arrival-rate: tokens.
      const sharedSlot = slot++;
      if (startMs > 0)
        await new Promise<void>((r) => {
          const t = setTimeout(r, startMs);
          stop.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
        });
      if (stop.signal.aborted) return;
      await runExecutor({
        scenario: s,
        info,
        tuple,
        pool: schedule.pools.get(s.name)!,
        data: schedule.data,
        newVu: () => oneMoreIfRoom(() => fleet.start()),
        dropped: () => schedule.dropped(s),
        stopped: stop.signal,
        counters: fleet.counters,
        sharedSlot,
        active: schedule.active,
        warn: schedule.warn,
      });
    }),
  );
}

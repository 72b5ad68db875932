// The scenarios on the clock: every scenario's VUs initialised before any
// load (as k6 does), then each scenario started at its startTime and run by
// its executor until its schedule ends or the test stops.
import { EXIT, ExitError } from '../../core/errors.ts';
import { initialVus, plannedMs, runExecutor, type Scenario } from '../executors/index.ts';
import { parseDuration } from '../k6-duration.ts';
import type { Registry, Tags } from '../metrics.ts';
import { GLOBAL, type ScenarioInfo } from '../protocol.ts';
import type { VuHost } from '../vu-host.ts';
import { checkRoomFor, oneMoreIfRoom } from './admission.ts';
import type { TestStop } from './test-stop.ts';
import type { VuFleet } from './vu-fleet.ts';

/** Each scenario's pre-initialised VUs, by scenario name. */
export type VuPools = Map<string, VuHost[]>;

/** Starts every scenario's initial VUs, once the machine is known to hold them (104), all inits passing (107). */
export async function initScenarioVus(scenarios: Scenario[], fleet: VuFleet): Promise<VuPools> {
  checkRoomFor(scenarios.reduce((sum, s) => sum + initialVus(s), 0));
  const pools: VuPools = new Map();
  try {
    for (const s of scenarios) {
      const n = initialVus(s);
      pools.set(s.name, await Promise.all(Array.from({ length: n }, () => fleet.start())));
    }
  } catch (e) {
    if (e instanceof ExitError) throw e; // out of memory: its own message names the VU
    throw new ExitError(
      EXIT.scriptException,
      `script error during VU init: ${(e as Error).message}`,
    );
  }
  return pools;
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
  pools: VuPools;
  fleet: VuFleet;
  registry: Registry;
  testTags: Tags;
  /** setup()'s data, for every iteration. */
  data: string | undefined;
  active: ActiveVus;
  stop: TestStop;
  warn(message: string): void;
};

/** Runs every scenario, each from its startTime, until all have ended. */
export async function runScenarios(schedule: Schedule): Promise<void> {
  const { fleet, registry, stop } = schedule;
  let slot = GLOBAL.firstSlot;
  await Promise.all(
    schedule.scenarios.map(async (s) => {
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
        pool: schedule.pools.get(s.name)!,
        data: schedule.data,
        newVu: () => oneMoreIfRoom(() => fleet.start()),
        dropped: () =>
          registry.add(
            registry.get('dropped_iterations'),
            1,
            { ...schedule.testTags, ...s.tags, scenario: s.name },
            Date.now(),
          ),
        stopped: stop.signal,
        counters: fleet.counters,
        sharedSlot,
        active: schedule.active,
        warn: schedule.warn,
      });
    }),
  );
}

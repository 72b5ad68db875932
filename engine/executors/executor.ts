// What an executor is, and the parts of running one that every executor
// shares: a VU's run tracked in `active`, and the end of a schedule (let the
// iterations finish, then a graceful stop, then a hard one). A leaf of
// engine/executors/: each executor file builds on it, the registry lists them.
import type * as z from 'zod';
import { parseDuration } from '../k6-duration.ts';
import type { ExecutionTuple, Stripe } from '../execution-segment.ts';
import type { RunMode, ScenarioInfo } from '../protocol.ts';
import type { VuHost } from '../vu-host.ts';

/** A scenario config of one executor, as its schema parses it, with the scenario's name. */
export type Named<Config> = Config & { name: string };

/**
 * What the main thread gives an executor to drive one scenario. Closed-model
 * executors hand each VU a loop (the VU iterates by itself until told to
 * stop); arrival-rate executors start every iteration at its own clock time,
 * so a slow system under test cannot slow the arrivals (no coordinated
 * omission): when no VU is free the iteration is dropped and counted.
 */
export type ExecutorContext<
  Scenario = Named<{ executor: string; gracefulStop?: string | number }>,
> = {
  scenario: Scenario;
  info: ScenarioInfo;
  /** This instance's segment of the test (the whole test unless --execution-segment). */
  tuple: ExecutionTuple;
  /** The VUs initialised for this scenario before the test started. */
  pool: VuHost[];
  data: string | undefined;
  /** Arrival-rate only: initialise one more VU (up to maxVUs). */
  newVu(): Promise<VuHost>;
  dropped(): void;
  /** Aborted on Ctrl-C, test.abort() or a threshold's abortOnFail. */
  stopped: AbortSignal;
  /** The run-wide shared counters; sharedSlot: iterations left (shared-iterations) or tokens (arrival-rate). */
  counters: Int32Array;
  sharedSlot: number;
  /** VUs currently taking part in the scenario (for the `vus` metric). */
  active: Set<VuHost>;
  warn(message: string): void;
};

/**
 * One executor, all it takes in one file (as k6's lib/executor/<name>.go):
 * its config schema (`executor:` is its k6 name), the VUs it needs before
 * the test starts, how long its schedule is, and how it runs.
 */
export type Executor<Schema extends z.ZodObject<{ executor: z.ZodLiteral<string> }>> = {
  schema: Schema;
  /** A problem with a config the schema accepts (k6's Validate()), said after `scenario 'name': `. */
  validate?(config: z.output<Schema>): string | undefined;
  /** VUs this instance initialises before any load (its segment's share), as k6 does. */
  initialVus(config: z.output<Schema>, tuple: ExecutionTuple): number;
  /** The most VUs the scenario may grow to in this instance (default: initialVus). */
  mostVus?(config: z.output<Schema>, tuple: ExecutionTuple): number;
  /** Whether this instance's segment has anything to run (k6's HasWork); else the scenario is skipped. */
  hasWork(config: z.output<Schema>, tuple: ExecutionTuple): boolean;
  /**
   * Which of the whole test's iterations are this instance's, for
   * exec.scenario.iterationInTest (k6: the tuple's striping; arrival-rate
   * executors re-cut it by maxVUs). Default: the tuple's stripe.
   */
  iterationStripe?(config: z.output<Schema>, tuple: ExecutionTuple): Stripe;
  /** The schedule's length in ms without gracefulStop (exec.scenario.progress). */
  plannedMs(config: z.output<Schema>): number;
  run(ctx: ExecutorContext<Named<z.output<Schema>>>): Promise<void>;
};

/** Gives an executor definition its types (inferred from its schema). */
export function defineExecutor<Schema extends z.ZodObject<{ executor: z.ZodLiteral<string> }>>(
  executor: Executor<Schema>,
): Executor<Schema> {
  return executor;
}

const HARD_STOP_WAIT_MS = 2000;

/** The scenario's gracefulStop in ms (k6's default: 30s). */
export function gracefulStopMs(s: { gracefulStop?: string | number }): number {
  return parseDuration(s.gracefulStop ?? '30s');
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Resolves with true when `p` settles within `ms` (false when time is up or the signal fires). */
async function within(p: Promise<unknown>, ms: number, signal: AbortSignal): Promise<boolean> {
  let settled = false;
  const cancel = new AbortController();
  const onAbort = () => cancel.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const tracked = p.then(() => {
    settled = true;
    cancel.abort();
  });
  await Promise.race([tracked, delay(ms, cancel.signal)]);
  signal.removeEventListener('abort', onAbort);
  cancel.abort();
  return settled;
}

/** Lets `runs` finish by `deadline`, then asks for a graceful stop, then a hard one. */
export async function endRuns(
  ctx: ExecutorContext,
  vus: Iterable<VuHost>,
  runs: Promise<unknown>,
  durationMs: number,
  gracefulMs: number,
): Promise<void> {
  const never = new AbortController().signal;
  if (await within(runs, durationMs, ctx.stopped)) return;
  if (!ctx.stopped.aborted) {
    for (const vu of vus) vu.stop('graceful');
    if (await within(runs, gracefulMs, ctx.stopped)) return;
  }
  for (const vu of vus) vu.stop('hard');
  if (!(await within(runs, HARD_STOP_WAIT_MS, never)))
    ctx.warn(
      `scenario '${ctx.scenario.name}': some VUs did not stop within ${HARD_STOP_WAIT_MS} ms of being interrupted`,
    );
}

/** Runs `vu` in `mode`, counted in `active` while it runs. */
export function track(ctx: ExecutorContext, vu: VuHost, mode: RunMode): Promise<void> {
  ctx.active.add(vu);
  return vu
    .run(ctx.info, mode, ctx.data)
    .catch((e: Error) => ctx.warn(`VU ${vu.id}: ${e.message}`))
    .finally(() => ctx.active.delete(vu));
}

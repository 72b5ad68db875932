// What the two arrival-rate executors share: their VU settings
// (preAllocatedVUs, maxVUs, timeUnit) and the scheduler that starts each
// iteration at its own clock time on an idle VU, or drops it.
import * as z from 'zod';
import { isOwn, type ExecutionTuple, type Stripe } from '../execution-segment.ts';
import type { VuHost } from '../vu-host.ts';
import { duration } from './base-config.ts';
import { delay, endRuns, track, type ExecutorContext } from './executor.ts';

const VU_READY_WAIT_MS = 5000;

export const timeUnit = duration.default('1s');
export const arrivalRateVusConfig = {
  preAllocatedVUs: z.number().int().nonnegative(),
  maxVUs: z.number().int().nonnegative().optional(),
};

type ArrivalRateVus = { preAllocatedVUs: number; maxVUs?: number };

export function validateArrivalRate(s: ArrivalRateVus): string | undefined {
  return s.maxVUs !== undefined && s.maxVUs < s.preAllocatedVUs
    ? 'maxVUs must be at least preAllocatedVUs'
    : undefined;
}

/** The most VUs the scenario may grow to (in the whole test). */
export function maxVus(s: ArrivalRateVus): number {
  return Math.max(s.maxVUs ?? 0, s.preAllocatedVUs);
}

/**
 * The VUs of an instance and the iterations it owns under an execution
 * segment, as k6's arrival-rate executors have them: its share of
 * preAllocatedVUs and maxVUs, and the stripe of the sequence re-cut by
 * maxVUs (GetNewExecutionTupleFromValue), so that the instances' iterations
 * are disjoint and together the whole schedule.
 */
export const segmentedVus = {
  initialVus: (s: ArrivalRateVus, tuple: ExecutionTuple) => tuple.scale(s.preAllocatedVUs),
  mostVus: (s: ArrivalRateVus, tuple: ExecutionTuple) => tuple.scale(maxVus(s)),
  hasWork: (s: ArrivalRateVus, tuple: ExecutionTuple) => tuple.scale(maxVus(s)) > 0,
  iterationStripe: (s: ArrivalRateVus, tuple: ExecutionTuple): Stripe =>
    tuple.forValue(maxVus(s))?.stripe ?? { positions: [], lcd: 1 },
};

/** The start times, of the whole test's iterations, that are the instance's (its stripe). */
export function* ownStarts(stripe: Stripe, starts: Iterator<number>): Generator<number> {
  for (let i = 0, next = starts.next(); !next.done; i++, next = starts.next())
    if (isOwn(stripe, i)) yield next.value;
}

/**
 * Arrival-rate scheduling through shared memory: every VU runs one long
 * `arrival` command. A VU with nothing to do raises its flag in `idle` and
 * sleeps on it. When an iteration is due the scheduler adds a token and
 * claims the idle VU with the lowest slot (flag 1 → 0) and wakes it: one
 * atomic notify per iteration, no message. A VU that just finished takes a
 * waiting token itself. Lowest slot first keeps the work on few VUs, whose
 * code the JIT has optimised and whose caches are warm; the others sleep.
 * No idle VU and no busy one to take the token at that instant: dropped.
 */
export async function arrivalRate(
  ctx: ExecutorContext,
  starts: Iterator<number>,
  durationMs: number,
  maxVUs: number,
  gracefulMs: number,
): Promise<void> {
  const { counters, sharedSlot: tokens } = ctx;
  Atomics.store(counters, tokens, 0);
  const idle = new Int32Array(new SharedArrayBuffer(4 * Math.max(maxVUs, ctx.pool.length, 1)));
  const all: VuHost[] = [];
  const runs: Promise<void>[] = [];
  const join = (vu: VuHost) => {
    const slot = all.length;
    all.push(vu);
    runs.push(
      track(ctx, vu, { kind: 'arrival', tokens, idle: idle.buffer as SharedArrayBuffer, slot }),
    );
  };
  const idleCount = () => {
    let n = 0;
    for (let i = 0; i < all.length; i++) n += Atomics.load(idle, i);
    return n;
  };
  /** Starts one iteration, or says it was dropped. */
  const start = (): boolean => {
    Atomics.add(counters, tokens, 1);
    for (let i = 0; i < all.length; i++)
      if (Atomics.load(idle, i) === 1 && Atomics.compareExchange(idle, i, 1, 0) === 1) {
        Atomics.notify(idle, i, 1);
        return true;
      }
    // Nobody idle: unless a VU that just finished took the token, take it back.
    for (;;) {
      const t = Atomics.load(counters, tokens);
      if (t === 0) return true;
      if (Atomics.compareExchange(counters, tokens, t, t - 1) === t) return false;
    }
  };
  for (const vu of ctx.pool) join(vu);
  let initialising = 0;
  let warned = false;
  const wake = () => {
    for (let i = 0; i < all.length; i++) Atomics.notify(idle, i);
  };
  ctx.stopped.addEventListener('abort', wake, { once: true });
  // The clock starts once the pre-allocated VUs wait (as in k6, where they are
  // ready before the scenario starts): start-up is not charged to the arrivals.
  const ready = performance.now();
  while (
    idleCount() < ctx.pool.length &&
    performance.now() - ready < VU_READY_WAIT_MS &&
    !ctx.stopped.aborted
  )
    await delay(1, ctx.stopped);
  const t0 = performance.now();
  let next = starts.next();
  // The clock: one plain timer per tick (no promise per tick: at 2,000/s the
  // main thread's wake-ups are a large share of the CPU per request). Timers
  // have ~1 ms granularity: each tick starts everything that came due.
  await new Promise<void>((finish) => {
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      clearTimeout(timer);
      ctx.stopped.removeEventListener('abort', end);
      finish();
    };
    ctx.stopped.addEventListener('abort', end, { once: true });
    const tick = () => {
      const now = performance.now() - t0;
      while (!next.done && next.value <= now && !ctx.stopped.aborted) {
        if (!start()) {
          ctx.dropped();
          // One VU initialises at a time: starting a worker costs the main thread
          // time, and a burst of them would delay the next arrivals (more drops).
          if (all.length + initialising < maxVUs && initialising === 0) {
            initialising++;
            ctx.newVu().then(
              (fresh) => {
                initialising--;
                if (ctx.stopped.aborted) return;
                join(fresh);
              },
              (e: Error) => {
                initialising--;
                // Growing failed (no room left): stay at this size, say it once.
                maxVUs = all.length;
                warned = true;
                ctx.warn(`could not initialise a VU: ${e.message}`);
              },
            );
          } else if (!warned && initialising === 0) {
            warned = true;
            ctx.warn(
              `Insufficient VUs, reached ${maxVUs} active VUs and cannot initialize more  executor=${ctx.scenario.executor} scenario=${ctx.scenario.name}`,
            );
          }
        }
        next = starts.next();
      }
      if (next.done || ctx.stopped.aborted) return end();
      timer = setTimeout(tick, Math.max(1, next.value - (performance.now() - t0)));
    };
    tick();
  });
  // The schedule is over: VUs finish the iterations they hold (gracefulStop), then stop.
  const rest = performance.now() - t0;
  if (rest < durationMs) await delay(durationMs - rest, ctx.stopped);
  for (const vu of all) vu.stop('graceful');
  wake();
  await endRuns(ctx, all, Promise.all(runs), 0, gracefulMs);
  wake();
  ctx.stopped.removeEventListener('abort', wake);
}

import { parseDuration } from './k6-duration.ts';
import type { Scenario } from './options.ts';
import type { RunMode, ScenarioInfo } from './protocol.ts';
import type { VuHost } from './vu-host.ts';

/**
 * k6's six executors, driven from the main thread. Closed-model executors
 * hand each VU a loop (the VU iterates by itself until told to stop);
 * arrival-rate executors start every iteration at its own clock time, so a
 * slow system under test cannot slow the arrivals (no coordinated omission):
 * when no VU is free the iteration is dropped and counted.
 */
export type ExecutorContext = {
  scenario: Scenario;
  info: ScenarioInfo;
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

const HARD_STOP_WAIT_MS = 2000;
const VU_READY_WAIT_MS = 5000;

function delay(ms: number, signal: AbortSignal): Promise<void> {
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
async function endRuns(
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

function track(ctx: ExecutorContext, vu: VuHost, mode: RunMode): Promise<void> {
  ctx.active.add(vu);
  return vu
    .run(ctx.info, mode, ctx.data)
    .catch((e: Error) => ctx.warn(`VU ${vu.id}: ${e.message}`))
    .finally(() => ctx.active.delete(vu));
}

export async function runExecutor(ctx: ExecutorContext): Promise<void> {
  const s = ctx.scenario;
  const gracefulMs = parseDuration(s.gracefulStop ?? '30s');
  switch (s.executor) {
    case 'shared-iterations': {
      Atomics.store(ctx.counters, ctx.sharedSlot, s.iterations);
      const runs = Promise.all(
        ctx.pool.map((vu) => track(ctx, vu, { kind: 'shared', slot: ctx.sharedSlot })),
      );
      return endRuns(ctx, ctx.pool, runs, parseDuration(s.maxDuration), gracefulMs);
    }
    case 'per-vu-iterations': {
      const runs = Promise.all(
        ctx.pool.map((vu) => track(ctx, vu, { kind: 'count', n: s.iterations })),
      );
      return endRuns(ctx, ctx.pool, runs, parseDuration(s.maxDuration), gracefulMs);
    }
    case 'constant-vus': {
      const runs = Promise.all(ctx.pool.map((vu) => track(ctx, vu, { kind: 'loop' })));
      return endRuns(ctx, ctx.pool, runs, parseDuration(s.duration), gracefulMs);
    }
    case 'ramping-vus':
      return rampingVus(ctx, s, gracefulMs);
    case 'constant-arrival-rate': {
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
        starts(),
        durationMs,
        Math.max(s.maxVUs ?? 0, s.preAllocatedVUs),
        gracefulMs,
      );
    }
    case 'ramping-arrival-rate': {
      const unit = parseDuration(s.timeUnit);
      const stages = s.stages.map((st) => ({
        ms: parseDuration(st.duration),
        target: st.target / unit,
      }));
      const durationMs = stages.reduce((n, st) => n + st.ms, 0);
      return arrivalRate(
        ctx,
        rampingStarts(s.startRate / unit, stages),
        durationMs,
        Math.max(s.maxVUs ?? 0, s.preAllocatedVUs),
        gracefulMs,
      );
    }
  }
}

/** VU count at time t: linear within a stage, rounded down when rising and up when falling (as k6). */
export function vusAt(start: number, stages: { ms: number; target: number }[], t: number): number {
  let from = start;
  let at = 0;
  for (const st of stages) {
    if (t < at + st.ms) {
      const exact = from + ((st.target - from) * (t - at)) / st.ms;
      return st.target >= from ? Math.floor(exact) : Math.ceil(exact);
    }
    at += st.ms;
    from = st.target;
  }
  return from;
}

async function rampingVus(
  ctx: ExecutorContext,
  s: Extract<Scenario, { executor: 'ramping-vus' }>,
  gracefulMs: number,
): Promise<void> {
  const stages = s.stages.map((st) => ({ ms: parseDuration(st.duration), target: st.target }));
  const total = stages.reduce((n, st) => n + st.ms, 0);
  const rampDownMs = parseDuration(s.gracefulRampDown);
  const running = new Map<VuHost, Promise<void>>();
  const all = new Set<Promise<void>>();
  const started = Date.now();
  for (;;) {
    const t = Date.now() - started;
    if (t >= total || ctx.stopped.aborted) break;
    const want = vusAt(s.startVUs, stages, t);
    while (running.size < want) {
      const vu = ctx.pool.find((v) => !v.busy && !running.has(v));
      if (!vu) break;
      const p = track(ctx, vu, { kind: 'loop' });
      running.set(vu, p);
      all.add(p);
      void p.finally(() => all.delete(p));
    }
    while (running.size > want) {
      // Ramp down the most recently started VU, giving it gracefulRampDown to finish.
      const [vu, p] = [...running.entries()].pop()!;
      running.delete(vu);
      vu.stop('graceful');
      const timer = setTimeout(() => vu.stop('hard'), rampDownMs);
      void p.finally(() => clearTimeout(timer));
    }
    await delay(Math.min(50, total - t), ctx.stopped);
  }
  const vus = [...running.keys()];
  const remaining = Promise.all([...all]);
  // Ramped-down VUs that are still finishing count as part of the stop too.
  await endRuns(
    ctx,
    ctx.pool.filter((v) => v.busy || vus.includes(v)),
    remaining,
    0,
    gracefulMs,
  );
}

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
async function arrivalRate(
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

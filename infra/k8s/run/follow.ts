// Follows a TestRun's status.stage until k6-operator says `finished` or
// `error`, the deadline passes, or the run is interrupted. It polls rather
// than watches: a poll every few seconds is nothing for the API server, and
// it survives what a watch needs extra code for (a dropped connection, an
// expired resourceVersion, a proxy cutting idle streams) by simply asking again.
import { TransientApiError } from './client.ts';

export type Outcome = 'finished' | 'error' | 'deadline' | 'interrupted';

export type Followed = {
  outcome: Outcome;
  /** The last stage seen, undefined if k6-operator never set one. */
  stage: string | undefined;
  /** When the outcome was observed. */
  at: Date;
  elapsedMs: number;
};

export type FollowOptions = {
  /** Reads status.stage (TestRunApi.stage). */
  poll: () => Promise<string | undefined>;
  deadlineMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  onStage?: (stage: string, elapsedMs: number) => void;
  now?: () => Date;
};

/** Consecutive failed polls tolerated before the API counts as down (a rolling API server restart). */
const MAX_TRANSIENT_FAILURES = 5;

export async function followStages(options: FollowOptions): Promise<Followed> {
  const now = options.now ?? (() => new Date());
  const started = now().getTime();
  const elapsed = () => now().getTime() - started;
  let stage: string | undefined;
  let failures = 0;
  const done = (outcome: Outcome): Followed => ({
    outcome,
    stage,
    at: now(),
    elapsedMs: elapsed(),
  });
  for (;;) {
    if (options.signal?.aborted) return done('interrupted');
    if (elapsed() >= options.deadlineMs) return done('deadline');
    // A poll the API never answers must not outlive the deadline or Ctrl-C.
    const answer = await race(options.poll(), options.deadlineMs - elapsed(), options.signal);
    if (answer.kind === 'stopped') continue;
    if (answer.kind === 'failed') {
      if (!(answer.error instanceof TransientApiError) || ++failures >= MAX_TRANSIENT_FAILURES)
        throw answer.error;
    } else {
      failures = 0;
      if (answer.value !== undefined && answer.value !== stage) {
        stage = answer.value;
        options.onStage?.(stage, elapsed());
      }
      if (stage === 'finished' || stage === 'error') return done(stage);
    }
    await sleep(Math.min(options.intervalMs, options.deadlineMs - elapsed()), options.signal);
  }
}

type Answer<T> =
  { kind: 'value'; value: T } | { kind: 'failed'; error: unknown } | { kind: 'stopped' };

/** The promise's result, or `stopped` when `ms` pass or the signal aborts first. */
async function race<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<Answer<T>> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<Answer<T>>((resolve) => {
    if (Number.isFinite(ms))
      timer = setTimeout(() => resolve({ kind: 'stopped' }), Math.max(0, ms));
    onAbort = () => resolve({ kind: 'stopped' });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Answer<T> => ({ kind: 'value', value }),
        (error: unknown): Answer<T> => ({ kind: 'failed', error }),
      ),
      stop,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** Resolves after `ms`, or at once when the signal aborts (no timer left behind). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, Math.max(0, ms));
    signal?.addEventListener('abort', wake, { once: true });
  });
}

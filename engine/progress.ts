// The built-in engine's progress on stderr, fed by the monitor once a second
// (engine/run/monitor.ts): on a terminal one live line redrawn at every tick,
// elsewhere (CI logs) a plain line every `everyMs` (10 s) and one at the end,
// so a log shows the run is alive without a line a second. The clock is the
// state's own elapsed time, so the cadence is tested without waiting.
import type { ProgressState } from './run/monitor.ts';

export type ProgressOptions = {
  /** A terminal: one line redrawn in place. Otherwise plain lines every `everyMs`. */
  tty: boolean;
  write(text: string): void;
  /** Plain mode: the time between two lines (default 10 s). */
  everyMs?: number;
  /** More to say at the end of the line (the local HPA's replicas), if anything. */
  extra?: () => string | undefined;
};

export const PLAIN_EVERY_MS = 10_000;

/** The reporter `runTest({ progress })` calls at each tick and once when done. */
export function progressReporter(o: ProgressOptions): (s: ProgressState) => void {
  const everyMs = o.everyMs ?? PLAIN_EVERY_MS;
  // The request rate is measured since the last line written (the last tick on a terminal).
  let last = { t: 0, requests: 0 };
  let nextAt = everyMs;
  return (s) => {
    if (!o.tty && !s.done && s.elapsedMs < nextAt) return;
    while (nextAt <= s.elapsedMs) nextAt += everyMs;
    const dt = (s.elapsedMs - last.t) / 1000;
    // The last line gives the whole run's average rate.
    const rps = s.done
      ? s.requests / Math.max(s.elapsedMs / 1000, 1e-3)
      : dt > 0
        ? (s.requests - last.requests) / dt
        : 0;
    last = { t: s.elapsedMs, requests: s.requests };
    const line = formatProgress(s, rps, o.extra?.());
    if (o.tty) o.write(`\r\x1b[2K${line}${s.done ? '\n' : ''}`);
    else o.write(`${line}\n`);
  };
}

/** `running 00m12.0s/01m00.0s, 10 VUs, 35 req/s, p95 123 ms, 0.00 % errors, 120 iterations`. */
export function formatProgress(s: ProgressState, rps: number, extra?: string): string {
  const planned = s.plannedMs ? `/${clock(s.plannedMs)}` : '';
  const errors = s.requests > 0 ? (100 * s.failed) / s.requests : 0;
  const p95 = s.p95Ms === null ? 'p95 -' : `p95 ${milliseconds(s.p95Ms)}`;
  const parts = [
    `${s.done ? 'done' : 'running'} ${clock(s.elapsedMs)}${planned}`,
    `${s.vus} VUs`,
    `${rps.toFixed(0)} req/s`,
    p95,
    `${errors.toFixed(2)} % errors (${s.failed} failed)`,
    `${s.iterations} iterations`,
  ];
  if (extra) parts.push(extra);
  return parts.join(', ');
}

/** 00m12.0s, as k6 shows time. */
function clock(ms: number): string {
  const secs = ms / 1000;
  return `${String(Math.floor(secs / 60)).padStart(2, '0')}m${(secs % 60).toFixed(1).padStart(4, '0')}s`;
}

function milliseconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

import type { ProgressState } from './run/monitor.ts';

/** The live line on a TTY (stderr): elapsed, VUs, iterations, req/s, errors. */
export function progressLine(): (s: ProgressState) => void {
  let last = { t: 0, requests: 0 };
  return (s) => {
    const dt = (s.elapsedMs - last.t) / 1000;
    const rps = dt > 0 ? (s.requests - last.requests) / dt : 0;
    last = { t: s.elapsedMs, requests: s.requests };
    const secs = s.elapsedMs / 1000;
    const clock = `${String(Math.floor(secs / 60)).padStart(2, '0')}m${(secs % 60).toFixed(1).padStart(4, '0')}s`;
    const line = `${s.done ? 'done' : 'running'} (${clock}), ${s.vus} VUs, ${s.iterations} complete iterations, ${rps.toFixed(0)} req/s, ${s.failed} failed requests`;
    process.stderr.write(`\r\x1b[2K${line}${s.done ? '\n' : ''}`);
  };
}

// The built-in engine's progress line (engine/progress.ts): its figures, and
// its cadence fed with a fake clock (the states' elapsed time), a tick a second.
import { describe, expect, it } from 'vitest';
import { formatProgress, progressReporter } from '../../engine/progress.ts';
import type { ProgressState } from '../../engine/run/monitor.ts';

function state(elapsedMs: number, over: Partial<ProgressState> = {}): ProgressState {
  return {
    elapsedMs,
    vus: 10,
    iterations: elapsedMs / 100,
    requests: elapsedMs / 20, // 50 req/s
    failed: 0,
    p95Ms: 123.4,
    plannedMs: 60_000,
    done: false,
    ...over,
  };
}

describe('progress line', () => {
  it('shows elapsed / planned, VUs, req/s, p95, error % and the caller’s extra', () => {
    const line = formatProgress(
      state(72_500, { failed: 18, requests: 3600 }),
      49.6,
      'HPA 3 replicas',
    );
    expect(line).toBe(
      'running 01m12.5s/01m00.0s, 10 VUs, 50 req/s, p95 123 ms, 0.50 % errors (18 failed), 725 iterations, HPA 3 replicas',
    );
    expect(formatProgress(state(0, { p95Ms: null, plannedMs: undefined, requests: 0 }), 0)).toBe(
      'running 00m00.0s, 10 VUs, 0 req/s, p95 -, 0.00 % errors (0 failed), 0 iterations',
    );
    expect(formatProgress(state(1000, { p95Ms: 1534 }), 1)).toContain('p95 1.53 s');
  });

  it('without a terminal: one plain line every 10 s, and one at the end', () => {
    const lines: string[] = [];
    const report = progressReporter({ tty: false, write: (t) => lines.push(t) });
    for (let s = 1; s <= 35; s++) report(state(s * 1000));
    report(state(35_400, { done: true, vus: 0 }));
    expect(lines.map((l) => l.split(',')[0])).toEqual([
      'running 00m10.0s/01m00.0s',
      'running 00m20.0s/01m00.0s',
      'running 00m30.0s/01m00.0s',
      'done 00m35.4s/01m00.0s',
    ]);
    expect(lines.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    // The rate is the window's since the previous line: 50 req/s.
    expect(lines[1]).toContain(' 50 req/s');
  });

  it('takes its interval, and skips no window when ticks come late', () => {
    const lines: string[] = [];
    const report = progressReporter({ tty: false, everyMs: 3000, write: (t) => lines.push(t) });
    for (const ms of [1000, 2000, 3100, 4000, 9500, 10_000, 12_000]) report(state(ms));
    expect(lines.map((l) => l.split(',')[0])).toEqual([
      'running 00m03.1s/01m00.0s',
      'running 00m09.5s/01m00.0s',
      'running 00m12.0s/01m00.0s',
    ]);
  });

  it('on a terminal: the line is redrawn at every tick, ended by a newline when done', () => {
    const out: string[] = [];
    const report = progressReporter({ tty: true, write: (t) => out.push(t), extra: () => 'x' });
    report(state(1000));
    report(state(2000));
    report(state(2500, { done: true }));
    expect(out).toHaveLength(3);
    expect(out.every((t) => t.startsWith('\r\x1b[2K'))).toBe(true);
    expect(out[2]!.startsWith('\r\x1b[2Kdone ')).toBe(true);
    expect(out[2]!.endsWith(', x\n')).toBe(true);
  });
});

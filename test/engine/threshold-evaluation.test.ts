import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Registry } from '../../engine/metrics.ts';
import { startMonitor } from '../../engine/run/monitor.ts';
import { TestStop } from '../../engine/run/test-stop.ts';
import type { VuFleet } from '../../engine/run/vu-fleet.ts';
import {
  bindThresholds,
  evaluateThresholds,
  parseThresholds,
  type ThresholdSpec,
} from '../../engine/thresholds.ts';

/**
 * When an abortOnFail threshold stops the test: k6's metrics engine
 * evaluates the thresholds every 2 s of the run (and once at the end), honours
 * delayAbortEval, and skips a metric without samples until the end. Fake
 * timers make the schedule exact; the end-to-end run on both engines is in
 * conformance.test.ts (abort-on-fail.js).
 */
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function monitored(spec: Record<string, ThresholdSpec[]>, startedMsAgo = 0) {
  const registry = new Registry();
  const thresholds = parseThresholds(spec);
  expect(bindThresholds(thresholds, registry)).toBeUndefined();
  const stop = new TestStop();
  const fleet = { counters: new Int32Array(64), size: 2 } as unknown as VuFleet;
  const errors: string[] = [];
  const monitor = startMonitor({
    registry,
    thresholds,
    fleet,
    active: new Set(),
    testTags: {},
    runStart: Date.now() - startedMsAgo,
    stop,
    err: (t) => void errors.push(t),
  });
  return { registry, thresholds, stop, monitor, errors };
}

describe('abortOnFail thresholds during the run', () => {
  it('stops the test at the first 2 s evaluation after the threshold fails, not before', () => {
    const m = monitored({ iterations: [{ threshold: 'count<1', abortOnFail: true }] });
    m.registry.add(m.registry.get('iterations'), 1, {}, Date.now());
    vi.advanceTimersByTime(1999);
    expect(m.stop.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(m.stop.signal.aborted).toBe(true);
    expect(m.monitor.end()).toEqual({ thresholdAbort: true });
    expect(m.errors.join('')).toMatch(/iterations \(count<1\).*aborting the test/);
  });

  it('waits for delayAbortEval: the first evaluation after it aborts', () => {
    const m = monitored({
      iterations: [{ threshold: 'count<1', abortOnFail: true, delayAbortEval: '3s' }],
    });
    m.registry.add(m.registry.get('iterations'), 1, {}, Date.now());
    vi.advanceTimersByTime(2000);
    expect(m.thresholds[0]!.failed).toBe(true);
    expect(m.stop.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1999);
    expect(m.stop.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(m.stop.signal.aborted).toBe(true);
    m.monitor.end();
  });

  it('keeps to the run’s 2 s marks when the monitor starts late (after setup())', () => {
    const m = monitored({ iterations: [{ threshold: 'count<1', abortOnFail: true }] }, 1500);
    m.registry.add(m.registry.get('iterations'), 1, {}, Date.now());
    vi.advanceTimersByTime(499);
    expect(m.stop.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(m.stop.signal.aborted).toBe(true);
    m.monitor.end();
  });

  it('leaves a metric without samples alone until the final evaluation, which fails it', () => {
    const m = monitored({ http_reqs: [{ threshold: 'count>0', abortOnFail: true }] });
    vi.advanceTimersByTime(10_000);
    expect(m.stop.signal.aborted).toBe(false);
    expect(m.monitor.end()).toEqual({ thresholdAbort: false });
    expect(m.thresholds[0]!.failed).toBe(false);
    evaluateThresholds(m.thresholds, m.registry, 10_000);
    expect(m.thresholds[0]!.failed).toBe(true);
  });

  it('does not abort for a passing threshold, nor for a failing one without abortOnFail', () => {
    const m = monitored({ iterations: ['count<1', { threshold: 'count>0', abortOnFail: true }] });
    m.registry.add(m.registry.get('iterations'), 1, {}, Date.now());
    vi.advanceTimersByTime(6000);
    expect(m.stop.signal.aborted).toBe(false);
    expect(m.thresholds.map((t) => t.failed)).toEqual([true, false]);
    m.monitor.end();
  });
});

// While the load runs: once a second the vus and vus_max gauges, the
// progress line and the machine's free memory (out of it, the test stops
// with its results, exit 104); every 2 s, as k6's metrics engine, the thresholds, whose
// abortOnFail ones stop the test when crossed.
import { EXIT, ExitError } from '../../core/errors.ts';
import type { TrendSink } from '../histogram.ts';
import { outOfMemory } from './admission.ts';
import type { Metric, Registry, Tags } from '../metrics.ts';
import { GLOBAL } from '../protocol.ts';
import { evaluateThresholds, THRESHOLD_EVALUATION_MS, type Threshold } from '../thresholds.ts';
import type { TestStop } from './test-stop.ts';
import type { VuFleet } from './vu-fleet.ts';

export type ProgressState = {
  elapsedMs: number;
  vus: number;
  iterations: number;
  requests: number;
  failed: number;
  /** p95 of http_req_duration over the run so far (ms); null before the first request. */
  p95Ms: number | null;
  /** The scenarios' planned length (ms, without gracefulStop), when known. */
  plannedMs?: number;
  done: boolean;
};

export type MonitorConfig = {
  registry: Registry;
  thresholds: Threshold[];
  fleet: VuFleet;
  /** The VUs taking part right now (this process's, or its children's). */
  active: { readonly size: number };
  testTags: Tags;
  runStart: number;
  /** The scenarios' planned length, shown beside the elapsed time. */
  plannedMs?: number;
  stop: TestStop;
  progress?: (state: ProgressState) => void;
  err(text: string): void;
};

/** Starts the periodic work; `end()` stops it and says whether a threshold aborted the test. */
export function startMonitor(c: MonitorConfig): { end(): { thresholdAbort: boolean } } {
  const { registry, fleet } = c;
  const vusMetric = registry.get('vus');
  const vusMax = registry.get('vus_max');
  let thresholdAbort = false;
  const tick = setInterval(() => {
    const now = Date.now();
    Atomics.store(fleet.counters, GLOBAL.vusActive, c.active.size);
    registry.add(vusMetric, c.active.size, c.testTags, now);
    registry.add(vusMax, fleet.size - 1, c.testTags, now);
    c.progress?.(progressState(registry, c.active.size, now - c.runStart, false, c.plannedMs));
    const low = outOfMemory(fleet.size - 1);
    if (low) c.stop.fail(new ExitError(EXIT.invalidConfig, low));
  }, 1000);
  tick.unref();
  const evaluate = () => {
    const abort = evaluateThresholds(c.thresholds, registry, Date.now() - c.runStart, true);
    if (abort.length && !thresholdAbort) {
      thresholdAbort = true;
      c.err(
        `thresholds on ${abort.map((t) => `${t.key} (${t.source})`).join(', ')} have been crossed; aborting the test\n`,
      );
      c.stop.abort();
    }
  };
  // Evaluations fall every 2 s from the start of the run, however late the
  // monitor starts (after setup()).
  let evaluations: NodeJS.Timeout | undefined;
  const sinceStart = Math.max(0, Date.now() - c.runStart);
  const first = setTimeout(
    () => {
      evaluate();
      evaluations = setInterval(evaluate, THRESHOLD_EVALUATION_MS);
      evaluations.unref();
    },
    THRESHOLD_EVALUATION_MS - (sinceStart % THRESHOLD_EVALUATION_MS),
  );
  first.unref();
  return {
    end() {
      clearInterval(tick);
      clearTimeout(first);
      clearInterval(evaluations);
      return { thresholdAbort };
    },
  };
}

/** The figures of the progress line, from the registry. */
export function progressState(
  registry: Registry,
  vus: number,
  elapsedMs: number,
  done: boolean,
  plannedMs?: number,
): ProgressState {
  const count = (m: Metric) => ('count' in m.sink ? (m.sink as { count: number }).count : 0);
  const failed = registry.get('http_req_failed').sink as { passes: number };
  const duration = registry.get('http_req_duration').sink as TrendSink;
  return {
    elapsedMs,
    vus,
    iterations: count(registry.get('iterations')),
    requests: count(registry.get('http_reqs')),
    failed: failed.passes,
    p95Ms: duration.count > 0 ? duration.percentile(0.95) : null,
    ...(plannedMs !== undefined && { plannedMs }),
    done,
  };
}

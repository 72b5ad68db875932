// An abortOnFail threshold that fails from the first iteration: the test
// stops at the metrics engine's next evaluation (every 2 s in k6), or the
// first one past delayAbortEval (DELAY), well before its 20 s schedule.
/* global __ENV */
import { sleep } from 'k6';

const threshold = { threshold: 'count<1', abortOnFail: true };
if (__ENV.DELAY) threshold.delayAbortEval = __ENV.DELAY;

export const options = {
  vus: 1,
  duration: '20s',
  thresholds: { iterations: [threshold] },
};

export default function () {
  sleep(0.1);
}

export function handleSummary(data) {
  return {
    [__ENV.SUMMARY_FILE]: JSON.stringify({
      durationMs: data.state.testRunDurationMs,
      iterations: data.metrics.iterations.values.count,
    }),
  };
}

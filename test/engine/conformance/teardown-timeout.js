// teardown() past teardownTimeout: k6 exits 101 and still writes the summary.
/* global __ENV */
import { sleep } from 'k6';

export const options = { vus: 1, iterations: 2, teardownTimeout: '1s' };

export default function () {}

export function teardown() {
  sleep(15);
}

export function handleSummary(data) {
  return {
    [__ENV.SUMMARY_FILE]: JSON.stringify({ iterations: data.metrics.iterations.values.count }),
  };
}

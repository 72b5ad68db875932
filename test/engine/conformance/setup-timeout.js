// setup() past setupTimeout (a blocking sleep, then a loop that never yields):
/* global __ENV */
// k6 exits 100 and still writes the summary, handleSummary() included.
import { sleep } from 'k6';

export const options = { vus: 1, iterations: 1, setupTimeout: '1s' };

export function setup() {
  if (__ENV.HANG === 'loop') for (;;);
  sleep(15);
}

export default function () {}

export function handleSummary(data) {
  return { [__ENV.SUMMARY_FILE]: JSON.stringify({ iterations: data.metrics.iterations ?? null }) };
}

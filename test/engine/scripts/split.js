// A test split over runners in which runner-3's requests are slow: each
// runner's own p95 passes or fails its threshold differently from the whole.
/* global __ENV */
import http from 'k6/http';
import exec from 'k6/execution';

export const options = {
  scenarios: {
    load: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 30),
      timeUnit: '1s',
      duration: __ENV.DURATION || '4s',
      preAllocatedVUs: 12,
      maxVUs: 30,
    },
  },
  thresholds: { http_req_duration: ['p(95)<150'] },
};

export default function () {
  // --tag instance=runner-N puts the instance in the test's tags.
  const slow = (exec.test.options.tags || {}).instance === 'runner-3';
  http.get(`${__ENV.BASE_URL}/${slow ? 'slow' : 'fast'}?i=${exec.scenario.iterationInTest}`);
}

// As the bundles' lib/summary.ts: each runner's summary data under its RESULTS_DIR.
export function handleSummary(data) {
  return { [`${__ENV.RESULTS_DIR}/summary-split.json`]: JSON.stringify(data) };
}

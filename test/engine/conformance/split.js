/* global __ENV */
// A run the engine can spread over child processes (LOADGATE_VUS_PER_PROCESS):
// deterministic counts in every executor with a fixed amount of work, checks
// on setup()'s data, a custom counter, one threshold passing and, with
// FAIL=1, one failing; ABORT=1 calls test.abort() in some VU.
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Rate } from 'k6/metrics';

const work = new Counter('work_done');
const even = new Rate('even_iterations');

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 5, iterations: 40 },
    pervu: { executor: 'per-vu-iterations', vus: 4, iterations: 3 },
    // Fewer VUs than processes: its iterations must not be lost in the split.
    lone: { executor: 'shared-iterations', vus: 1, iterations: 5 },
    arrivals: {
      executor: 'constant-arrival-rate',
      rate: 20,
      timeUnit: '1s',
      duration: '1s',
      preAllocatedVUs: 4,
    },
  },
  thresholds: {
    work_done: ['count==77'],
    checks: ['rate==1'],
    'iterations{scenario:pervu}': [__ENV.FAIL === '1' ? 'count<12' : 'count==12'],
  },
};

export function setup() {
  return { token: 'from-setup' };
}

export default function (data) {
  if (__ENV.ABORT === '1' && exec.scenario.iterationInTest === 7) exec.test.abort('enough');
  work.add(1);
  even.add(exec.scenario.iterationInTest % 2 === 0);
  check(data, { 'setup data reached the VU': (d) => d.token === 'from-setup' });
  sleep(0.02);
}

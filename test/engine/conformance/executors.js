// One scenario per executor; thresholds pin the iteration count of each.
import { sleep } from 'k6';

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 2, iterations: 7 },
    pervu: { executor: 'per-vu-iterations', vus: 3, iterations: 2 },
    constant: { executor: 'constant-vus', vus: 2, duration: '1s', exec: 'sleepy' },
    ramping: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [{ duration: '1s', target: 2 }],
      exec: 'sleepy',
    },
    car: {
      executor: 'constant-arrival-rate',
      rate: 20,
      timeUnit: '1s',
      duration: '2s',
      preAllocatedVUs: 4,
    },
    rar: {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: 4,
      stages: [{ duration: '2s', target: 20 }],
    },
  },
  thresholds: {
    'iterations{scenario:shared}': ['count==7'],
    'iterations{scenario:pervu}': ['count==6'],
    'iterations{scenario:constant}': ['count>=4'],
    'iterations{scenario:ramping}': ['count>=1'],
    'iterations{scenario:car}': ['count>=39', 'count<=41'],
    'iterations{scenario:rar}': ['count>=19', 'count<=21'],
  },
};

export default function () {}

export function sleepy() {
  sleep(0.2);
}

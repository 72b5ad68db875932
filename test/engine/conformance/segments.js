// One scenario per executor, for runs split by --execution-segment: each
// iteration records which iteration and which VU of the whole test it is.
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';

const iterationInTest = new Trend('iteration_in_test');
const vuInTest = new Trend('vu_in_test');
const iterationInInstance = new Trend('iteration_in_instance');
const vusInitialized = new Trend('vus_initialized');

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 4, iterations: 20 },
    pervu: { executor: 'per-vu-iterations', vus: 5, iterations: 3 },
    constant: { executor: 'constant-vus', vus: 4, duration: '1s', exec: 'sleepy' },
    ramping: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '0.5s', target: 4 },
        { duration: '0.5s', target: 4 },
      ],
      exec: 'sleepy',
    },
    car: {
      executor: 'constant-arrival-rate',
      rate: 20,
      timeUnit: '1s',
      duration: '1s',
      preAllocatedVUs: 3,
      maxVUs: 4,
    },
    rar: {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: 3,
      stages: [{ duration: '2s', target: 20 }],
    },
  },
};

export default function () {
  iterationInTest.add(exec.scenario.iterationInTest);
  iterationInInstance.add(exec.scenario.iterationInInstance);
  vusInitialized.add(exec.instance.vusInitialized);
  vuInTest.add(exec.vu.idInTest);
}

export function sleepy() {
  vuInTest.add(exec.vu.idInTest);
  sleep(0.1);
}

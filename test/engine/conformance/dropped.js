// Arrival-rate with one pre-allocated VU and no room to grow: iterations
// that come due while the VU is busy are dropped, not queued, and every
// scheduled iteration is either run or counted in dropped_iterations.
import { sleep } from 'k6';

export const options = {
  scenarios: {
    busy: {
      executor: 'constant-arrival-rate',
      rate: 10,
      timeUnit: '1s',
      duration: '1s',
      preAllocatedVUs: 1,
      maxVUs: 1,
    },
  },
};

export default function () {
  sleep(0.25);
}

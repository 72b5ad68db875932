// Runs until interrupted: Ctrl-C (or an aborted signal) gives exit 105 and a summary.
/* global __ENV */
import http from 'k6/http';
import { sleep } from 'k6';

export const options = { vus: 2, duration: '1m' };

export default function () {
  http.get(`${__ENV.BASE_URL}/`);
  sleep(0.05);
}

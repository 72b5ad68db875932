// A crossed threshold (on a custom metric and on a submetric): exit 99, summary still written.
/* global __ENV */
import http from 'k6/http';
import { Trend } from 'k6/metrics';

const waiting = new Trend('custom_waiting', true);

export const options = {
  iterations: 3,
  thresholds: {
    custom_waiting: ['avg<10'],
    'http_req_duration{status:200}': ['max>=0'],
    http_req_failed: ['rate<0.5'],
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/`);
  waiting.add(100);
}

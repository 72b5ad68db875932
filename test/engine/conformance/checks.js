// 5 iterations, one passing and one failing check each, inside a group.
/* global __ENV */
import http from 'k6/http';
import { check, group } from 'k6';

export const options = { vus: 1, iterations: 5 };

export default function () {
  group('home', () => {
    const res = http.get(`${__ENV.BASE_URL}/`);
    check(res, {
      'status is 200': (r) => r.status === 200,
      'body is nope': (r) => r.body === 'nope',
    });
  });
}

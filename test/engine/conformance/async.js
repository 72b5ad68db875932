// http.asyncRequest: requests under way together from one VU, with the
// cookie jar, redirects and checks as for http.request. Every check must pass.
/* global __ENV */
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 2, thresholds: { checks: ['rate==1'] } };

export default async function () {
  const base = __ENV.BASE_URL;
  // /pair answers only once two requests wait on it: sequential requests would time out.
  const [a, b] = await Promise.all([
    http.asyncRequest('GET', `${base}/pair`, null, { timeout: '10s' }),
    http.asyncRequest('POST', `${base}/pair`, 'hi', { timeout: '10s' }),
  ]);
  check(a, { 'two requests in flight at once': (r) => r.status === 200 && r.body === 'paired' });
  check(b, { 'the POST too': (r) => r.status === 200 });
  const redirected = await http.asyncRequest('GET', `${base}/redirect`);
  check(redirected, { 'redirect followed': (r) => r.status === 200 && r.url === `${base}/` });
  await http.asyncRequest('GET', `${base}/cookie/set`);
  const echoed = await http.asyncRequest('GET', `${base}/cookie/echo`);
  check(echoed, { 'cookie jar': (r) => r.body === 'session=abc' });
}

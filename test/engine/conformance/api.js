// k6 APIs beyond plain GET: every check must pass.
/* global __ENV, __VU, __ITER, open */
import http from 'k6/http';
import { check, group, randomSeed } from 'k6';
import { SharedArray } from 'k6/data';
import { Counter, Gauge, Rate } from 'k6/metrics';
import encoding from 'k6/encoding';
import exec from 'k6/execution';

const users = new SharedArray('users', () => JSON.parse(open('./users.json')));
const hits = new Counter('hits');
const level = new Gauge('level');
const good = new Rate('good');

export const options = { vus: 2, iterations: 4, tags: { team: 'sre' } };

export function setup() {
  return { started: true };
}

export default function (data) {
  const base = __ENV.BASE_URL;
  const user = users[exec.vu.idInTest % users.length];
  randomSeed(42);
  const a = Math.random();
  randomSeed(42);
  check(null, {
    'setup data': () => data.started === true,
    'shared array': () => users.length === 2 && typeof user.name === 'string',
    'seeded random': () => Math.random() === a,
    'b64 round trip': () => encoding.b64decode(encoding.b64encode('héllo'), 'std', 's') === 'héllo',
    'b64 url': () => encoding.b64encode('??>', 'rawurl') === 'Pz8-',
    '__VU and __ITER': () => __VU >= 1 && __ITER >= 0,
  });
  group('http', () => {
    const json = http.get(`${base}/json`, { tags: { name: 'json' } });
    check(json, {
      'json selector': (r) => r.json('a.b.1') === 2,
      'header canonical': (r) => r.headers['Content-Type'] === 'application/json',
    });
    const posted = http.post(`${base}/echo`, JSON.stringify({ x: 1 }), {
      headers: { 'Content-Type': 'application/json' },
    });
    check(posted, { 'post body echoed': (r) => r.json().x === 1 });
    const form = http.post(`${base}/echo`, { a: '1', b: 'two' });
    check(form, { 'form encoded': (r) => r.body === 'a=1&b=two' });
    const redirected = http.get(`${base}/redirect`);
    check(redirected, { 'redirect followed': (r) => r.status === 200 && r.url.endsWith('/') });
    http.get(`${base}/cookie/set`);
    const echoed = http.get(`${base}/cookie/echo`);
    check(echoed, { 'cookie jar': (r) => r.body.includes('session=abc') });
    const failed = http.get(`${base}/status/500`);
    check(failed, {
      'status 500 with error_code': (r) => r.status === 500 && r.error_code === 1500,
    });
    const ok404 = http.get(`${base}/status/404`, { responseCallback: http.expectedStatuses(404) });
    check(ok404, { 'expected 404': (r) => r.status === 404 });
    const [r1, r2] = http.batch([`${base}/`, ['GET', `${base}/json`]]);
    check(null, { batch: () => r1.body === 'hello' && r2.status === 200 });
    const down = http.get('http://127.0.0.1:1/', { timeout: '2s' });
    check(down, { 'network error': (r) => r.status === 0 && r.error_code > 0 && r.error !== '' });
  });
  hits.add(2, { kind: 'x' });
  level.add(7);
  good.add(true);
}

export function handleSummary(data) {
  return { [__ENV.SUMMARY_FILE]: JSON.stringify(data), stdout: 'custom summary\n' };
}

// setup() and teardown() run in k6's `::setup` and `::teardown` groups (their
// checks and requests are tagged so); handleSummary() gets `setup_data`; an
// iteration's exec.vu.tags holds every tag its samples carry. Documented k6
// API only: it runs unchanged on real k6, and every threshold must hold.
/* global __ENV */
import http from 'k6/http';
import { check, group } from 'k6';
import exec from 'k6/execution';

export const options = {
  tags: { team: 'sre' },
  scenarios: {
    main: {
      executor: 'shared-iterations',
      vus: 1,
      iterations: 2,
      tags: { kind: 'lifecycle' },
    },
  },
  thresholds: {
    'checks{group:::setup}': ['rate==1'],
    'http_reqs{group:::setup}': ['count==1'],
    'checks{group:::teardown}': ['rate==1'],
    'http_reqs{group:::teardown}': ['count==1'],
    // k6 times setup() and teardown() as an iteration of their group.
    'iteration_duration{group:::setup}': ['count==1'],
    'iteration_duration{group:::teardown}': ['count==1'],
    'checks{scenario:main}': ['rate==1'],
  },
};

export function setup() {
  const res = http.get(`${__ENV.BASE_URL}/`);
  check(res, { 'setup request': (r) => r.status === 200 });
  return { token: 'abc', n: 1 };
}

export default function (data) {
  check(exec.vu.tags, {
    'exec.vu.tags: the scenario tag': (t) => t.scenario === 'main',
    "exec.vu.tags: the scenario's tags and options.tags": (t) =>
      t.kind === 'lifecycle' && t.team === 'sre',
    'exec.vu.tags: the root group': (t) => t.group === '',
    'setup data': () => data.token === 'abc',
  });
  group('inner', () => {
    check(exec.vu.tags, { 'exec.vu.tags: the current group': (t) => t.group === '::inner' });
  });
  exec.vu.tags.mine = 7;
  check(exec.vu.tags, {
    "exec.vu.tags: the script's own tag, as a string, beside the others": (t) =>
      t.mine === '7' &&
      Object.keys(t).indexOf('mine') >= 0 &&
      Object.keys(t).indexOf('scenario') >= 0,
  });
}

export function teardown(data) {
  const res = http.get(`${__ENV.BASE_URL}/`);
  check(res, { 'teardown request': (r) => r.status === 200 && data.token === 'abc' });
}

export function handleSummary(data) {
  return {
    [__ENV.SUMMARY_FILE]: JSON.stringify({
      keys: Object.keys(data).sort(),
      setup_data: data.setup_data,
      root_group: data.root_group,
    }),
  };
}

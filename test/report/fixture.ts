import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../../run-dir/record.ts';
import type { ObjectiveResult, Verdict } from '../../slo/verdict.ts';

/**
 * A small run directory shaped like what `loadgate run` writes (the shapes
 * were taken from a real smoke run): two journeys over 12 seconds, a failed
 * threshold, a failing check whose name holds a <script>, an SLO verdict.
 */

export const START = Date.parse('2026-11-24T10:00:00.000Z');
export const SECONDS = 12;
export const HOSTILE_CHECK = '<script>window.__pwned = 1</script> GET /api/<b>products</b> → 200';

export const run: RunRecord = {
  id: 'smoke-20261124-100000-abcd',
  profile: 'smoke',
  target: 'http://127.0.0.1:8080',
  engine: 'builtin',
  scripts: ['k6-bundles/mix.js'],
  startedAt: new Date(START).toISOString(),
  endedAt: new Date(START + SECONDS * 1000).toISOString(),
  exitCode: 99,
  interrupted: false,
  prometheusUrl: 'http://127.0.0.1:9090',
};

const trend = (p95: number) => ({
  type: 'trend',
  contains: 'time',
  values: {
    avg: p95 / 3,
    min: 1,
    med: p95 / 4,
    max: p95 * 2,
    'p(90)': p95 * 0.8,
    'p(95)': p95,
    'p(99)': p95 * 1.5,
  },
});
const rate = (passes: number, fails: number) => ({
  type: 'rate',
  contains: 'default',
  values: { rate: passes / (passes + fails), passes, fails },
});

export const summary = {
  root_group: {
    name: '',
    path: '',
    id: 'd41d8cd98f00b204e9800998ecf8427e',
    groups: [
      {
        name: 'list products',
        path: '::list products',
        id: '1',
        groups: [],
        checks: [
          {
            name: 'GET /api/products → 200',
            path: '::list products::GET /api/products → 200',
            id: 'a',
            passes: 40,
            fails: 0,
          },
          {
            name: HOSTILE_CHECK,
            path: `::list products::${HOSTILE_CHECK}`,
            id: 'b',
            passes: 37,
            fails: 3,
          },
        ],
      },
      {
        name: 'place order',
        path: '::place order',
        id: '2',
        groups: [],
        checks: [
          {
            name: 'POST /api/orders → 202',
            path: '::place order::POST /api/orders → 202',
            id: 'c',
            passes: 20,
            fails: 0,
          },
        ],
      },
    ],
    checks: [
      { name: 'GET /health → 200', path: '::GET /health → 200', id: 'd', passes: 1, fails: 0 },
    ],
  },
  options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'] },
  state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 12000 },
  metrics: {
    http_reqs: { type: 'counter', contains: 'default', values: { count: 120, rate: 10 } },
    iterations: { type: 'counter', contains: 'default', values: { count: 24, rate: 2 } },
    data_received: {
      type: 'counter',
      contains: 'data',
      values: { count: 2_500_000, rate: 208_333 },
    },
    data_sent: { type: 'counter', contains: 'data', values: { count: 40_000, rate: 3333 } },
    vus_max: { type: 'gauge', contains: 'default', values: { value: 4, min: 4, max: 4 } },
    checks: { ...rate(98, 3), thresholds: { 'rate>0.99': { ok: false } } },
    http_req_failed: { ...rate(6, 114), thresholds: { 'rate<0.01': { ok: false } } },
    'http_req_failed{journey:browse}': rate(6, 54),
    'http_req_failed{journey:checkout}': rate(0, 60),
    http_req_duration: trend(80),
    'http_req_duration{expected_response:true}': trend(79),
    'http_req_duration{journey:browse}': {
      ...trend(40),
      thresholds: { 'p(95)<1000': { ok: true } },
    },
    'http_req_duration{journey:checkout}': {
      ...trend(120),
      thresholds: { 'p(95)<1000': { ok: true } },
    },
    order_confirmation_time: trend(700),
  },
};

const objective = (
  o: Partial<ObjectiveResult> & Pick<ObjectiveResult, 'name' | 'status'>,
): ObjectiveResult => ({
  kind: 'latency',
  key: false,
  weight: 1,
  failed: o.status === 'fail' || o.status === 'error' || o.status === 'no-data',
  value: 0.1,
  unit: 's',
  measured: '100 ms',
  bound: '≤ 1 s',
  ...o,
});

export const verdict: Verdict = {
  apiVersion: 'loadgate/v1',
  kind: 'SLOVerdict',
  spec: 'local',
  profile: 'smoke',
  run: run.id,
  prometheus: 'http://127.0.0.1:9090',
  window: { loadStart: run.startedAt, start: run.startedAt, end: run.endedAt },
  status: 'fail',
  score: 0.5,
  minScore: 0.9,
  exitCode: 1,
  objectives: [
    objective({
      name: 'gateway-p95',
      status: 'pass',
      key: true,
      query:
        'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="api-gateway"}[1m])))',
    }),
    objective({
      name: 'error-ratio',
      kind: 'error-rate',
      status: 'fail',
      measured: '5 %',
      bound: '≤ 1 %',
      unit: 'ratio',
      value: 0.05,
      query: 'sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m]))',
      details: [{ labels: { route: '/api/<orders>' }, value: 0.05 }],
    }),
    objective({
      name: 'orders-queue-drained',
      kind: 'queue-drain',
      status: 'no-data',
      measured: 'no data',
      value: null,
      hint: 'is the exporter scraped?',
    }),
    objective({
      name: 'soak-memory',
      kind: 'saturation',
      status: 'skipped',
      failed: false,
      measured: '—',
      value: null,
    }),
  ],
};

export type Point = {
  metric: string;
  second: number;
  value: number;
  tags?: Record<string, string>;
};

/** k6 --out json lines: Metric declarations, then Points (not in time order, as k6 flushes them). */
export function ndjson(points: Point[]): string {
  const metrics = [...new Set(points.map((p) => p.metric))];
  const lines = [
    ...metrics.map((name) =>
      JSON.stringify({
        type: 'Metric',
        data: { name, type: 'trend', contains: 'default', thresholds: [], submetrics: null },
        metric: name,
      }),
    ),
    ...points.map((p) =>
      JSON.stringify({
        type: 'Point',
        data: {
          time: new Date(START + p.second * 1000).toISOString(),
          value: p.value,
          tags: p.tags ?? {},
        },
        metric: p.metric,
      }),
    ),
  ];
  return lines.join('\n') + '\n';
}

/** Per second: browse 4 requests (one failing every other second), checkout 5 requests, VUs ramping. */
export function fixturePoints(): Point[] {
  const points: Point[] = [];
  for (let second = SECONDS - 1; second >= 0; second--) {
    for (const [journey, count, ms] of [
      ['browse', 4, 20],
      ['checkout', 5, 60],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const tags = { journey, scenario: journey, name: 'GET /api/products', status: '200' };
        const failed = journey === 'browse' && i === 0 && second % 2 === 0 ? 1 : 0;
        points.push({ metric: 'http_reqs', second, value: 1, tags });
        points.push({ metric: 'http_req_duration', second, value: ms + i, tags });
        points.push({ metric: 'http_req_failed', second, value: failed, tags });
        points.push({ metric: 'checks', second, value: 1, tags });
      }
    }
    points.push({ metric: 'vus', second, value: Math.min(4, second + 1) });
  }
  return points;
}

/** A complete run directory in a fresh temp dir; `omit` leaves files out. */
export async function writeRunDir(
  opts: { omit?: string[]; run?: Partial<RunRecord>; metrics?: string } = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-report-'));
  const files: Record<string, string> = {
    'run.json': JSON.stringify({ ...run, ...opts.run }, null, 2),
    'summary-mix.json': JSON.stringify(summary, null, 2),
    'slo.json': JSON.stringify(verdict, null, 2),
    'metrics.ndjson': opts.metrics ?? ndjson(fixturePoints()),
  };
  for (const [name, text] of Object.entries(files))
    if (!opts.omit?.includes(name)) await writeFile(join(dir, name), text);
  return dir;
}

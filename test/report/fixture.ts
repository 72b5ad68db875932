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
  opts: {
    omit?: string[];
    run?: Partial<RunRecord>;
    metrics?: string;
    extra?: Record<string, string>;
  } = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-report-'));
  const files: Record<string, string> = {
    'run.json': JSON.stringify({ ...run, ...opts.run }, null, 2),
    'summary-mix.json': JSON.stringify(summary, null, 2),
    'slo.json': JSON.stringify(verdict, null, 2),
    'metrics.ndjson': opts.metrics ?? ndjson(fixturePoints()),
    ...opts.extra,
  };
  for (const [name, text] of Object.entries(files))
    if (!opts.omit?.includes(name)) await writeFile(join(dir, name), text);
  return dir;
}

/** The run's stages as loadgate run records them: 3 s up, 6 s plateau, 3 s down. */
export const STAGES = [
  { name: 'ramp-up', from: 0, to: 3 },
  { name: 'plateau', from: 3, to: 9 },
  { name: 'ramp-down', from: 9, to: 12 },
].map((s) => ({
  name: s.name,
  start: new Date(START + s.from * 1000).toISOString(),
  end: new Date(START + s.to * 1000).toISOString(),
}));

/** Routes the server side knows: the fault rehearsal's slow one among them. */
export const SERVER_ROUTES = [
  { method: 'GET', route: '/api/products', p95Ms: 4.2, requests: 48, errors: 0 },
  { method: 'GET', route: '/api/products/{id}', p95Ms: 1512, requests: 40, errors: 0 },
  { method: 'POST', route: '/api/orders', p95Ms: 31, requests: 20, errors: 2 },
];

/**
 * server-series.json of the fixture's run, every 2 s: the gateway's p95 per
 * route, its 5xx ratio, two HPAs (the gateway's scaling from 3 to 6 and back,
 * a second one idle at its minimum) and the order queue.
 */
export function serverSeries() {
  const t0 = START / 1000;
  const times = Array.from({ length: SECONDS / 2 + 1 }, (_, i) => t0 + i * 2);
  const points = (f: (i: number) => number) => times.map((t, i): [number, number] => [t, f(i)]);
  const gateway = [3, 3, 4, 6, 6, 4, 3];
  return {
    prometheus: 'http://127.0.0.1:9090',
    start: new Date(START).toISOString(),
    end: new Date(START + SECONDS * 1000).toISOString(),
    stepSeconds: 2,
    charts: [
      {
        id: 'gateway-p95',
        title: 'Gateway p95 latency per route (server side)',
        unit: 'ms',
        series: SERVER_ROUTES.map((r) => ({
          name: `${r.method} ${r.route}`,
          points: points((i) => r.p95Ms * (1 + i / 20)),
        })),
      },
      {
        id: '5xx-ratio',
        title: 'Gateway 5xx ratio (server side)',
        unit: '%',
        series: [{ name: '5xx', points: points((i) => (i === 3 ? 2.5 : 0)) }],
      },
      {
        id: 'hpa:api-gateway',
        title: 'HPA api-gateway: replicas',
        unit: 'replicas',
        series: [
          { name: 'current', points: points((i) => gateway[i]!) },
          { name: 'desired', points: points((i) => gateway[Math.min(i + 1, 6)]!) },
          { name: 'min', points: points(() => 3) },
          { name: 'max', points: points(() => 15) },
        ],
      },
      {
        id: 'hpa:catalogue',
        title: 'HPA catalogue: replicas',
        unit: 'replicas',
        series: [
          { name: 'current', points: points(() => 2) },
          { name: 'desired', points: points(() => 2) },
          { name: 'min', points: points(() => 2) },
          { name: 'max', points: points(() => 8) },
        ],
      },
      {
        id: 'queue-depth',
        title: 'Order queue depth',
        unit: 'messages',
        series: [{ name: 'orders', points: points((i) => [0, 1, 4, 9, 5, 1, 0][i]!) }],
      },
    ],
    routes: SERVER_ROUTES,
    problems: [],
  };
}

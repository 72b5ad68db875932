// Client objectives without a run directory (k6-operator runs, `slo check
// --from … --to …`): judged from the k6 series the run remote-wrote, one
// PromQL query each (the mapping is in slo/kinds/client.ts), against the fake
// Prometheus' recorded answers keyed by query.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../slo/index.ts';
import { startFakePrometheus, type Answers } from './fake-prometheus.ts';

const vector = (...values: string[]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: values.map((v) => ({ metric: {}, value: [1704067800, v] })),
  },
});
const EMPTY = { status: 'success', data: { resultType: 'vector', result: [] } };

// The window is 00:00 → 00:10 with no warm-up: $window is 10m.
const L = (name: string, testid = 'op-run-1') => `last_over_time(${name}{testid="${testid}"}[10m])`;
/** Every runner's native histogram of a trend, merged. */
const H = (name: string, testid = 'op-run-1') => `sum(${name}{testid="${testid}"})`;

const SPEC = {
  apiVersion: 'loadgate/v1',
  kind: 'SLO',
  metadata: { name: 'series' },
  window: { warmup: '0s', step: '15s' },
  objectives: [
    { name: 'checks.pass', kind: 'client', check: 'checks', bound: 0.99 },
    { name: 'checks-strict.fail', kind: 'client', check: 'checks', bound: 0.9995 },
    { name: 'dropped.fail', kind: 'client', check: 'dropped-iterations' },
    {
      name: 'p95.pass',
      kind: 'client',
      check: 'metric',
      metric: 'http_req_duration',
      stat: 'p(95)',
      bound: 800,
    },
    {
      name: 'max.no-data',
      kind: 'client',
      check: 'metric',
      metric: 'http_req_duration',
      stat: 'max',
      bound: 1000,
    },
    {
      name: 'failed-rate.pass',
      kind: 'client',
      check: 'metric',
      metric: 'http_req_failed',
      stat: 'rate',
      bound: 0.01,
    },
    {
      name: 'reqs.pass',
      kind: 'client',
      check: 'metric',
      metric: 'http_reqs',
      stat: 'count',
      op: '>',
      bound: 0,
    },
    {
      name: 'custom-time.pass',
      kind: 'client',
      check: 'metric',
      metric: 'basket_add_duration',
      stat: 'avg',
      time: true,
      bound: 500,
    },
    {
      name: 'p90-not-written.no-data',
      kind: 'client',
      check: 'metric',
      metric: 'http_req_duration',
      stat: 'p(90)',
      bound: 800,
    },
    {
      name: 'med.pass',
      kind: 'client',
      check: 'metric',
      metric: 'http_req_duration',
      stat: 'med',
      bound: 800,
    },
    { name: 'thresholds.no-data', kind: 'client', check: 'thresholds' },
    { name: 'script.no-data', kind: 'client', check: 'checks', script: 'browse' },
  ],
};

const ANSWERS: Answers = {
  [`min(${L('k6_checks_rate')})`]: vector('0.995'),
  [`sum(${L('k6_dropped_iterations_total')}) or 0 * sum(${L('k6_iterations_total')})`]: vector('3'),
  // Seconds on the wire, milliseconds in the spec, as in the summary.
  [`1000 * histogram_quantile(0.95, ${H('k6_http_req_duration_seconds')})`]: vector('412'),
  [`1000 * histogram_quantile(0.5, ${H('k6_http_req_duration_seconds')})`]: vector('200'),
  [`max(${L('k6_http_req_failed_rate')})`]: vector('0.002'),
  [`sum(${L('k6_http_reqs_total')})`]: vector('12345'),
  [`1000 * histogram_sum(${H('k6_basket_add_duration_seconds')}) / histogram_count(${H('k6_basket_add_duration_seconds')})`]:
    vector('120'),
  [`1000 * histogram_quantile(0.9, ${H('k6_http_req_duration_seconds')})`]: EMPTY,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-slo-series-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function check(spec: object, answers: Answers, vars: Record<string, string>) {
  const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, JSON.stringify(spec));
  const prometheus = await startFakePrometheus(answers);
  try {
    const result = await runCheck({
      spec: file,
      prometheusUrl: prometheus.url,
      from: new Date('2024-01-01T00:00:00Z'),
      to: new Date('2024-01-01T00:10:00Z'),
      vars,
      quiet: true,
    });
    return { ...result, queries: prometheus.requests.map((r) => r.query) };
  } finally {
    await prometheus.close();
  }
}

describe('client objectives without a run directory', () => {
  it('are judged from the remote-written k6 series of the testid', async () => {
    const { verdict, queries } = await check(SPEC, ANSWERS, { testid: 'op-run-1' });
    for (const r of verdict.objectives)
      expect({ name: r.name, status: r.status, message: r.message }).toMatchObject({
        status: r.name.slice(r.name.lastIndexOf('.') + 1),
      });
    const byName = new Map(verdict.objectives.map((r) => [r.name, r]));
    expect(byName.get('p95.pass')).toMatchObject({ value: 412, unit: 'ms', measured: '412 ms' });
    expect(byName.get('dropped.fail')).toMatchObject({ value: 3 });
    expect(byName.get('reqs.pass')).toMatchObject({ value: 12345 });
    expect(byName.get('thresholds.no-data')!.message).toMatch(/not remote-written/);
    expect(byName.get('max.no-data')!.message).toMatch(/native histogram keeps no max/);
    expect(byName.get('script.no-data')!.message).toMatch(/which script/);
    expect(byName.get('p90-not-written.no-data')!.hint).toMatch(
      /K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true/,
    );
    // No query for what is not remote-written; every query filters by the testid.
    expect(queries).toHaveLength(Object.keys(ANSWERS).length);
    for (const q of queries) expect(q).toContain('testid="op-run-1"');
  });

  it('judges a lower bound on the best series and an upper one on the worst', async () => {
    const spec = {
      ...SPEC,
      objectives: [
        { name: 'checks-upper.pass', kind: 'client', check: 'checks', op: '<=', bound: 1 },
      ],
    };
    const { verdict } = await check(
      spec,
      { [`max(${L('k6_checks_rate')})`]: vector('1') },
      { testid: 'op-run-1' },
    );
    expect(verdict.objectives[0]!.status).toBe('pass');
  });

  it('counts no dropped iteration as 0 once k6 wrote anything, and no series at all as no-data', async () => {
    const spec = {
      ...SPEC,
      objectives: [{ name: 'dropped', kind: 'client', check: 'dropped-iterations' }],
    };
    const query = `sum(${L('k6_dropped_iterations_total', 'x')}) or 0 * sum(${L('k6_iterations_total', 'x')})`;
    const zero = await check(spec, { [query]: vector('0') }, { testid: 'x' });
    expect(zero.verdict.objectives[0]).toMatchObject({ status: 'pass', value: 0 });
    const none = await check(spec, { [query]: EMPTY }, { testid: 'x' });
    expect(none.verdict.objectives[0]).toMatchObject({ status: 'no-data', failed: true });
    expect(none.verdict.objectives[0]!.hint).toMatch(/experimental-prometheus-rw/);
  });

  it('reads every series of the window without a testid, and escapes one given', async () => {
    const spec = { ...SPEC, objectives: [SPEC.objectives[0]!] };
    const bare = await check(spec, { 'min(last_over_time(k6_checks_rate[10m]))': vector('1') }, {});
    expect(bare.verdict.objectives[0]!.status).toBe('pass');
    const hostile = await check(spec, {}, { testid: 'a"} or vector(1) #' });
    expect(hostile.queries[0]).toBe(
      'min(last_over_time(k6_checks_rate{testid="a\\"} or vector(1) #"}[10m]))',
    );
  });
});

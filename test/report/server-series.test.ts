// The server side kept at the end of a run: the queries asked of Prometheus
// over the run window become server-series.json, one chart per HPA present
// (whatever their number), and the per-route totals of the route table.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureServerSeries,
  readServerSeries,
  writeServerSeries,
} from '../../report/server-series.ts';
import { startFakePrometheus, type FakePrometheus } from '../slo/fake-prometheus.ts';

const START = new Date('2026-01-01T00:00:00.000Z');
const END = new Date('2026-01-01T00:01:00.000Z');
const t = (s: number) => START.getTime() / 1000 + s;

const matrix = (series: [Record<string, string>, number[]][]) => ({
  status: 'success',
  data: {
    resultType: 'matrix',
    result: series.map(([metric, values]) => ({
      metric,
      values: values.map((v, i) => [t(i * 2), String(v)]),
    })),
  },
});
const vector = (series: [Record<string, string>, number][]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: series.map(([metric, v]) => ({ metric, value: [t(60), String(v)] })),
  },
});

const HPAS = [{ horizontalpodautoscaler: 'api-gateway' }, { horizontalpodautoscaler: 'catalogue' }];

/** Answers by what the query asks; anything unexpected is Prometheus' bad_data (the fake's default). */
function answer(query: string): unknown {
  if (query.includes('service="other"')) return undefined;
  if (query.includes('kube_horizontalpodautoscaler_status_current_replicas'))
    return matrix([
      [HPAS[0]!, [3, 4, 6, 4, 3]],
      [HPAS[1]!, [2, 2, 2, 2, 2]],
    ]);
  if (query.includes('kube_horizontalpodautoscaler_'))
    return matrix(HPAS.map((h) => [h, [3, 3, 3, 3, 3]]));
  if (query.includes('rabbitmq_queue_messages_ready'))
    return matrix([[{ queue: 'orders' }, [0, 2, 0]]]);
  const route = { method: 'GET', route: '/api/products/{id}' };
  if (query.startsWith('histogram_quantile') && query.includes('increase('))
    return vector([[route, 1.512]]);
  if (query.startsWith('histogram_quantile')) return matrix([[route, [1.5, 1.52]]]);
  if (
    query.startsWith(
      'sum by (method, route) (increase(http_requests_total{service="api-gateway",namespace="shop",status=~"5.."}',
    )
  )
    return vector([[route, 2]]);
  if (query.startsWith('sum by (method, route) (increase(http_requests_total'))
    return vector([[route, 40]]);
  if (query.startsWith('(sum(rate(')) return matrix([[{}, [0, 0.01]]]);
  return undefined;
}

let dir: string;
let prometheus: FakePrometheus;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-server-series-'));
  const answers = new Proxy({} as Record<string, unknown>, {
    get: (_, key) => (typeof key === 'string' ? answer(key) : undefined),
  });
  prometheus = await startFakePrometheus(answers);
});
afterAll(async () => {
  await prometheus.close();
  await rm(dir, { recursive: true, force: true });
});

describe('captureServerSeries', () => {
  it('keeps every chart the report draws and the per-route totals, in units', async () => {
    const series = await captureServerSeries({
      prometheus: { url: prometheus.url },
      shownUrl: prometheus.url,
      start: START,
      end: END,
      vars: { service: 'api-gateway', namespace: 'shop' },
    });
    expect(series.problems).toEqual([]);
    expect(series.stepSeconds).toBe(2);
    expect(series.charts.map((c) => [c.id, c.unit])).toEqual([
      ['gateway-p95', 'ms'],
      ['5xx-ratio', '%'],
      ['hpa:api-gateway', 'replicas'],
      ['hpa:catalogue', 'replicas'],
      ['queue-depth', 'messages'],
    ]);
    const gateway = series.charts.find((c) => c.id === 'hpa:api-gateway')!;
    expect(gateway.series.map((s) => s.name)).toEqual(['current', 'desired', 'min', 'max']);
    expect(gateway.series[0]!.points.map(([, v]) => v)).toEqual([3, 4, 6, 4, 3]);
    expect(series.charts[0]!.series[0]).toMatchObject({ name: 'GET /api/products/{id}' });
    expect(series.charts[0]!.series[0]!.points[1]![1]).toBeCloseTo(1520);
    expect(series.charts[1]!.series[0]!.points[1]![1]).toBeCloseTo(1);
    expect(series.routes).toEqual([
      { method: 'GET', route: '/api/products/{id}', p95Ms: 1512, requests: 40, errors: 2 },
    ]);
    // The gateway's series were selected by the spec's vars.
    expect(
      prometheus.requests.some((r) =>
        r.query?.includes('{service="api-gateway",namespace="shop"}'),
      ),
    ).toBe(true);

    await writeServerSeries(dir, series);
    expect(await readServerSeries(dir)).toEqual({ data: series });
  });

  it('names the queries Prometheus refused instead of failing the run', async () => {
    const series = await captureServerSeries({
      prometheus: { url: prometheus.url },
      shownUrl: prometheus.url,
      start: START,
      end: END,
      vars: { service: 'other' },
    });
    // Every gateway query of another service is unknown to the fake: bad_data, each named.
    expect(series.problems.length).toBeGreaterThan(0);
    expect(series.problems[0]).toMatch(/service="other"/);
    expect(series.charts.map((c) => c.id)).toContain('hpa:api-gateway');
  });
});

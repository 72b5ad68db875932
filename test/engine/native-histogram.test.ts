import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NATIVE_RELATIVE_ERROR,
  NativeHistogram,
  nativeBucketIndex,
  nativeBucketUpper,
  TrendSink,
} from '../../engine/histogram.ts';
import { Registry } from '../../engine/metrics.ts';
import { remoteWrite, remoteWriteOutput } from '../../engine/outputs/remote-write.ts';
import { startPrometheus, type RunningPrometheus } from '../../infra/local/prometheus.ts';

/**
 * Trends as Prometheus native histograms (k6's
 * K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM): the real Prometheus 2.42 the
 * local platform starts takes them over remote write, and histogram_quantile
 * over the sum of several writers' histograms is the quantile of all their
 * samples, within the schema's relative error.
 */
describe('native histogram buckets', () => {
  it('put a value in the schema-3 bucket (2^((i-1)/8), 2^(i/8)]', () => {
    for (const v of [1e-6, 0.0123, 0.5, 1, 1.09, 2, 3.7, 1234.5]) {
      const i = nativeBucketIndex(v);
      expect(nativeBucketUpper(i - 1)).toBeLessThan(v);
      expect(nativeBucketUpper(i)).toBeGreaterThanOrEqual(v);
    }
    // Powers of two are upper bounds: 1 is the top of bucket 0, 2 of bucket 8.
    expect(nativeBucketIndex(1)).toBe(0);
    expect(nativeBucketIndex(2)).toBe(8);
  });

  it('encode counts as spans and deltas, and zeros apart', () => {
    const h = new NativeHistogram();
    for (const v of [1, 1, 2, 0, 1.05]) h.add(v);
    const s = h.sample();
    expect(s).toMatchObject({ count: 5, sum: 5.05, schema: 3, zeroCount: 1 });
    // Buckets 0 (1, 1, 1.05 is in bucket 1) and 8 (2): two spans.
    expect(s.positiveSpans).toEqual([
      { offset: 0, length: 2 },
      { offset: 6, length: 1 },
    ]);
    expect(s.positiveDeltas).toEqual([2, -1, 0]);
  });
});

describe('the native histogram switch', () => {
  it("is k6's K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM both ways", () => {
    const ctx = { cwd: '/', warn: () => undefined };
    const k6 = remoteWrite.k6(
      { url: 'http://127.0.0.1:9090/api/v1/write', nativeHistograms: true },
      ctx,
    );
    expect(k6.env.K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM).toBe('true');
    expect(k6.env.K6_PROMETHEUS_RW_TREND_STATS).toBeUndefined();
    expect(k6.args).toEqual(['--out', 'experimental-prometheus-rw']);
    expect(
      remoteWrite.parse(undefined, { K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' }),
    ).toMatchObject({ nativeHistograms: true });
    // k6's default: stat gauges.
    expect(remoteWrite.parse(undefined, {})?.nativeHistograms).toBeUndefined();
  });
});

let prom: RunningPrometheus;
beforeAll(async () => {
  prom = await startPrometheus({ config: 'global:\n  scrape_interval: 15s\n' });
});
afterAll(async () => {
  await prom?.stop();
});

async function query(
  q: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`${q}: ${body.error}`);
  return body.data.result;
}

/** One writer (runner) remote-writing `values` (ms) as http_req_duration, tagged as loadgate's runners are. */
async function writeRunner(instance: string, values: number[]): Promise<void> {
  const registry = new Registry();
  const output = remoteWriteOutput({
    url: `${prom.url}/api/v1/write`,
    nativeHistograms: true,
  });
  output.start(registry, []);
  const metric = registry.get('http_req_duration');
  const now = Date.now();
  for (const v of values)
    registry.add(metric, v, { scenario: 'default', status: '200', testid: 'nh-1', instance }, now);
  await output.stop();
}

/** k6's percentile over every sample (linear interpolation between ranks). */
function exactQuantile(values: number[], q: number): number {
  const sink = new TrendSink();
  for (const v of values) sink.add(v);
  return sink.percentile(q);
}

it('Prometheus stores them under k6 names and merges writers with histogram_quantile of their sum', async () => {
  // Deterministic spreads: two fast writers, one slow.
  const spread = (n: number, from: number, to: number) =>
    Array.from({ length: n }, (_, i) => from + ((to - from) * ((i * 7919) % n)) / n);
  const fast1 = spread(900, 5, 60);
  const fast2 = spread(700, 8, 80);
  const slow = spread(400, 200, 900);
  await writeRunner('runner-1', fast1);
  await writeRunner('runner-2', fast2);
  await writeRunner('runner-3', slow);

  const series = await query('k6_http_req_duration_seconds{testid="nh-1"}');
  expect(series.map((s) => s.metric.instance).sort()).toEqual(['runner-1', 'runner-2', 'runner-3']);
  // No stat gauges in native mode: k6 writes the histogram alone.
  expect(await query('k6_http_req_duration_p95')).toEqual([]);

  const merged = await query(
    'histogram_quantile(0.95, sum(k6_http_req_duration_seconds{testid="nh-1"}))',
  );
  const all = [...fast1, ...fast2, ...slow];
  const exact = exactQuantile(all, 0.95) / 1000;
  const got = Number(merged[0]!.value[1]);
  expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(NATIVE_RELATIVE_ERROR);
  // The p95 of p95s is not the p95: the slow runner alone is far above.
  const perRunner = [fast1, fast2, slow].map((v) => exactQuantile(v, 0.95) / 1000);
  expect(Math.max(...perRunner) / exact).toBeGreaterThan(1 + NATIVE_RELATIVE_ERROR);

  const count = await query('histogram_count(sum(k6_http_req_duration_seconds{testid="nh-1"}))');
  expect(Number(count[0]!.value[1])).toBe(all.length);
});

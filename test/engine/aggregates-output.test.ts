// Compact results: the built-in engine's per-second aggregates hold what the
// report and `loadgate compare` need (requests, failures and p95 per journey
// and route, VUs) in a file far smaller than the samples; raw samples are
// gzipped as k6 does for `--out json=file.gz`; real k6 gets its own gzipped
// samples beside, since it has no aggregates output.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOut } from '../../engine/outputs/index.ts';
import { Registry } from '../../engine/metrics.ts';
import { readAggregateSamples } from '../../report/compare/read.ts';
import { readAggregateTimelines, readTimelines } from '../../report/timeline.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-aggregates-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const ctx = () => ({ cwd: dir, warn: () => undefined });

/** 20 s: browse GET /api/products 10 req/s at 10–19 ms, checkout POST /api/orders 5 req/s at 100 ms, 1 in 5 failing. */
async function feed(outs: string[]): Promise<void> {
  const registry = new Registry();
  const outputs = outs.map((o) => parseOut(o).create(ctx()));
  for (const o of outputs) o.start(registry, []);
  const [reqs, failed, duration, vus] = [
    'http_reqs',
    'http_req_failed',
    'http_req_duration',
    'vus',
  ].map((n) => registry.get(n));
  for (let s = 0; s < 20; s++) {
    registry.add(vus!, 3, {}, T0 + s * 1000);
    for (let i = 0; i < 10; i++) {
      const tags = { journey: 'browse', name: 'GET /api/products', method: 'GET' };
      const at = T0 + s * 1000 + i * 90;
      registry.add(reqs!, 1, tags, at);
      registry.add(duration!, 10 + i, tags, at);
      registry.add(failed!, 0, tags, at);
    }
    for (let i = 0; i < 5; i++) {
      const tags = { journey: 'checkout', name: 'POST /api/orders', method: 'POST' };
      const at = T0 + s * 1000 + i * 150;
      registry.add(reqs!, 1, tags, at);
      registry.add(duration!, 100, tags, at);
      registry.add(failed!, i === 0 ? 1 : 0, tags, at);
    }
  }
  for (const o of outputs) await o.stop();
}

describe('the aggregates output', () => {
  it('draws the same timelines and route totals as the raw samples, in a smaller file', async () => {
    await feed(['aggregates=agg.ndjson.gz', 'json=raw.ndjson']);
    const fromAggregates = await readAggregateTimelines(join(dir, 'agg.ndjson.gz'), T0);
    const fromSamples = await readTimelines(join(dir, 'raw.ndjson'), T0);

    expect(fromAggregates.seconds).toBe(20);
    expect(fromAggregates.requestsPerSecond).toEqual(fromSamples.requestsPerSecond);
    expect(fromAggregates.failedPerSecond).toEqual(fromSamples.failedPerSecond);
    expect(fromAggregates.p95LatencyMs).toEqual(fromSamples.p95LatencyMs);
    expect(fromAggregates.vus).toEqual(fromSamples.vus);
    expect(fromAggregates.routes).toEqual(fromSamples.routes);
    expect(fromAggregates.routes.map((r) => [r.name, r.requests, r.failed])).toEqual([
      ['GET /api/products', 200, 0],
      ['POST /api/orders', 100, 20],
    ]);
    const p95 = fromAggregates.routes[0]!.p95Ms!;
    expect(Math.abs(p95 / 19 - 1)).toBeLessThan(0.02);

    const [aggregates, raw] = await Promise.all(
      ['agg.ndjson.gz', 'raw.ndjson'].map(async (f) => (await stat(join(dir, f))).size),
    );
    expect(aggregates! * 20).toBeLessThan(raw!);
  });

  it('feeds loadgate compare: exact counts, latencies within a bin', async () => {
    const samples = await readAggregateSamples(join(dir, 'agg.ndjson.gz'), {
      reservoir: 10_000,
      seed: 1,
    });
    const route = samples.groups.get(`route\u0000POST /api/orders`)!;
    expect([route.count, route.outcomes, route.failed, route.seconds]).toEqual([100, 100, 20, 20]);
    for (const v of route.sample()) expect(Math.abs(v / 100 - 1)).toBeLessThan(0.02);
  });

  it('real k6, which has no such output, writes its gzipped samples beside', () => {
    expect(parseOut('aggregates=out/agg.ndjson.gz').k6(ctx())).toEqual({
      args: ['--out', `json=${join(dir, 'out', 'metrics-k6.ndjson.gz')}`],
      env: {},
    });
  });
});

describe('json=FILE.gz', () => {
  it('gzips the samples, as k6 does, and the report reads them', async () => {
    await feed(['json=raw.ndjson.gz']);
    const text = gunzipSync(await readFile(join(dir, 'raw.ndjson.gz'))).toString('utf8');
    expect(text.split('\n')[0]).toContain('"type":"Metric"');
    const timelines = await readTimelines(join(dir, 'raw.ndjson.gz'), T0);
    expect(timelines.routes.map((r) => r.requests)).toEqual([200, 100]);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL, readTimelines, TimelineBuilder, type Series } from '../../report/timeline.ts';
import { fixturePoints, ndjson, SECONDS, START, type Point } from './fixture.ts';

const byName = (series: Series[], name: string) => series.find((s) => s.name === name)?.values;

function build(points: Point[], runStart?: number) {
  const builder = new TimelineBuilder();
  for (const line of ndjson(points).split('\n')) builder.addLine(line);
  return builder.timelines(runStart);
}

describe('per-second bucketing of metrics.ndjson', () => {
  it('counts requests and failures per second and per journey, whatever the line order', () => {
    const t = build(fixturePoints());
    expect(t.start).toBe(START);
    expect(t.seconds).toBe(SECONDS);
    expect(t.requestsPerSecond.map((s) => s.name)).toEqual([ALL, 'browse', 'checkout']);
    expect(byName(t.requestsPerSecond, ALL)).toEqual(Array(SECONDS).fill(9));
    expect(byName(t.requestsPerSecond, 'browse')).toEqual(Array(SECONDS).fill(4));
    expect(byName(t.failedPerSecond, 'browse')).toEqual(
      Array.from({ length: SECONDS }, (_, s) => (s % 2 === 0 ? 1 : 0)),
    );
    expect(byName(t.failedPerSecond, 'checkout')).toEqual(Array(SECONDS).fill(0));
    // checks points and Metric declarations are neither requests nor unreadable lines
    expect(t.badLines).toBe(0);
    expect(t.points).toBe(SECONDS * (9 * 3 + 1));
  });

  it('gives each second its own p95, within the 2 % bin width', () => {
    const points: Point[] = [];
    for (let v = 1; v <= 100; v++)
      points.push({ metric: 'http_req_duration', second: 0, value: v });
    for (let v = 1; v <= 20; v++)
      points.push({ metric: 'http_req_duration', second: 1, value: v * 100 });
    const p95 = byName(build(points).p95LatencyMs, ALL)!;
    expect(p95[0]).toBeGreaterThan(95 * 0.98);
    expect(p95[0]).toBeLessThan(95 * 1.02);
    expect(p95[1]).toBeGreaterThan(1900 * 0.98);
    expect(p95[1]).toBeLessThan(1900 * 1.02);
  });

  it('leaves a gap in p95 and a zero in requests for a second without requests', () => {
    const tags = { journey: 'browse' };
    const t = build([
      { metric: 'http_reqs', second: 0, value: 1, tags },
      { metric: 'http_req_duration', second: 0, value: 10, tags },
      { metric: 'http_reqs', second: 2, value: 1, tags },
      { metric: 'http_req_duration', second: 2, value: 30, tags },
    ]);
    expect(byName(t.requestsPerSecond, 'browse')).toEqual([1, 0, 1]);
    const p95 = byName(t.p95LatencyMs, 'browse')!;
    expect(p95[1]).toBeNull();
    expect(p95[0]).toBeCloseTo(10, -0.5);
  });

  it('holds the VU count until k6 reports a new one, and starts the axis at the run start', () => {
    const t = build(
      [
        { metric: 'vus', second: 0, value: 2 },
        { metric: 'vus', second: 3, value: 5 },
        { metric: 'vus', second: 3, value: 6 },
      ],
      START - 2000,
    );
    expect(t.start).toBe(START - 2000);
    expect(t.vus).toEqual([{ name: 'VUs', values: [null, null, 2, 2, 2, 6] }]);
  });

  it('reads a file cut mid-line (an interrupted run) and counts the broken line', async () => {
    const text = ndjson(fixturePoints());
    const cut = text.slice(0, text.lastIndexOf('"metric":"http_reqs"') + 5);
    const dir = await mkdtemp(join(tmpdir(), 'loadgate-timeline-'));
    cleanup.push(dir);
    await writeFile(join(dir, 'metrics.ndjson'), cut);
    const t = await readTimelines(join(dir, 'metrics.ndjson'), START);
    expect(t.badLines).toBe(1);
    expect(t.points).toBeGreaterThan(0);
    expect(t.seconds).toBeGreaterThan(0);
  });

  it('keeps per-second state, not samples: a million latency points in one second stay a few hundred bins', () => {
    const builder = new TimelineBuilder();
    for (let i = 0; i < 1_000_000; i++)
      builder.addPoint({
        type: 'Point',
        metric: 'http_req_duration',
        data: { time: new Date(START).toISOString(), value: 1 + (i % 5000) / 10, tags: {} },
      });
    const bins = (
      builder as unknown as { buckets: Map<string, Map<number, { latency: Map<number, number> }>> }
    ).buckets
      .get(ALL)!
      .get(START / 1000)!.latency.size;
    expect(bins).toBeLessThan(400);
    expect(byName(builder.timelines().p95LatencyMs, ALL)![0]).toBeGreaterThan(475 * 0.98);
  });
});

const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { binMs, latencyBin, readAggregates } from '../run-dir/aggregates.ts';

// Per-second timelines from k6 `--out json` (metrics.ndjson), read line by
// line. Memory grows with the run's seconds and journeys, never with its
// requests: each second keeps counters and, for latency, a log-scale
// histogram (p95 within ~1 %) instead of every sample.

/** `all` is every request; the other series are the values of the `journey` tag. */
export const ALL = 'all';

/** A k6 JSON output line of type Point (the part read here). */
export const K6Point = z.object({
  type: z.literal('Point'),
  metric: z.string(),
  data: z.object({
    time: z.string(),
    value: z.number(),
    // Only the tag read here is checked: validating every tag cost more than JSON.parse.
    tags: z.looseObject({ journey: z.string().optional(), name: z.string().optional() }).nullish(),
  }),
});
export type K6Point = z.infer<typeof K6Point>;

/** The metrics the timelines need; every other line is skipped before parsing. */
const WANTED = new Set(['http_reqs', 'http_req_duration', 'http_req_failed', 'vus']);
const METRIC_KEY = '"metric":"';

function add(bucket: SecondBucket, metric: string, value: number): void {
  if (metric === 'http_reqs') bucket.requests += value;
  else if (metric === 'http_req_failed') bucket.failed += value;
  else if (metric === 'http_req_duration') bucket.addLatency(value);
}

export class SecondBucket {
  requests = 0;
  failed = 0;
  latencyCount = 0;
  /** bin index → count (sparse: only the bins seen in this second). */
  latency = new Map<number, number>();

  addLatency(ms: number): void {
    this.addBin(latencyBin(ms), 1);
  }

  addBin(bin: number, count: number): void {
    this.latency.set(bin, (this.latency.get(bin) ?? 0) + count);
    this.latencyCount += count;
  }

  /** The q-quantile, as the geometric middle of its bin. */
  quantile(q: number): number | null {
    if (this.latencyCount === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.latencyCount));
    let seen = 0;
    for (const bin of [...this.latency.keys()].sort((a, b) => a - b)) {
      seen += this.latency.get(bin)!;
      if (seen >= rank) return binMs(bin);
    }
    return null; // unreachable: the counts add up to latencyCount
  }
}

/** A value per second of the run; null where there is nothing to show (no request that second). */
export type Series = { name: string; values: (number | null)[] };

/** One request name (k6's `name` tag: `GET /api/products/{id}`) over the whole run, client side. */
export type ClientRoute = { name: string; requests: number; failed: number; p95Ms: number | null };

export type Timelines = {
  /** Epoch ms of second 0 (the first point's second, or the run start if earlier). */
  start: number;
  seconds: number;
  requestsPerSecond: Series[];
  p95LatencyMs: Series[];
  p99LatencyMs: Series[];
  failedPerSecond: Series[];
  /** Per request name, the busiest first. */
  routes: ClientRoute[];
  vus: Series[];
  /** Points read, and lines that were not JSON (a run cut mid-write leaves half a line). */
  points: number;
  badLines: number;
};

/** Accumulates points into per-second buckets; `timelines()` gives the series. */
export class TimelineBuilder {
  /** series name → epoch second → bucket */
  private readonly buckets = new Map<string, Map<number, SecondBucket>>();
  /** epoch second → VUs (the last value k6 reported in that second) */
  private readonly vus = new Map<number, number>();
  /** request name → the whole run's counts and latency histogram */
  private readonly routes = new Map<string, SecondBucket>();
  private first = Infinity;
  private last = -Infinity;
  points = 0;
  badLines = 0;

  /** One ndjson line; cheap for the lines the timelines do not need. */
  addLine(line: string): void {
    // A run cut mid-write leaves half a line; k6 puts the metric name last, so
    // such a line would not even match a marker below.
    if (!line.trimEnd().endsWith('}')) {
      if (line.trim()) this.badLines++;
      return;
    }
    // k6 writes the metric name last: find it from the end, no full scan.
    const at = line.lastIndexOf(METRIC_KEY);
    if (at < 0) return;
    const from = at + METRIC_KEY.length;
    if (!WANTED.has(line.slice(from, line.indexOf('"', from)))) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.badLines++;
      return;
    }
    if ((json as { type?: unknown }).type !== 'Point') return; // the Metric declarations
    const parsed = K6Point.safeParse(json);
    if (parsed.success) this.addPoint(parsed.data);
    else this.badLines++;
  }

  addPoint(point: K6Point): void {
    const ms = Date.parse(point.data.time);
    if (Number.isNaN(ms)) {
      this.badLines++;
      return;
    }
    this.addSample(point.metric, point.data.value, point.data.tags ?? {}, ms);
  }

  /** One sample as the engine emits it (the live dashboard feeds these). */
  addSample(
    metric: string,
    value: number,
    tags: { journey?: string; name?: string },
    ms: number,
  ): void {
    const second = Math.floor(ms / 1000);
    this.points++;
    this.first = Math.min(this.first, second);
    this.last = Math.max(this.last, second);
    if (metric === 'vus') {
      this.vus.set(second, value);
      return;
    }
    const journey = tags.journey;
    const buckets = (journey ? [ALL, journey] : [ALL]).map((name) => this.bucket(name, second));
    const route = tags.name;
    if (route) buckets.push(this.route(route));
    for (const bucket of buckets) add(bucket, metric, value);
  }

  /** An aggregate already made (the engine's per-second output): counts and a latency histogram. */
  addAggregate(
    second: number,
    journey: string | undefined,
    route: string | undefined,
    requests: number,
    failed: number,
    bins: Iterable<[number, number]>,
  ): void {
    this.points += requests;
    this.first = Math.min(this.first, second);
    this.last = Math.max(this.last, second);
    const buckets = (journey ? [ALL, journey] : [ALL]).map((name) => this.bucket(name, second));
    if (route) buckets.push(this.route(route));
    const histogram = [...bins];
    for (const bucket of buckets) {
      bucket.requests += requests;
      bucket.failed += failed;
      for (const [bin, count] of histogram) bucket.addBin(bin, count);
    }
  }

  /** VUs at one second (the last value reported in it). */
  addVus(second: number, vus: number): void {
    this.points++;
    this.first = Math.min(this.first, second);
    this.last = Math.max(this.last, second);
    this.vus.set(second, vus);
  }

  private route(name: string): SecondBucket {
    let bucket = this.routes.get(name);
    if (!bucket) this.routes.set(name, (bucket = new SecondBucket()));
    return bucket;
  }

  private bucket(name: string, second: number): SecondBucket {
    let seconds = this.buckets.get(name);
    if (!seconds) this.buckets.set(name, (seconds = new Map()));
    let bucket = seconds.get(second);
    if (!bucket) seconds.set(second, (bucket = new SecondBucket()));
    return bucket;
  }

  /** @param runStart epoch ms the x axis starts at (the run's startedAt), if known. */
  timelines(runStart?: number): Timelines {
    const empty = this.points === 0;
    const firstSecond = Math.min(
      empty ? Infinity : this.first,
      runStart === undefined ? Infinity : Math.floor(runStart / 1000),
    );
    const start = Number.isFinite(firstSecond) ? firstSecond : 0;
    const seconds = empty ? 0 : this.last - start + 1;
    // `all` first, then journeys by name: the same order and colours in every chart.
    const names = [...this.buckets.keys()].sort((a, b) =>
      a === ALL ? -1 : b === ALL ? 1 : a.localeCompare(b),
    );
    const series = (pick: (b: SecondBucket | undefined) => number | null): Series[] =>
      names.map((name) => {
        const buckets = this.buckets.get(name)!;
        return {
          name,
          values: Array.from({ length: seconds }, (_, i) => pick(buckets.get(start + i))),
        };
      });

    // VUs hold their value until k6 reports a new one.
    let current: number | null = null;
    const vus = Array.from({ length: seconds }, (_, i) => {
      current = this.vus.get(start + i) ?? current;
      return current;
    });

    return {
      start: start * 1000,
      seconds,
      requestsPerSecond: series((b) => b?.requests ?? 0),
      p95LatencyMs: series((b) => b?.quantile(0.95) ?? null),
      p99LatencyMs: series((b) => b?.quantile(0.99) ?? null),
      failedPerSecond: series((b) => b?.failed ?? 0),
      routes: [...this.routes]
        .map(([name, b]) => ({
          name,
          requests: b.requests,
          failed: b.failed,
          p95Ms: b.quantile(0.95),
        }))
        .sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name)),
      vus: this.vus.size > 0 ? [{ name: 'VUs', values: vus }] : [],
      points: this.points,
      badLines: this.badLines,
    };
  }
}

/** Streams a metrics.ndjson file (gzipped when it ends in .gz, as k6 writes it) into timelines. */
export async function readTimelines(file: string, runStart?: number): Promise<Timelines> {
  const builder = new TimelineBuilder();
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) builder.addLine(line);
  } catch {
    builder.badLines++; // a truncated gzip stream: what was read stands
  }
  return builder.timelines(runStart);
}

/** The same timelines from the engine's per-second aggregates (aggregates.ndjson.gz). */
export async function readAggregateTimelines(file: string, runStart?: number): Promise<Timelines> {
  const builder = new TimelineBuilder();
  const { badLines } = await readAggregates(file, (line) => {
    if ('vus' in line) builder.addVus(line.t, line.vus);
    else builder.addAggregate(line.t, line.j, line.r, line.n, line.f, line.h);
  });
  builder.badLines += badLines;
  return builder.timelines(runStart);
}

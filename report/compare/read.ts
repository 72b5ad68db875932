// One run's request latencies and outcomes for `loadgate compare`, streamed
// from its metrics.ndjson (k6 `--out json`) and grouped: the whole run, each
// journey (`journey` tag), each route (`method` and `name` tags). Memory is
// bounded whatever the file's size: each group keeps exact counts per time
// second and a uniform reservoir sample of its latencies (seeded, so the same
// file gives the same sample), each sample remembering its second; the
// seconds are grouped into resampling blocks afterwards (`blocks()`).
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { binMs, readAggregates } from '../../run-dir/aggregates.ts';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { seededRandom, type Block } from './stats.ts';

/** A line of k6 JSON output of type Point, as far as compare reads it. */
const Point = z.object({
  type: z.literal('Point'),
  metric: z.enum(['http_req_duration', 'http_req_failed']),
  data: z.object({
    time: z.string(),
    value: z.number(),
    tags: z
      .looseObject({
        name: z.string().optional(),
        url: z.string().optional(),
        method: z.string().optional(),
        journey: z.string().optional(),
      })
      .nullish(),
  }),
});

export type GroupKind = 'all' | 'journey' | 'route';
export const groupKey = (kind: GroupKind, name: string) => `${kind}\u0000${name}`;

export type ReadOptions = {
  /** Latencies kept per group (default 10,000); counts are exact beyond it. */
  reservoir: number;
  seed: number;
};

/** One group of one run: exact counts, a sample of latencies, per epoch second. */
export class Group {
  /** Latency points (requests with a duration). */
  count = 0;
  /** http_req_failed points, and how many of them were failures. */
  outcomes = 0;
  failed = 0;
  private readonly values: Float64Array;
  private readonly valueBlock: Float64Array;
  private kept = 0;
  private readonly blockCounts = new Map<number, { failed: number; total: number }>();

  constructor(
    readonly kind: GroupKind,
    readonly name: string,
    private readonly size: number,
    private readonly random: () => number,
  ) {
    this.values = new Float64Array(size);
    this.valueBlock = new Float64Array(size);
  }

  addLatency(ms: number, block: number): void {
    this.count++;
    this.counts(block);
    // Algorithm R: the i-th value replaces a kept one with probability size/i.
    if (this.kept < this.size) {
      this.values[this.kept] = ms;
      this.valueBlock[this.kept++] = block;
    } else {
      const at = Math.floor(this.random() * this.count);
      if (at < this.size) {
        this.values[at] = ms;
        this.valueBlock[at] = block;
      }
    }
  }

  addOutcome(failed: boolean, block: number): void {
    this.outcomes++;
    const c = this.counts(block);
    c.total++;
    if (failed) {
      this.failed++;
      c.failed++;
    }
  }

  private counts(block: number) {
    let c = this.blockCounts.get(block);
    if (!c) this.blockCounts.set(block, (c = { failed: 0, total: 0 }));
    return c;
  }

  /** The sampled latencies (a copy: quantiles reorder it). */
  sample(): Float64Array {
    return this.values.slice(0, this.kept);
  }

  /** Seconds with at least one point. */
  get seconds(): number {
    return this.blockCounts.size;
  }

  /** The resampling units: blocks of `seconds` s, with their sampled latencies and outcome counts. */
  blocks(seconds: number): Block[] {
    const of = (second: number) => Math.floor(second / seconds);
    const byBlock = new Map<number, { values: number[]; failed: number; total: number }>();
    const block = (b: number) => {
      let entry = byBlock.get(b);
      if (!entry) byBlock.set(b, (entry = { values: [], failed: 0, total: 0 }));
      return entry;
    };
    for (const [second, c] of this.blockCounts) {
      const entry = block(of(second));
      entry.failed += c.failed;
      entry.total += c.total;
    }
    for (let i = 0; i < this.kept; i++) block(of(this.valueBlock[i]!)).values.push(this.values[i]!);
    return [...byBlock.keys()]
      .sort((a, b) => a - b)
      .map((b) => {
        const { values, failed, total } = byBlock.get(b)!;
        return { values: Float64Array.from(values), failed, total };
      });
  }
}

export type RunSamples = {
  groups: Map<string, Group>;
  /** Epoch ms of the first and last point read (NaN when none). */
  first: number;
  last: number;
  /** Lines that were not a usable point (a run cut mid-write leaves half a line). */
  badLines: number;
};

/** An empty set of groups and the function that finds or makes one (one seeded random for all). */
function groupsOf(o: ReadOptions): {
  groups: Map<string, Group>;
  group: (kind: GroupKind, name: string) => Group;
} {
  const groups = new Map<string, Group>();
  const random = seededRandom(o.seed);
  const group = (kind: GroupKind, name: string) => {
    const key = groupKey(kind, name);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = new Group(kind, name, o.reservoir, random)));
    return g;
  };
  return { groups, group };
}

/** Streams `file` into its groups. */
export async function readRunSamples(file: string, o: ReadOptions): Promise<RunSamples> {
  const { groups, group } = groupsOf(o);
  let first = Infinity;
  let last = -Infinity;
  let badLines = 0;
  const raw = createReadStream(file);
  const lines = createInterface({
    input: file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw,
    crlfDelay: Infinity,
  });
  for await (const line of lines) {
    // Cheap test first: most lines are other metrics, parsed for nothing otherwise.
    if (!line.includes('"metric":"http_req_d') && !line.includes('"metric":"http_req_f')) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      badLines++;
      continue;
    }
    const parsed = Point.safeParse(json);
    if (!parsed.success) {
      if ((json as { type?: unknown }).type === 'Point') badLines++;
      continue;
    }
    const { metric, data } = parsed.data;
    const time = Date.parse(data.time);
    if (Number.isNaN(time)) {
      badLines++;
      continue;
    }
    first = Math.min(first, time);
    last = Math.max(last, time);
    const block = Math.floor(time / 1000);
    const tags = data.tags ?? {};
    const route = tags.name ?? tags.url;
    const targets = [group('all', 'all')];
    if (tags.journey) targets.push(group('journey', tags.journey));
    if (route) targets.push(group('route', routeName(route, tags.method)));
    for (const g of targets) {
      if (metric === 'http_req_duration') g.addLatency(data.value, block);
      else g.addOutcome(data.value !== 0, block);
    }
  }
  return {
    groups,
    first: Number.isFinite(first) ? first : NaN,
    last: Number.isFinite(last) ? last : NaN,
    badLines,
  };
}

/**
 * The same groups from the engine's per-second aggregates: each histogram bin
 * counts as that many latencies at the bin's middle (within 1 % of the
 * sample), each request as an outcome.
 */
export async function readAggregateSamples(file: string, o: ReadOptions): Promise<RunSamples> {
  const { groups, group } = groupsOf(o);
  let first = Infinity;
  let last = -Infinity;
  const { badLines } = await readAggregates(file, (line) => {
    if ('vus' in line) return;
    first = Math.min(first, line.t * 1000);
    last = Math.max(last, line.t * 1000);
    const targets = [group('all', 'all')];
    if (line.j) targets.push(group('journey', line.j));
    if (line.r) targets.push(group('route', line.r));
    for (const g of targets) {
      for (const [bin, count] of line.h)
        for (let i = 0; i < count; i++) g.addLatency(binMs(bin), line.t);
      for (let i = 0; i < line.n; i++) g.addOutcome(i < line.f, line.t);
    }
  });
  return {
    groups,
    first: Number.isFinite(first) ? first : NaN,
    last: Number.isFinite(last) ? last : NaN,
    badLines,
  };
}

/** `GET /api/products/{id}`: the gateway client's names carry their method already, a URL does not. */
function routeName(route: string, method: string | undefined): string {
  return method && !route.startsWith(`${method} `) ? `${method} ${route}` : route;
}

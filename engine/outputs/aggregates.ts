// `--out aggregates=FILE`: the run's client side as per-second aggregates per
// journey and request name (run-dir/aggregates.ts has the format), gzipped.
// What `loadgate run` writes by default instead of every sample: a 10-minute
// run at 1,000 req/s is a few MB, not gigabytes (bench/results-size.ts).
// Real k6 has no such output: it writes its own gzipped samples beside
// (`--out json=metrics-k6.ndjson.gz`), which the report reads the same way.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createGzip } from 'node:zlib';
import { latencyBin } from '../../run-dir/aggregates.ts';
import { RUN_FILES } from '../../run-dir/files.ts';
import type { Metric, Registry, Tags } from '../metrics.ts';
import type { Output, OutputDefinition } from './output.ts';

export const aggregates: OutputDefinition<{ path: string }> = {
  name: 'aggregates',
  usage: 'aggregates=FILE',
  parse: (arg) => (arg ? { path: arg } : undefined),
  create: ({ path }, { cwd }) => aggregatesOutput(resolve(cwd, path)),
  k6: ({ path }, { cwd }) => ({
    args: ['--out', `json=${k6SamplesPath(resolve(cwd, path))}`],
    env: {},
  }),
};

/** Where real k6 writes its gzipped samples instead, beside (k6 gzips a json output named .gz). */
export function k6SamplesPath(aggregatesPath: string): string {
  return join(dirname(aggregatesPath), RUN_FILES.k6Samples);
}

/** One (second, journey, name) cell. */
type Cell = { journey?: string; route?: string; n: number; f: number; h: Map<number, number> };

/** Seconds kept open for late samples (a response that ends after its second closed). */
const OPEN_SECONDS = 2;

export function aggregatesOutput(path: string): Output {
  const gzip = createGzip({ level: 6 });
  let done: Promise<void> | undefined;
  /** epoch second → cell key → cell */
  const seconds = new Map<number, Map<string, Cell>>();
  const vus = new Map<number, number>();
  let newest = -Infinity;

  const cell = (second: number, tags: Tags): Cell => {
    let cells = seconds.get(second);
    if (!cells) seconds.set(second, (cells = new Map()));
    const key = `${tags.journey ?? ''}\u0000${tags.name ?? ''}`;
    let c = cells.get(key);
    if (!c)
      cells.set(key, (c = { journey: tags.journey, route: tags.name, n: 0, f: 0, h: new Map() }));
    return c;
  };

  /** Writes every second up to `upTo` (all of them when undefined). */
  const flush = (upTo = Infinity) => {
    const ready = [...new Set([...seconds.keys(), ...vus.keys()])]
      .filter((s) => s <= upTo)
      .sort((a, b) => a - b);
    const out: string[] = [];
    for (const t of ready) {
      for (const c of seconds.get(t)?.values() ?? [])
        out.push(JSON.stringify({ t, j: c.journey, r: c.route, n: c.n, f: c.f, h: [...c.h] }));
      const v = vus.get(t);
      if (v !== undefined) out.push(JSON.stringify({ t, vus: v }));
      seconds.delete(t);
      vus.delete(t);
    }
    if (out.length) gzip.write(out.join('\n') + '\n');
  };

  return {
    start(registry: Registry) {
      mkdirSync(dirname(path), { recursive: true });
      const file = createWriteStream(path);
      done = new Promise<void>((resolve, reject) => {
        file.on('finish', resolve);
        file.on('error', reject);
        gzip.on('error', reject);
      });
      gzip.pipe(file);
      registry.onSample((metric: Metric, value: number, tags: Tags, time: number) => {
        const second = Math.floor(time / 1000);
        switch (metric.name) {
          case 'http_reqs':
            cell(second, tags).n += value;
            break;
          case 'http_req_failed':
            cell(second, tags).f += value;
            break;
          case 'http_req_duration': {
            const h = cell(second, tags).h;
            const bin = latencyBin(value);
            h.set(bin, (h.get(bin) ?? 0) + 1);
            break;
          }
          case 'vus':
            vus.set(second, value);
            break;
          default:
            return;
        }
        if (second > newest) {
          newest = second;
          flush(newest - OPEN_SECONDS);
        }
      });
    },
    async stop() {
      if (!done) return;
      flush();
      gzip.end();
      await done;
    },
  };
}

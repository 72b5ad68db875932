// `--out json=FILE`: k6's NDJSON, a `Metric` line the first time a metric
// gets a sample, then one `Point` line per sample; gzipped when FILE ends in
// `.gz`, as k6 does (`k6 run --out json=test.gz`).
import { createWriteStream, mkdirSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { dirname, resolve } from 'node:path';
import type { Metric, Registry, Tags } from '../metrics.ts';
import type { Output, OutputDefinition } from './output.ts';
import type { Threshold } from '../thresholds.ts';

export const json: OutputDefinition<{ path: string }> = {
  name: 'json',
  usage: 'json=FILE',
  parse: (arg) => (arg ? { path: arg } : undefined),
  create: ({ path }, { cwd }) => jsonOutput(resolve(cwd, path)),
  k6: ({ path }, { cwd }) => ({ args: ['--out', `json=${resolve(cwd, path)}`], env: {} }),
};

export function jsonOutput(path: string): Output {
  let stream: Writable | undefined;
  let finished: Promise<void> | undefined;
  let buffer: string[] = [];
  let size = 0;
  const seen = new Set<Metric>();
  const flush = () => {
    if (buffer.length) stream!.write(buffer.join(''));
    buffer = [];
    size = 0;
  };
  return {
    start(registry: Registry, thresholds: Threshold[]) {
      mkdirSync(dirname(path), { recursive: true });
      const file = createWriteStream(path);
      finished = new Promise<void>((resolve, reject) => {
        file.on('finish', resolve);
        file.on('error', reject);
      });
      if (path.endsWith('.gz')) {
        const gzip = createGzip();
        gzip.on('error', (e) => file.destroy(e));
        gzip.pipe(file);
        stream = gzip;
      } else stream = file;
      registry.onSample((metric: Metric, value: number, tags: Tags, time: number) => {
        if (!seen.has(metric)) {
          seen.add(metric);
          const own = thresholds.filter((t) => t.key === metric.name).map((t) => t.source);
          buffer.push(
            JSON.stringify({
              type: 'Metric',
              data: {
                name: metric.name,
                type: metric.type,
                contains: metric.contains,
                thresholds: own,
                submetrics: null,
              },
              metric: metric.name,
            }) + '\n',
          );
        }
        const line =
          JSON.stringify({
            type: 'Point',
            data: { time: new Date(time).toISOString(), value, tags },
            metric: metric.name,
          }) + '\n';
        buffer.push(line);
        size += line.length;
        if (size > 1 << 16) flush();
      });
    },
    async stop() {
      if (!stream) return;
      flush();
      stream.end();
      await finished;
    },
  };
}

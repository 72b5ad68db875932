import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { Registry } from '../engine/metrics.ts';
import { parseOut } from '../engine/outputs/index.ts';
import { writeReport } from '../report/index.ts';
import { RUN_FILES } from '../run-dir/files.ts';

// What a run leaves in its results folder, and how long its report takes.
// Synthetic samples through the engine's real outputs: a 10-minute run at
// 1,000 req/s over the mix's journeys and ~20 routes, with k6's usual tags.
// Budget: the folder (per-second aggregates, run.json, report.html) ≤ 20 MB
// and the report rendered in ≤ 3 s.
// References, same run: the raw samples as --raw-samples keeps them
// (metrics.ndjson.gz) and as plain k6 NDJSON (--out json, what every run
// kept before: its size counted while decompressing, never written).

const SECONDS = 600;
const RATE = 1000;
const ROUTES: [journey: string, method: string, route: string, ms: number][] = [
  ['browse', 'GET', '/api/categories', 4],
  ['browse', 'GET', '/api/products', 6],
  ['browse', 'GET', '/api/products/{id}', 3],
  ['basket', 'POST', '/api/baskets', 8],
  ['basket', 'POST', '/api/baskets/{id}/items', 9],
  ['basket', 'PATCH', '/api/baskets/{id}/items/{itemId}', 7],
  ['basket', 'DELETE', '/api/baskets/{id}/items/{itemId}', 5],
  ['basket', 'GET', '/api/baskets/{id}', 4],
  ['checkout', 'POST', '/api/auth/register', 40],
  ['checkout', 'POST', '/api/addresses', 9],
  ['checkout', 'POST', '/api/baskets/{id}/promo', 6],
  ['checkout', 'POST', '/api/orders', 25],
  ['checkout', 'GET', '/api/orders/{id}', 4],
  ['sav', 'POST', '/api/sav/tickets', 30],
  ['sav', 'GET', '/api/sav/tickets/{id}', 5],
  ['newsletter', 'POST', '/api/newsletters/subscriptions', 12],
  ['newsletter', 'GET', '/api/newsletters/subscriptions/{id}', 4],
  ['newsletter', 'DELETE', '/api/newsletters/subscriptions/{id}', 6],
  ['browse', 'GET', '/health', 1],
  ['checkout', 'GET', '/api/auth/me', 3],
];

export async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-bench-results-'));
  try {
    const t0 = Date.parse('2026-01-01T00:00:00.000Z');
    await writeFile(
      join(dir, RUN_FILES.record),
      JSON.stringify({
        id: 'capacity-bench',
        profile: 'capacity',
        target: 'http://127.0.0.1:8080',
        engine: 'builtin',
        scripts: ['k6-bundles/mix.js'],
        startedAt: new Date(t0).toISOString(),
        endedAt: new Date(t0 + SECONDS * 1000).toISOString(),
        exitCode: 0,
        interrupted: false,
      }),
    );
    const registry = new Registry();
    const ctx = { cwd: dir, warn: () => undefined };
    const outputs = [
      parseOut(`aggregates=${RUN_FILES.aggregates}`).create(ctx),
      parseOut(`json=${RUN_FILES.rawSamples}`).create(ctx),
    ];
    for (const o of outputs) o.start(registry, []);
    const metric = (n: string) => registry.get(n);
    const [reqs, failed, duration, vus] = [
      'http_reqs',
      'http_req_failed',
      'http_req_duration',
      'vus',
    ].map(metric);
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const fed = Date.now();
    for (let s = 0; s < SECONDS; s++) {
      registry.add(vus!, 120, {}, t0 + s * 1000);
      for (let i = 0; i < RATE; i++) {
        const [journey, method, route, ms] = ROUTES[i % ROUTES.length]!;
        const status = random() < 0.01 ? '503' : '200';
        const tags = {
          journey,
          scenario: journey,
          group: '',
          method,
          name: `${method} ${route}`,
          url: `http://127.0.0.1:8080${route.replace(/\{[^}]+\}/g, String(i))}`,
          proto: 'HTTP/1.1',
          status,
          expected_response: String(status === '200'),
        };
        const at = t0 + s * 1000 + i;
        registry.add(reqs!, 1, tags, at);
        registry.add(duration!, ms * Math.exp(random() - 0.5), tags, at);
        registry.add(failed!, status === '200' ? 0 : 1, tags, at);
      }
    }
    for (const o of outputs) await o.stop();
    const feedSeconds = (Date.now() - fed) / 1000;

    const started = performance.now();
    await writeReport(dir);
    const renderSeconds = (performance.now() - started) / 1000;

    const size = async (name: string) => (await stat(join(dir, name))).size;
    const folder =
      (await size(RUN_FILES.aggregates)) +
      (await size(RUN_FILES.record)) +
      (await size(RUN_FILES.report));
    const gzipped = await size(RUN_FILES.rawSamples);
    const plain = await decompressedSize(join(dir, RUN_FILES.rawSamples));
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const requests = SECONDS * RATE;
    process.stdout.write(
      [
        `synthetic run: ${SECONDS / 60} min at ${RATE} req/s (${requests.toLocaleString('en-US')} requests, ${ROUTES.length} routes), fed in ${feedSeconds.toFixed(1)} s`,
        `results folder (aggregates + run.json + report.html): ${mb(folder)} (budget ≤ 20 MB); files: ${(await readdir(dir)).filter((f) => f !== RUN_FILES.rawSamples).join(', ')}`,
        `  aggregates.ndjson.gz ${mb(await size(RUN_FILES.aggregates))}, report.html ${mb(await size(RUN_FILES.report))}`,
        `report rendered in ${renderSeconds.toFixed(2)} s (budget ≤ 3 s)`,
        `reference, same run: raw samples --raw-samples (gzip) ${mb(gzipped)}; plain k6 NDJSON ${mb(plain)} (${Math.round(plain / requests)} bytes/request)`,
        '',
      ].join('\n'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Bytes of a gzipped file once decompressed, counted as they stream by. */
async function decompressedSize(file: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(file).pipe(createGunzip()))
    bytes += (chunk as Buffer).length;
  return bytes;
}

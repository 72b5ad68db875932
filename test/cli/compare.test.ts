// `loadgate compare`: two synthetic runs whose metrics.ndjson hold generated
// latencies. A pair drawn from the same distribution is reported as noise;
// a pair where one route got +1.5 s is a significant regression on that route
// only (and on the rows holding it), flagged in the text and the Markdown.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/commands/compare.ts';
import { compareRuns } from '../../report/compare/index.ts';
import { seededRandom } from '../../report/compare/stats.ts';
import { InputError } from '../../core/errors.ts';

const START = Date.parse('2026-11-24T10:00:00.000Z');
const SECONDS = 60;
const ROUTES = [
  { journey: 'browse', name: 'GET /api/products', median: 40 },
  { journey: 'browse', name: 'GET /api/products/{id}', median: 25 },
  { journey: 'checkout', name: 'POST /api/orders', median: 120 },
  { journey: 'checkout', name: 'GET /api/basket', median: 30 },
];

/** A run directory: run.json and metrics.ndjson, ~20 req/s per route, log-normal latencies, 1 % errors. */
async function writeRun(dir: string, seed: number, slow?: { route: string; addMs: number }) {
  await mkdir(dir, { recursive: true });
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = [
    JSON.stringify({
      type: 'Metric',
      data: { name: 'http_req_duration', type: 'trend' },
      metric: 'http_req_duration',
    }),
  ];
  for (let ms = 0; ms < SECONDS * 1000; ms += 50) {
    for (const r of ROUTES) {
      const time = new Date(START + ms + Math.floor(random() * 50)).toISOString();
      const tags = {
        name: r.name,
        method: r.name.split(' ')[0],
        journey: r.journey,
        status: '200',
      };
      let value = r.median * Math.exp(0.5 * normal());
      if (slow?.route === r.name) value += slow.addMs;
      lines.push(
        JSON.stringify({ type: 'Point', data: { time, value, tags }, metric: 'http_req_duration' }),
      );
      lines.push(
        JSON.stringify({
          type: 'Point',
          data: { time, value: random() < 0.01 ? 1 : 0, tags },
          metric: 'http_req_failed',
        }),
      );
      lines.push(
        JSON.stringify({ type: 'Point', data: { time, value: 1, tags }, metric: 'http_reqs' }),
      );
    }
  }
  await writeFile(join(dir, 'metrics.ndjson'), lines.join('\n') + '\n');
  const id = dir.split('/').pop()!;
  await writeFile(
    join(dir, 'run.json'),
    JSON.stringify({
      id,
      profile: 'smoke',
      target: 'http://127.0.0.1:8080',
      engine: 'builtin',
      scripts: ['k6-bundles/mix.js'],
      startedAt: new Date(START).toISOString(),
      endedAt: new Date(START + SECONDS * 1000).toISOString(),
      exitCode: 0,
      interrupted: false,
    }),
  );
}

let results: string;
beforeAll(async () => {
  results = await mkdtemp(join(tmpdir(), 'loadgate-compare-'));
  await writeRun(join(results, 'run-a'), 1);
  await writeRun(join(results, 'run-b-clean'), 2);
  await writeRun(join(results, 'run-b-slow'), 3, { route: 'GET /api/products/{id}', addMs: 1500 });
});
afterAll(() => rm(results, { recursive: true, force: true }));

async function compare(argv: string[]) {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (chunk) => ((stdout += String(chunk)), true),
  );
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(argv), stdout };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('loadgate compare', () => {
  it('reports two runs of the same distribution as noise, on every row', async () => {
    const c = await compareRuns(join(results, 'run-a'), join(results, 'run-b-clean'));
    expect(c.rows.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'all all',
      'journey browse',
      'journey checkout',
      'route GET /api/basket',
      'route GET /api/products',
      'route GET /api/products/{id}',
      'route POST /api/orders',
    ]);
    expect(c.rows.map((r) => r.status)).toEqual(c.rows.map(() => 'noise'));
    expect(c.tests).toBe(28);
    const route = c.rows.find((r) => r.name === 'GET /api/products/{id}')!;
    expect(route.requests).toEqual({ a: 1200, b: 1200 });
    expect(route.throughput.a).toBeCloseTo(20);
    expect(route.p50.a).toBeGreaterThan(20);
    expect(route.p50.a).toBeLessThan(30);
  });

  it('flags +1.5 s on one route as a significant regression there, and nowhere else', async () => {
    const c = await compareRuns(join(results, 'run-a'), join(results, 'run-b-slow'));
    const status = Object.fromEntries(c.rows.map((r) => [`${r.kind} ${r.name}`, r.status]));
    expect(status).toEqual({
      'all all': 'regression',
      'journey browse': 'regression',
      'journey checkout': 'noise',
      'route GET /api/basket': 'noise',
      'route GET /api/products': 'noise',
      'route GET /api/products/{id}': 'regression',
      'route POST /api/orders': 'noise',
    });
    const slow = c.rows.find((r) => r.name === 'GET /api/products/{id}')!;
    for (const q of [slow.p50, slow.p95, slow.p99]) {
      expect(q.status).toBe('regression');
      expect(q.ci![0]).toBeGreaterThan(1000);
    }
    expect(slow.errorRatio.status).toBe('noise');
  });

  it('prints the table, names the statistic, writes Markdown, takes bare run ids', async () => {
    const md = join(results, 'compare.md');
    const { code, stdout } = await compare([
      'run-a',
      'run-b-slow',
      '--results',
      results,
      '--markdown',
      md,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('block bootstrap of the difference B − A');
    expect(stdout).toContain('Bonferroni');
    expect(stdout).toMatch(/route GET \/api\/products\/\{id\} .*✖ regression/);
    const markdown = await readFile(md, 'utf8');
    expect(markdown).toContain('**✖ 3 significant regression(s):**');
    expect(markdown).toMatch(
      /^\| route GET \/api\/products\/\{id\} \| 1200 → 1200 \| .* ✖ \| .* \| ✖ regression \|$/m,
    );
    expect(markdown).toContain('| --- |');
  });

  it('is reproducible: the same runs and seed give the same output', async () => {
    const first = await compare([join(results, 'run-a'), join(results, 'run-b-clean')]);
    const second = await compare([join(results, 'run-a'), join(results, 'run-b-clean')]);
    expect(second.stdout).toBe(first.stdout);
  });

  it('exits 1 with --fail-on-regression when there is one, 0 otherwise', async () => {
    const argv = ['--results', results, '--fail-on-regression', 'run-a'];
    expect((await compare([...argv, 'run-b-slow'])).code).toBe(1);
    expect((await compare([...argv, 'run-b-clean'])).code).toBe(0);
  });

  it('refuses a run without samples or aggregates, and a missing B', async () => {
    const empty = join(results, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(compare(['run-a', empty, '--results', results])).rejects.toThrow(
      /has no aggregates\.ndjson\.gz \(nor raw samples\)/,
    );
    await expect(compare(['run-a'])).rejects.toBeInstanceOf(InputError);
  });
});

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, listen, type Gateway } from '../../infra/local/gateway/app.ts';
import { loadgate, onlyRunDir } from './loadgate.ts';
import { hasChromium, keepScreenshot, launch, openPage } from '../report/browser.ts';

/**
 * The main job as a user runs it: `loadgate run …` in a child process,
 * judged by its exit code, its output and the files under results/.
 */
let results: string;
beforeAll(async () => {
  results = await mkdtemp(join(tmpdir(), 'loadgate-results-'));
});
afterAll(async () => {
  await rm(results, { recursive: true, force: true });
});

describe('loadgate run', () => {
  it('runs the smoke profile of every journey on the local platform and passes the SLO check', async () => {
    const dir = join(results, 'smoke');
    const outcome = await loadgate(['run', 'smoke', '--results', dir, '-e', 'SMOKE_DURATION=20s']);
    expect(outcome.stderr).toContain('engine: builtin');
    expect(outcome.code, outcome.stdout + outcome.stderr).toBe(0);
    // Progress lines while the load runs, with every local deployment's replicas.
    expect(outcome.stderr).toMatch(
      /running .* VUs, .* req\/s.*replicas gw \d+ auth \d+ prod \d+ bask \d+ ord \d+ addr \d+ sav \d+ news \d+/,
    );

    const run = await onlyRunDir(dir);
    const files = await readdir(run);
    for (const file of [
      'run.json',
      'summary-mix.json',
      'aggregates.ndjson.gz',
      'server-series.json',
      'slo.json',
      'slo.md',
      'junit.xml',
    ]) {
      expect(files).toContain(file);
    }
    const record = JSON.parse(await readFile(join(run, 'run.json'), 'utf8'));
    expect(record).toMatchObject({
      profile: 'smoke',
      engine: 'builtin',
      exitCode: 0,
      interrupted: false,
    });

    // Every journey ran, and every check of every journey passed.
    const summary = JSON.parse(await readFile(join(run, 'summary-mix.json'), 'utf8'));
    for (const journey of ['browse', 'basket', 'checkout', 'sav-upload', 'newsletter']) {
      const checks = summary.metrics[`checks{journey:${journey}}`];
      expect(checks?.values.passes, journey).toBeGreaterThan(0);
      expect(checks?.values.fails, journey).toBe(0);
    }

    // The verdict came from Prometheus: the gateway's own latency was measured.
    const slo = JSON.parse(await readFile(join(run, 'slo.json'), 'utf8'));
    // Pass, or warn at most: a first run has no baseline to compare with.
    expect(slo.status).not.toBe('fail');
    for (const objective of slo.objectives.filter((o: { key: boolean }) => o.key)) {
      expect(objective.status, objective.name).toMatch(/^(pass|skipped)$/);
    }
    const p95 = slo.objectives.find((o: { name: string }) => o.name === 'gateway-p95');
    expect(p95.status).toBe('pass');
    expect(p95.value).toBeGreaterThan(0);
    expect(p95.value).toBeLessThan(1);
    expect(outcome.stdout).toMatch(/gateway-p95/);
  }, 180_000);

  it('rejects bad flags before any load, naming every problem', async () => {
    const outcome = await loadgate([
      'run',
      'warp',
      '--journey',
      'teleport',
      '--target',
      'ftp://x',
      '--results',
      results,
    ]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("unknown profile 'warp'");
    expect(outcome.stderr).toContain("unknown journey 'teleport'");
    expect(outcome.stderr).toContain("--target 'ftp://x' is not an http(s) URL");
    expect(await readdir(results)).not.toContain('warp');
  });

  describe('against a given gateway', () => {
    let gateway: Gateway;
    let target: string;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'loadgate-gateway-'));
      gateway = createGateway({ dataDir });
      target = await listen(gateway);
    });
    afterAll(async () => {
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('says which Prometheus is unreachable and exits 3 before any load (issue 12)', async () => {
      const dir = join(results, 'unreachable');
      const outcome = await loadgate([
        'run',
        'smoke',
        '--journey',
        'browse',
        '--target',
        target,
        '--prometheus',
        'http://127.0.0.1:9',
        '--slo',
        'slo/platform.yaml',
        '--results',
        dir,
        '-e',
        'SMOKE_DURATION=3s',
      ]);
      expect(outcome.code).toBe(3);
      expect(outcome.stderr).toContain('http://127.0.0.1:9');
      // Checked before the engine started: no run was made.
      expect(outcome.stderr).not.toContain('engine:');
      expect(await readdir(dir)).toEqual([]);
    }, 60_000);

    it('on Ctrl-C stops the load, writes the partial results and exits 105', async () => {
      const dir = join(results, 'interrupted');
      const outcome = await loadgate(
        [
          'run',
          'smoke',
          '--journey',
          'browse',
          '--target',
          target,
          '--no-slo',
          '--results',
          dir,
          '-e',
          'SMOKE_DURATION=60s',
        ],
        { interruptAfterMs: 3_000 },
      );
      expect(outcome.code).toBe(105);
      const run = await onlyRunDir(dir);
      const record = JSON.parse(await readFile(join(run, 'run.json'), 'utf8'));
      expect(record.interrupted).toBe(true);
      expect(await readFile(join(run, 'report.html'), 'utf8')).toContain('INTERRUPTED');
      const summary = JSON.parse(await readFile(join(run, 'summary-browse.json'), 'utf8'));
      expect(summary.metrics.http_reqs.values.count).toBeGreaterThan(0);
    }, 60_000);
  });
});

describe('loadgate run with a fault injected into the local platform', () => {
  it('catches +1.5 s on one route: the SLO check fails and names the route', async () => {
    const dir = join(results, 'breach');
    const outcome = await loadgate([
      'run',
      'smoke',
      '--journey',
      'browse',
      '--results',
      dir,
      '--latency',
      '/api/products/{id}=1500',
      '-e',
      'SMOKE_DURATION=20s',
    ]);
    expect(outcome.code, outcome.stderr).toBe(1);
    const slo = JSON.parse(await readFile(join(await onlyRunDir(dir), 'slo.json'), 'utf8'));
    expect(slo.status).toBe('fail');
    const perRoute = slo.objectives.find(
      (o: { name: string }) => o.name === 'gateway-p95-per-route',
    );
    expect(perRoute.status).toBe('fail');
    expect(perRoute.value).toBeGreaterThan(1);
    const slowest = perRoute.details.find((d: { value: number }) => d.value === perRoute.value);
    expect(slowest.labels.route).toBe('/api/products/{id}');
    expect(outcome.stdout).toMatch(/gateway-p95-per-route.*fail/);

    // slo.md and junit.xml name the slow route with its p95 and unit.
    const run = await onlyRunDir(dir);
    const named = /route="\/api\/products\/\{id\}" \d+(\.\d+)? s/;
    expect(await readFile(join(run, 'slo.md'), 'utf8')).toMatch(named);
    const junit = (await readFile(join(run, 'junit.xml'), 'utf8')).replaceAll('&#34;', '"');
    expect(junit).toMatch(new RegExp(`<failure message="fail: [^"]*${named.source}`));

    // The report leads its route table with it, beside the server side captured from Prometheus.
    if (!hasChromium) return;
    const browser = await launch();
    try {
      const { pathToFileURL } = await import('node:url');
      const { page } = await openPage(browser, pathToFileURL(join(run, 'report.html')).href);
      expect(await page.locator('#routes tr.route').first().getAttribute('data-route')).toBe(
        'GET /api/products/{id}',
      );
      expect(await page.locator('#routes tr.route').first().innerText()).toMatch(/\d+(\.\d+)? s/);
      expect(
        await page
          .locator('#server .server-chart[data-chart="hpa:api-gateway-hpa"] path.series')
          .count(),
      ).toBe(4);
      await keepScreenshot(page, 'report-fault-rehearsal.png');
    } finally {
      await browser.close();
    }
  }, 120_000);
});

import { gunzipSync } from 'node:zlib';
// loadgate run --runners: one test split over runner processes, judged once.
// Against a real Prometheus with native histograms: the global p95 of the
// merged histograms is the p95 of every sample of every runner (within the
// schema's documented relative error) while each runner's own p95 says
// something else; a runner killed midway fails runners-reported, named. The
// same tests with real k6, skipped visibly without it.
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as slo } from '../../cli/commands/slo.ts';
import { runSplit, segmentsOf } from '../../engine/split/run.ts';
import { NATIVE_RELATIVE_ERROR, TrendSink } from '../../engine/histogram.ts';
import { findK6 } from '../../engine/real-k6.ts';
import { startPrometheus, type RunningPrometheus } from '../../infra/local/prometheus.ts';
import { writeRunRecord } from '../../run-dir/record.ts';
import type { K6Summary } from '../../run-dir/summary.ts';
import type { Verdict } from '../../slo/verdict.ts';
import { serve, type TestServer } from '../engine/server.ts';

const SCRIPT = join(import.meta.dirname, '..', 'engine', 'scripts', 'split.js');

let prom: RunningPrometheus;
let server: TestServer;
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-runners-'));
  prom = await startPrometheus({ config: 'global:\n  scrape_interval: 15s\n' });
  // Deterministic spreads: fast 5–45 ms, slow 200–400 ms.
  let n = 0;
  server = await serve((req, res) => {
    const i = n++;
    const ms = req.url?.startsWith('/slow') ? 200 + ((i * 37) % 200) : 5 + ((i * 7) % 40);
    setTimeout(() => res.end('ok'), ms);
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await server?.close();
  await prom?.stop();
  await rm(tmp, { recursive: true, force: true });
});

it("splits in k6's segments of one sequence", () => {
  expect(segmentsOf(3)).toEqual({
    sequence: '0,1/3,2/3,1',
    segments: ['0:1/3', '1/3:2/3', '2/3:1'],
  });
  expect(segmentsOf(4).segments).toEqual(['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1']);
});

/** A split run of the script, recorded as loadgate run records it, then `slo check --run`. */
async function splitRun(
  engine: 'builtin' | 'k6',
  name: string,
  env: Record<string, string>,
  kill?: { instance: string; afterMs: number },
) {
  const runDir = join(tmp, `${engine}-${name}`);
  const testid = `${engine}-${name}-${Date.now()}`;
  const startedAt = new Date();
  const result = await runSplit({
    runners: 3,
    runDir,
    testid,
    engine,
    invocation: {
      script: SCRIPT,
      env: { BASE_URL: server.url, ...env },
      remoteWrite: { url: `${prom.url}/api/v1/write`, nativeHistograms: true },
    },
    onSpawn: (instance, child) => {
      if (instance === kill?.instance) setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
    },
  });
  const record = await writeRunRecord(runDir, {
    id: testid,
    profile: 'capacity',
    target: server.url,
    engine: result.engine,
    scripts: [SCRIPT],
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    exitCode: result.exitCode,
    interrupted: false,
    prometheusUrl: prom.url,
    testid,
    runners: result.runners,
  });
  const spec = join(runDir, 'spec.yaml');
  await writeFile(
    spec,
    JSON.stringify({
      apiVersion: 'loadgate/v1',
      kind: 'SLO',
      metadata: { name: 'split' },
      window: { warmup: '0s' },
      objectives: [
        { name: 'k6-thresholds', kind: 'client', check: 'thresholds' },
        {
          name: 'k6-http-p95',
          kind: 'client',
          check: 'metric',
          metric: 'http_req_duration',
          stat: 'p(95)',
          bound: 1000,
        },
        { name: 'runners-reported', kind: 'runners-reported', key: true },
      ],
    }),
  );
  const code = await slo(['check', '--spec', spec, '--run', runDir, '--quiet']);
  const verdict = JSON.parse(await readFile(join(runDir, 'slo.json'), 'utf8')) as Verdict;
  return { runDir, record, result, code, verdict };
}

/** Every http_req_duration sample (ms) of one runner, from its metrics.ndjson.gz. */
async function samples(runDir: string, instance: string): Promise<number[]> {
  const text = gunzipSync(await readFile(join(runDir, instance, 'metrics.ndjson.gz'))).toString();
  return text
    .split('\n')
    .filter((l) => l.includes('"metric":"http_req_duration"') && l.includes('"Point"'))
    .map((l) => (JSON.parse(l) as { data: { value: number } }).data.value);
}

function p95(values: number[]): number {
  const sink = new TrendSink();
  for (const v of values) sink.add(v);
  return sink.percentile(0.95);
}

const ENGINES = [
  { engine: 'builtin' as const, skip: false, label: 'built-in engine' },
  {
    engine: 'k6' as const,
    skip: findK6() === undefined,
    label: 'real k6 (skipped: k6 not on PATH, set K6_BIN)',
  },
];

for (const { engine, skip, label } of ENGINES)
  describe(`loadgate run --runners 3: ${label}`, () => {
    it.skipIf(skip)(
      'judges the merged histograms: the global p95 is the p95 of all samples, not of any runner',
      { timeout: 120_000 },
      async () => {
        const { runDir, result, verdict } = await splitRun(engine, 'slow', {});
        expect(result.runners.map((r) => [r.instance, r.segment])).toEqual([
          ['runner-1', '0:1/3'],
          ['runner-2', '1/3:2/3'],
          ['runner-3', '2/3:1'],
        ]);
        // Each runner judged its slice: the fast ones pass p(95)<150, the slow one fails it.
        const own = await Promise.all(
          ['runner-1', 'runner-2', 'runner-3'].map(async (r) => {
            const s = JSON.parse(
              await readFile(join(runDir, r, 'summary-split.json'), 'utf8'),
            ) as K6Summary;
            return s.metrics.http_req_duration!.thresholds!['p(95)<150']!.ok;
          }),
        );
        expect(own).toEqual([true, true, false]);
        expect(result.runners.map((r) => r.exitCode)).toEqual([0, 0, 99]);

        const all = (
          await Promise.all(['runner-1', 'runner-2', 'runner-3'].map((r) => samples(runDir, r)))
        ).flat();
        const exact = p95(all);
        const byName = new Map(verdict.objectives.map((o) => [o.name, o]));
        const global = byName.get('k6-http-p95')!;
        expect(global.query).toMatch(
          /^1000 \* histogram_quantile\(0\.95, sum\(k6_http_req_duration_seconds\{testid="/,
        );
        expect(Math.abs(global.value! - exact) / exact).toBeLessThanOrEqual(NATIVE_RELATIVE_ERROR);
        // A third of the requests is slow: the whole test's p95 is a slow one, its threshold fails once.
        expect(exact).toBeGreaterThan(150);
        expect(result.failedThresholds).toEqual(['http_req_duration: p(95)<150']);
        expect(result.exitCode).toBe(99);
        expect(byName.get('k6-thresholds')).toMatchObject({ status: 'fail', value: 1 });
        expect(
          byName.get('runners-reported'),
          byName.get('runners-reported')!.message,
        ).toMatchObject({ status: 'pass', value: 3 });
      },
    );

    it.skipIf(skip)(
      'fails the verdict on a runner killed midway, naming it',
      { timeout: 120_000 },
      async () => {
        const { result, verdict, code } = await splitRun(
          engine,
          'killed',
          { DURATION: '25s' },
          { instance: 'runner-2', afterMs: 2500 },
        );
        expect(result.runners.find((r) => r.instance === 'runner-2')!.exitCode).not.toBe(0);
        const reported = verdict.objectives.find((o) => o.name === 'runners-reported')!;
        expect(reported.status).toBe('fail');
        expect(reported.value).toBe(2);
        expect(reported.message).toMatch(/^missing: runner-2 /);
        expect(verdict.status).toBe('fail');
        expect(code).toBe(1);
      },
    );
  });

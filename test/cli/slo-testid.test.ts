// `loadgate slo check --testid` for a test loadgate did not start (a
// k6-operator TestRun split over runners): the window is found from the
// testid's own samples, every client objective reads the runners' series
// merged (latency from the summed native histograms), and a runner that
// stopped early fails runners-reported, named.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { main } from '../../cli/commands/slo.ts';
import { InputError } from '../../core/errors.ts';
import { Registry } from '../../engine/metrics.ts';
import { remoteWriteOutput } from '../../engine/outputs/remote-write.ts';
import { startPrometheus, type RunningPrometheus } from '../../infra/local/prometheus.ts';
import type { Verdict } from '../../slo/verdict.ts';

let dir: string;
let prom: RunningPrometheus;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-slo-testid-'));
  prom = await startPrometheus({ config: 'global:\n  scrape_interval: 15s\n' });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await prom?.stop();
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A runner of an operator test: pushes every 200 ms while it "runs", then once more at its end. */
async function runner(testid: string, instance: string, latencyMs: number, runMs: number) {
  const registry = new Registry();
  const output = remoteWriteOutput({
    url: `${prom.url}/api/v1/write`,
    nativeHistograms: true,
    pushIntervalMs: 200,
  });
  output.start(registry, []);
  // k6's --tag testid=… --tag instance=…: on every sample.
  const tags = { testid, instance };
  const started = Date.now();
  while (Date.now() - started < runMs) {
    registry.add(registry.get('vus'), 5, tags, Date.now());
    for (let i = 0; i < 20; i++) {
      registry.add(registry.get('http_reqs'), 1, { ...tags, status: '200' }, Date.now());
      registry.add(
        registry.get('http_req_duration'),
        latencyMs,
        { ...tags, status: '200' },
        Date.now(),
      );
      registry.add(registry.get('checks'), 1, { ...tags, check: 'ok' }, Date.now());
    }
    await sleep(100);
  }
  await output.stop();
}

async function check(testid: string, runners: number): Promise<{ code: number; verdict: Verdict }> {
  const spec = join(dir, 'spec.yaml');
  await writeFile(
    spec,
    JSON.stringify({
      apiVersion: 'loadgate/v1',
      kind: 'SLO',
      metadata: { name: 'operator-split' },
      window: { warmup: '0s' },
      objectives: [
        {
          name: 'k6-http-p95',
          kind: 'client',
          check: 'metric',
          metric: 'http_req_duration',
          stat: 'p(95)',
          bound: 300,
        },
        { name: 'k6-checks', kind: 'client', check: 'checks', bound: 0.99 },
        { name: 'runners', kind: 'runners-reported', within: '2s' },
      ],
    }),
  );
  const out = join(dir, testid);
  const code = await main([
    'check',
    '--spec',
    spec,
    '--prometheus',
    prom.url,
    '--testid',
    testid,
    '--var',
    `runners=${runners}`,
    '--out',
    out,
    '--quiet',
  ]);
  return { code, verdict: JSON.parse(await readFile(join(out, 'slo.json'), 'utf8')) };
}

it('judges the merged runners of a testid over its own window', async () => {
  // Two fast runners and a slow one: 2/3 of the requests at 50 ms, 1/3 at 400 ms.
  await Promise.all([
    runner('op-split-1', 'runner-1', 50, 1500),
    runner('op-split-1', 'runner-2', 50, 1500),
    runner('op-split-1', 'runner-3', 400, 1500),
  ]);
  const { code, verdict } = await check('op-split-1', 3);
  const byName = new Map(verdict.objectives.map((o) => [o.name, o]));
  const p95 = byName.get('k6-http-p95')!;
  // The slow third is above the 95th percentile: the global p95 is the slow runner's, failing.
  expect(p95.query).toBe(
    '1000 * histogram_quantile(0.95, sum(k6_http_req_duration_seconds{testid="op-split-1"}))',
  );
  expect(p95.status).toBe('fail');
  expect(p95.value! / 400).toBeGreaterThan(0.9);
  expect(p95.value! / 400).toBeLessThan(1.1);
  expect(byName.get('k6-checks')!.status).toBe('pass');
  expect(byName.get('runners')).toMatchObject({ status: 'pass', value: 3 });
  expect(code).toBe(1);
});

it('fails runners-reported naming the runner that stopped early', async () => {
  await Promise.all([
    runner('op-split-2', 'runner-1', 50, 4000),
    runner('op-split-2', 'runner-2', 50, 800),
  ]);
  const { verdict } = await check('op-split-2', 2);
  const runners = verdict.objectives.find((o) => o.name === 'runners')!;
  expect(runners.status).toBe('fail');
  expect(runners.message).toMatch(/missing: runner-2 \(stopped/);
  expect(runners.message).not.toMatch(/runner-1/);
});

it('refuses a testid without samples before judging (exit 2)', async () => {
  await expect(check('nobody-ran-this', 1)).rejects.toBeInstanceOf(InputError);
});

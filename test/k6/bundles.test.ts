// The committed bundles themselves (minified, es2017, zod inlined): init code
// refuses bad configuration, and each bundle's exports run a full iteration
// against the local platform gateway through the k6 shim with real HTTP.
// Then, when available, the same bundles under real k6 and the built-in engine.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JOURNEYS, MIX_EXEC as CATALOGUE_MIX_EXEC } from '../../lib/catalogue.ts';
import { root, startLocalGateway, type LocalGateway } from './local-gateway.ts';
import { k6Globals } from './shim/globals.ts';
import { realHttp, type RealHttp } from './shim/real-http.ts';
import { failedChecks, reset } from './shim/state.ts';

vi.mock('k6', () => import('./shim/k6.ts'));
vi.mock('k6/http', () => import('./shim/http.ts'));
vi.mock('k6/metrics', () => import('./shim/metrics.ts'));
vi.mock('k6/data', () => import('./shim/data.ts'));
vi.mock('k6/execution', () => import('./shim/execution.ts'));

const run = promisify(execFile);
const SINGLE = [...JOURNEYS];
const MIX_EXEC = JOURNEYS.map((j) => CATALOGUE_MIX_EXEC[j]);

interface Bundle {
  options: { scenarios: Record<string, { exec?: string; tags: Record<string, string> }> };
  setup(): unknown;
  default?: (data: unknown) => void;
  handleSummary(data: unknown): Record<string, string>;
  [exec: string]: unknown;
}

let gateway: LocalGateway;
let http: RealHttp;
beforeAll(async () => {
  gateway = await startLocalGateway();
  http = realHttp();
});
afterAll(async () => {
  await http?.close();
  await gateway?.stop();
});

/** Evaluates a bundle's init code with this __ENV, as a new VU would. */
async function load(name: string, env: Record<string, string>): Promise<Bundle> {
  vi.resetModules();
  k6Globals({ vu: 1, iter: 0, env });
  return (await import(`../../k6-bundles/${name}.js`)) as Bundle;
}

describe('bundles', () => {
  it.each([...SINGLE, 'mix'])(
    '%s.js stops in init code on bad configuration, naming every variable',
    async (name) => {
      await expect(load(name, { PROFILE: 'huge', WEIGHTS: 'browse=x' })).rejects.toThrow(
        /BASE_URL is required[\s\S]*PROFILE must be one of[\s\S]*WEIGHTS entry "browse=x"/,
      );
    },
  );

  it.each(SINGLE)(
    '%s.js runs an iteration against the local gateway with every check passing',
    async (name) => {
      const bundle = await load(name, {
        BASE_URL: gateway.url,
        THINK_TIME: '0',
        RESULTS_DIR: 'results/x',
      });
      expect(Object.keys(bundle.options.scenarios)).toEqual([name]);
      reset(http.respond);
      const data = bundle.setup();
      bundle.default?.(data);
      expect(failedChecks()).toEqual([]);
      const outputs = bundle.handleSummary({
        metrics: {},
        root_group: { name: '', groups: [], checks: [] },
      });
      expect(Object.keys(outputs)).toEqual([
        'stdout',
        `results/x/summary-${name}.json`,
        `results/x/summary-${name}.txt`,
      ]);
    },
  );

  it('mix.js runs each journey through its own exec function', async () => {
    const bundle = await load('mix', { BASE_URL: gateway.url, THINK_TIME: '0' });
    expect(Object.values(bundle.options.scenarios).map((s) => s.exec)).toEqual(MIX_EXEC);
    reset(http.respond);
    const data = bundle.setup();
    for (const exec of MIX_EXEC) (bundle[exec] as (d: unknown) => void)(data);
    expect(failedChecks()).toEqual([]);
  });
});

// Real k6 and the built-in engine run the smoke profile end to end (short).
const k6 =
  process.env.K6_BIN ??
  (await run('sh', ['-c', 'command -v k6']).then(
    (r) => r.stdout.trim(),
    () => '',
  ));
const engine = existsSync(join(root, 'cli/commands/k6.ts'));
const runners = [
  { name: 'real k6', available: k6 !== '', why: 'k6 not on PATH (set K6_BIN)', cmd: [k6, 'run'] },
  {
    name: 'built-in engine',
    available: engine,
    why: 'cli/commands/k6.ts not there yet',
    cmd: [process.execPath, join(root, 'bin/loadgate.mjs'), 'k6', 'run'],
  },
];

/** Runs a k6-style CLI; the env has no BASE_URL (vitest sets BASE_URL=/, and k6 reads the system env). */
async function k6Run(cmd: string[], args: string[]): Promise<{ code: number; out: string }> {
  const [bin, ...rest] = cmd as [string, ...string[]];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.BASE_URL;
  return run(bin, [...rest, ...args], { cwd: root, env, maxBuffer: 16 * 1024 * 1024 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      out: e.stdout + e.stderr,
    }),
  );
}

for (const runner of runners) {
  const title = `bundles under ${runner.name}${runner.available ? '' : ` (skipped: ${runner.why})`}`;
  describe.skipIf(!runner.available)(title, () => {
    // All six smoke runs at once: each is light (2 VUs, short pauses) and most of a run is
    // waiting (the 30 s graceful stop of the smoke scenarios).
    const runs = new Map<string, Promise<{ code: number; out: string }>>();
    beforeAll(() => {
      for (const name of [...SINGLE, 'mix']) {
        const env = [
          '-e',
          `BASE_URL=${gateway.url}`,
          '-e',
          'SMOKE_DURATION=3s',
          '-e',
          'THINK_TIME=0.1',
        ];
        runs.set(name, k6Run(runner.cmd, [...env, join(root, 'k6-bundles', `${name}.js`)]));
      }
    });

    it.each([...SINGLE, 'mix'])('%s.js smoke passes every check and threshold', async (name) => {
      const result = await runs.get(name)!;
      expect(result.out).toContain(`loadgate · ${name}`);
      expect(result.out).toContain('checks  100.00%');
      expect(result.out).not.toMatch(/^ {2}✗/m);
      expect(result.code, result.out).toBe(0);
    });

    it('bad configuration exits 107 before any load, naming the variable', async () => {
      const result = await k6Run(runner.cmd, [join(root, 'k6-bundles/browse.js')]);
      expect(result.code).toBe(107);
      expect(result.out).toContain('BASE_URL is required');
    });
  });
}

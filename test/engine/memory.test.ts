import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { runScript } from '../../engine/index.ts';
import { runTest, type RunConfig } from '../../engine/runner.ts';

// The machine's free memory as the engine reads it (os.freemem), made to run
// out on cue: a real machine running out would take the test runner with it.
const machine = vi.hoisted(() => ({ free: undefined as (() => number) | undefined }));
vi.mock('node:os', async (importOriginal) => {
  const os = await importOriginal<typeof import('node:os')>();
  return { ...os, freemem: () => machine.free?.() ?? os.freemem() };
});

let dir: string | undefined;
afterEach(async () => {
  machine.free = undefined;
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `source` as script.js in a fresh directory (`dir`, removed after the test). */
async function scriptFile(source: string): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-memory-'));
  const script = join(dir, 'script.js');
  await writeFile(script, source);
  return script;
}

/** Runs `script` on the engine in this process, the terminal's text kept; its outcome and stderr. */
async function runInProcess(script: string, config: Partial<RunConfig> = {}) {
  const stderr: string[] = [];
  const outcome = await runTest({
    script,
    env: {},
    overrides: {},
    outputs: [],
    stdout: () => undefined,
    stderr: (t) => void stderr.push(t),
    ...config,
  });
  return { ...outcome, stderr: stderr.join('') };
}

/** Runs a trivial script with these options on the built-in engine; its exit code and stderr. */
async function runWith(options: string): Promise<{ exitCode: number; stderr: string }> {
  const script = await scriptFile(
    `export const options = ${options};\nexport default function () {}\n`,
  );
  const stderr: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  const { exitCode } = await runScript({ script, engine: 'builtin', quiet: true });
  return { exitCode, stderr: stderr.join('') };
}

// Built-in engine only: a VU is a thread of ~6 MB there, so a test that
// cannot fit is refused before any VU starts instead of dying out of memory.
it('refuses, before any VU starts, a test whose VUs cannot fit in memory', async () => {
  const result = await runWith("{ vus: 1000000, duration: '1s' }");
  expect(result.exitCode).toBe(104);
  expect(result.stderr).toMatch(/start 1000000 VUs at once: about .* GiB .* real k6/s);
});

it('refuses more VU threads than one process may map (vm.max_map_count) when the split over processes is forced off', async () => {
  // 1,800 VUs in one process: ~72,000 mappings, over Linux's default 65,530
  // (without the forced limit they would run in two engine processes).
  vi.stubEnv('LOADGATE_VUS_PER_PROCESS', '100000');
  const result = await runWith("{ vus: 1800, duration: '1s' }");
  expect(result.exitCode).toBe(104);
  expect(result.stderr).toMatch(/1800 VUs at once.*(max_map_count|has free)/s);
});

it('stops starting VUs, before any load, when free memory runs out while they start', async () => {
  // Plenty for the checks before the VUs start, then nothing after a few VUs.
  let reads = 0;
  machine.free = () => (++reads <= 8 ? 16 * 2 ** 30 : 0);
  const script = await scriptFile(
    "import http from 'k6/http';\nexport const options = { vus: 40, duration: '5s' };\n" +
      "export default function () { http.get('http://127.0.0.1:9/'); }\n",
  );
  const { exitCode, summary, stderr } = await runInProcess(script, { noSummary: true });
  expect(exitCode).toBe(104);
  expect(stderr).toMatch(
    /ran out of free memory while the VUs started: \d+ of 40 started, 0\.0 GiB free .*no load was sent/s,
  );
  expect(summary?.metrics.http_reqs?.values.count ?? 0).toBe(0);
});

it('stops a running test whose VUs outgrow the machine, with its results written (exit 104)', async () => {
  const script = await scriptFile(
    "import { sleep } from 'k6';\nexport const options = { vus: 2, duration: '60s' };\n" +
      'export default function () { sleep(0.1); }\n',
  );
  const exportPath = join(dirname(script), 'summary.json');
  let outOfMemoryAt = Infinity;
  machine.free = () => (Date.now() < outOfMemoryAt ? 16 * 2 ** 30 : 2 ** 20);
  const started = Date.now();
  const { exitCode, stderr } = await runInProcess(script, {
    summaryExport: exportPath,
    progress: (p) => {
      // Once the load runs, the machine runs out.
      if (p.iterations > 0 && outOfMemoryAt === Infinity) outOfMemoryAt = Date.now() + 1000;
    },
  });
  expect(exitCode).toBe(104);
  expect(Date.now() - started).toBeLessThan(30_000); // stopped, not run to its 60 s
  expect(stderr).toMatch(
    /the machine is out of memory: 0\.0 GiB free of .* with 2 VUs running; the test was stopped to keep its results/,
  );
  const written = JSON.parse(await readFile(exportPath, 'utf8')) as {
    metrics: { iterations: { count: number } };
  };
  expect(written.metrics.iterations.count).toBeGreaterThan(5);
});

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTest, type ProgressState } from '../../engine/runner.ts';

/**
 * A run spread over child engine processes (forced with a low
 * LOADGATE_VUS_PER_PROCESS) must read as one process's run: the same
 * summary figures, the same thresholds passing or failing, the same exit code.
 */
const script = join(import.meta.dirname, 'conformance', 'split.js');
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-split-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

type Summary = {
  metrics: Record<string, Record<string, number> & { thresholds?: Record<string, boolean> }>;
  root_group: { checks: Record<string, { passes: number; fails: number }> };
};

async function k6run(env: Record<string, string>, perProcess?: number) {
  const summaryExport = join(tmp, `${Math.random().toString(16).slice(2)}.json`);
  const args = ['bin/loadgate.mjs', 'k6', 'run', '--engine', 'builtin', '--quiet'];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  args.push('--summary-export', summaryExport, script);
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        ...(perProcess ? { LOADGATE_VUS_PER_PROCESS: String(perProcess) } : {}),
      },
    });
    let text = '';
    child.stderr.on('data', (c) => (text += c));
    child.on('close', (c) => resolve({ code: c, stderr: text }));
  });
  const summary = JSON.parse(await readFile(summaryExport, 'utf8')) as Summary;
  return { code, stderr, summary };
}

/** What must be the same, whatever the number of processes: every count, rate, check and threshold. */
function figures(s: Summary) {
  const m = s.metrics;
  const thresholds = Object.fromEntries(
    Object.entries(m).flatMap(([name, v]) =>
      Object.entries(v.thresholds ?? {}).map(([t, failed]) => [`${name}: ${t}`, failed]),
    ),
  );
  return {
    metrics: Object.keys(m).sort(),
    iterations: m.iterations!.count,
    work: m.work_done!.count,
    even: m.even_iterations!.value,
    checks: [m.checks!.passes, m.checks!.fails],
    dropped: m.dropped_iterations?.count ?? 0,
    vusMax: m.vus_max!.max,
    rootChecks: s.root_group.checks,
    thresholds,
  };
}

describe('one run over several engine processes', () => {
  it(
    'gives the summary, thresholds and exit code of one process',
    { timeout: 180_000 },
    async () => {
      const one = await k6run({});
      const split = await k6run({}, 4);
      expect(one.stderr).not.toMatch(/engine processes/);
      expect(split.stderr).toMatch(/14 VUs in 4 engine processes/);
      expect(one.code).toBe(0);
      expect(split.code).toBe(0);
      expect(figures(split.summary)).toEqual(figures(one.summary));
      expect(figures(split.summary)).toMatchObject({ iterations: 77, work: 77, checks: [77, 0] });
      // Trends are merged from every process's samples: as many durations as iterations.
      expect(split.summary.metrics.iteration_duration!.max).toBeGreaterThan(15);
    },
  );

  it(
    'fails the same thresholds (exit 99) and stops on test.abort() in any process (exit 108)',
    { timeout: 180_000 },
    async () => {
      const [one, split] = [await k6run({ FAIL: '1' }), await k6run({ FAIL: '1' }, 4)];
      expect(one.code).toBe(99);
      expect(split.code).toBe(99);
      expect(figures(split.summary).thresholds).toEqual(figures(one.summary).thresholds);
      expect(split.stderr).toMatch(/thresholds on metrics 'iterations\{scenario:pervu\}'/);

      const aborted = await k6run({ ABORT: '1' }, 4);
      expect(aborted.code).toBe(108);
      expect(aborted.stderr).toMatch(/test aborted: enough/);
      expect(aborted.summary.metrics.iterations!.count).toBeLessThan(77);
    },
  );
});

describe('the progress line of a run over several engine processes', () => {
  it('shows the VUs and iterations of all of them', { timeout: 120_000 }, async () => {
    const path = join(tmp, 'progress.js');
    await writeFile(
      path,
      "import { sleep } from 'k6';\n" +
        'export const options = { scenarios: {\n' +
        "  closed: { executor: 'constant-vus', vus: 6, duration: '3s' },\n" +
        // No VU before the first arrival: each process grows its own (vus_max counts them).
        "  grow: { executor: 'constant-arrival-rate', rate: 4, duration: '2s', preAllocatedVUs: 0, maxVUs: 2, exec: 'slow' },\n" +
        '} };\n' +
        'export default function () { sleep(0.1); }\n' +
        'export function slow() { sleep(0.5); }\n',
    );
    const states: ProgressState[] = [];
    const before = process.env.LOADGATE_VUS_PER_PROCESS;
    process.env.LOADGATE_VUS_PER_PROCESS = '2';
    let stderr = '';
    try {
      const { exitCode, summary } = await runTest({
        script: path,
        env: {},
        overrides: {},
        outputs: [],
        quiet: true,
        stdout: () => undefined,
        stderr: (t) => void (stderr += t),
        progress: (s) => states.push(s),
      });
      expect(exitCode).toBe(0);
      expect(stderr).toMatch(/6 VUs in 4 engine processes/);
      // More VUs at once than any one process holds, and the final count is the summary's.
      expect(Math.max(...states.map((s) => s.vus))).toBeGreaterThanOrEqual(6);
      expect(summary!.metrics.vus_max!.values.max).toBe(8);
      const last = states.at(-1)!;
      expect(last.done).toBe(true);
      expect(last.iterations).toBe(summary!.metrics.iterations!.values.count);
      expect(last.iterations).toBeGreaterThan(6 * 10);
    } finally {
      if (before === undefined) delete process.env.LOADGATE_VUS_PER_PROCESS;
      else process.env.LOADGATE_VUS_PER_PROCESS = before;
    }
  });
});

describe('an engine process that dies', () => {
  it(
    'ends the test with exit 107 naming it, the summary still written',
    { timeout: 180_000 },
    async () => {
      const path = join(tmp, 'long.js');
      await writeFile(
        path,
        "import { sleep } from 'k6';\n" +
          "export const options = { vus: 4, duration: '60s' };\n" +
          'export default function () { sleep(0.1); }\n',
      );
      const summaryExport = join(tmp, 'killed.json');
      const child = spawn(
        process.execPath,
        [
          'bin/loadgate.mjs',
          'k6',
          'run',
          '--engine',
          'builtin',
          '--quiet',
          '--summary-export',
          summaryExport,
          path,
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, LOADGATE_VUS_PER_PROCESS: '2' },
        },
      );
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      const exited = new Promise<number | null>((r) => child.on('close', r));
      // As the kernel's OOM killer would: one engine process of the two, at once.
      let engines: number[] = [];
      while (engines.length < 2) {
        await new Promise((r) => setTimeout(r, 200));
        engines = await childPids(child.pid!);
      }
      process.kill(engines[0]!, 'SIGKILL');
      expect(await exited).toBe(107);
      expect(stderr).toMatch(/engine process \d of 2 ended unexpectedly \(SIGKILL\)/);
      const summary = JSON.parse(await readFile(summaryExport, 'utf8')) as Summary;
      expect(summary.metrics.vus_max).toBeDefined();
    },
  );
});

/** The engine processes `pid` started (not its esbuild service). */
function childPids(pid: number): Promise<number[]> {
  return new Promise((resolve) => {
    const ps = spawn('pgrep', ['-P', String(pid), '-f', 'child-engine'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    ps.stdout.on('data', (c) => (out += c));
    ps.on('close', () => resolve(out.split('\n').filter(Boolean).map(Number)));
  });
}

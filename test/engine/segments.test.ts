import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../engine/index.ts';
import { findK6, k6Command } from '../../engine/real-k6.ts';

/**
 * A test split in thirds with --execution-segment, as k6-operator splits it
 * over three runners: each instance runs its share, and the three add up to
 * the whole test, executor by executor. The same expectations for the
 * built-in engine and real k6 (skipped visibly without it).
 */
const script = join(import.meta.dirname, 'conformance', 'segments.js');
const THIRDS = '0,1/3,2/3,1';
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-segments-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

type Share = {
  iterations: number;
  dropped: number;
  iterationInTest: number[];
  iterationInInstance: number[];
  vusInitialized: number;
  vus: Set<number>;
};

/** One instance's run: per scenario, its iterations, drops, iteration numbers and VU ids in the test. */
async function runSegment(engine: 'builtin' | 'k6', segment?: string) {
  const outJson = join(tmp, `${engine}-${Math.random().toString(16).slice(2)}.ndjson`);
  const { exitCode } = await runScript({
    script,
    engine,
    outJson,
    quiet: true,
    ...(segment && { executionSegment: segment, executionSegmentSequence: THIRDS }),
  });
  const shares = new Map<string, Share>();
  for (const line of (await readFile(outJson, 'utf8')).split('\n')) {
    if (!line) continue;
    const p = JSON.parse(line) as {
      type: string;
      metric: string;
      data: { value: number; tags?: Record<string, string> };
    };
    const name = p.data.tags?.scenario;
    if (p.type !== 'Point' || !name) continue;
    let s = shares.get(name);
    if (!s)
      shares.set(
        name,
        (s = {
          iterations: 0,
          dropped: 0,
          iterationInTest: [],
          iterationInInstance: [],
          vusInitialized: 0,
          vus: new Set(),
        }),
      );
    if (p.metric === 'iterations') s.iterations += p.data.value;
    else if (p.metric === 'dropped_iterations') s.dropped += p.data.value;
    else if (p.metric === 'iteration_in_test') s.iterationInTest.push(p.data.value);
    else if (p.metric === 'vu_in_test') s.vus.add(p.data.value);
    else if (p.metric === 'iteration_in_instance') s.iterationInInstance.push(p.data.value);
    else if (p.metric === 'vus_initialized')
      s.vusInitialized = Math.max(s.vusInitialized, p.data.value);
  }
  return { exitCode, shares };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

const engines = [
  { engine: 'builtin' as const, skip: false, label: 'built-in engine' },
  {
    engine: 'k6' as const,
    skip: findK6() === undefined,
    label: 'real k6 (skipped: k6 not on PATH, set K6_BIN)',
  },
];

for (const { engine, skip, label } of engines)
  describe(`execution segments: ${label}`, () => {
    it.skipIf(skip)(
      'three segments of each executor add up to the unsplit test',
      { timeout: 120_000 },
      async () => {
        const whole = await runSegment(engine);
        const parts: Awaited<ReturnType<typeof runSegment>>[] = [];
        for (const segment of ['0:1/3', '1/3:2/3', '2/3:1'])
          parts.push(await runSegment(engine, segment));
        for (const r of [whole, ...parts]) expect(r.exitCode).toBe(0);
        const of = (name: string) => parts.map((p) => p.shares.get(name));
        const total = (name: string, f: (s: Share) => number) =>
          of(name).reduce((n, s) => n + (s ? f(s) : 0), 0);
        const arrivals = (s: Share) => s.iterations + s.dropped;

        // The iteration-count executors and the arrival rates: exactly the whole test.
        expect(whole.shares.get('shared')!.iterations).toBe(20);
        expect(total('shared', (s) => s.iterations)).toBe(20);
        expect(whole.shares.get('pervu')!.iterations).toBe(15);
        expect(total('pervu', (s) => s.iterations)).toBe(15);
        expect(total('car', arrivals)).toBe(arrivals(whole.shares.get('car')!));
        expect(total('rar', arrivals)).toBe(arrivals(whole.shares.get('rar')!));
        // k6's shares of them: 4 VUs → 2, 1, 1; 20 shared iterations → 7, 7, 6.
        expect(of('shared').map((s) => s?.iterations)).toEqual([7, 7, 6]);
        expect(of('pervu').map((s) => s?.iterations)).toEqual([6, 6, 3]);

        // exec.scenario.iterationInTest: each of the whole test's iterations is
        // run by exactly one instance.
        for (const name of ['shared', 'car', 'rar']) {
          const numbers = of(name).flatMap((s) => s?.iterationInTest ?? []);
          const arrived = arrivals(whole.shares.get(name)!);
          expect(new Set(numbers).size).toBe(numbers.length);
          if (total(name, (s) => s.dropped) === 0) expect(sorted(numbers)).toEqual(range(arrived));
        }
        // exec.scenario.iterationInInstance counts this instance's own, from 0;
        // exec.instance.vusInitialized, this instance's VUs (2+2+2+2+1+1 = 10 in the first third).
        for (const s of of('shared'))
          expect(sorted(s!.iterationInInstance)).toEqual(range(s!.iterations));
        expect(parts[0]!.shares.get('shared')!.vusInitialized).toBe(10);
        expect(whole.shares.get('shared')!.vusInitialized).toBe(23);
        // The closed-loop executors: each instance runs its share of the VUs.
        expect(of('constant').map((s) => s?.vus.size)).toEqual([2, 1, 1]);
        expect(of('ramping').map((s) => s?.vus.size)).toEqual([2, 1, 1]);
        // exec.vu.idInTest: no two instances have a VU of the same number.
        const ids = parts.flatMap((p) => [...p.shares.values()].flatMap((s) => [...s.vus]));
        expect(new Set(ids).size).toBe(ids.length);
      },
    );
  });

describe('execution segments: loadgate k6 run flags', () => {
  it('hands the segment and its sequence to real k6 as its own flags', () => {
    const { args } = k6Command({
      script: 'x.js',
      executionSegment: '1/3:2/3',
      executionSegmentSequence: THIRDS,
    });
    expect(args.join(' ')).toContain(
      '--execution-segment 1/3:2/3 --execution-segment-sequence 0,1/3,2/3,1',
    );
  });

  it('refuses a malformed segment or one not in the sequence (exit 2) before any load', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['bin/loadgate.mjs', 'k6', 'run', '--engine', 'builtin', ...args, script],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (c) => (stderr += c));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const bad = await run(['--execution-segment', '2/3:1/3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid --execution-segment '2\/3:1\/3'.*less than its end/);
    expect(bad.stderr).not.toMatch(/engine: builtin/);
    const outside = await run([
      '--execution-segment',
      '0:1/2',
      '--execution-segment-sequence',
      THIRDS,
    ]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/couldn't find segment 0:1\/2 in sequence 0,1\/3,2\/3,1/);
  });
});

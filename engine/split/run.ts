// `loadgate run <profile> --runners N`: one test split over N runner
// processes on this machine, as k6-operator splits a TestRun over N pods. Each
// runner is `k6 run` (real k6 when present, else `loadgate k6 run` with the
// built-in engine: the same argv either way) with its --execution-segment of
// one shared --execution-segment-sequence, `--tag instance=runner-i` and the
// run's `--tag testid`, remote-writing into the one Prometheus. Each keeps its
// own summaries, metrics and log under results/<run-id>/runner-i/; the run's
// summary is their merge (merge.ts), its thresholds judged once.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerInstance } from './instance.ts';
import { mergeRunnerSummaries } from './merge.ts';
import { engineOf } from '../index.ts';
import { k6Command, type K6Invocation } from '../real-k6.ts';
import { VU_PROCESS_FLAGS } from '../vu-host.ts';
import { EXIT } from '../../core/errors.ts';
import { RUN_FILES } from '../../run-dir/files.ts';
import type { RunRecord } from '../../run-dir/record.ts';
import { readValidSummaries } from '../../run-dir/summary.ts';

const LOADGATE = fileURLToPath(new URL('../../bin/loadgate.mjs', import.meta.url));

/** k6's segments for N equal parts: the sequence `0,1/3,2/3,1` and runner i's `1/3:2/3`. */
export function segmentsOf(n: number): { sequence: string; segments: string[] } {
  const point = (i: number) => {
    if (i === 0) return '0';
    if (i === n) return '1';
    const d = gcd(i, n);
    return `${i / d}/${n / d}`;
  };
  const points = Array.from({ length: n + 1 }, (_, i) => point(i));
  return {
    sequence: points.join(','),
    segments: points.slice(1).map((to, i) => `${points[i]}:${to}`),
  };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export type SplitRunOptions = {
  runners: number;
  runDir: string;
  /** The run's id: every runner's `testid`. */
  testid: string;
  /** What a single run would be given: the script, its -e values, the remote write. */
  invocation: Omit<
    K6Invocation,
    'outJson' | 'executionSegment' | 'executionSegmentSequence' | 'tags'
  >;
  engine: 'auto' | 'builtin' | 'k6';
  signal?: AbortSignal;
  /** Told each runner's process once it runs (tests kill one). */
  onSpawn?: (instance: string, child: ChildProcess) => void;
};

export type SplitRunResult = {
  engine: 'builtin' | 'k6';
  exitCode: number;
  runners: NonNullable<RunRecord['runners']>;
  failedThresholds: string[];
};

/** Runs the N runners to their end, merges their results, and says how the split run ended. */
export async function runSplit(opts: SplitRunOptions): Promise<SplitRunResult> {
  const k6 = engineOf(opts.engine);
  const engine = k6 ? 'k6' : 'builtin';
  const { sequence, segments } = segmentsOf(opts.runners);
  process.stderr.write(
    `loadgate: ${opts.runners} runners (${engine} engine), execution segments ${sequence}, testid ${opts.testid}\n`,
  );
  const runs = segments.map(async (segment, i) => {
    const instance = runnerInstance(i + 1);
    const dir = join(opts.runDir, instance);
    await mkdir(dir, { recursive: true });
    const { args, env } = k6Command({
      ...opts.invocation,
      // Each runner's own summaries (lib/summary.ts writes under RESULTS_DIR) and points.
      // One RUN_ID for all: the journeys' e-mails are unique by exec.vu.idInTest, which
      // counts every instance (__VU restarts at 1 in each).
      env: { ...opts.invocation.env, RESULTS_DIR: dir },
      // Gzipped, as `k6 --out json=file.gz` writes it: a runner's every sample is kept for the merge.
      outJson: join(dir, RUN_FILES.rawSamples),
      executionSegment: segment,
      executionSegmentSequence: sequence,
      tags: { testid: opts.testid, instance },
    });
    const [command, argv] = k6
      ? [k6, args]
      : [process.execPath, [...VU_PROCESS_FLAGS, LOADGATE, 'k6', ...args, '--engine', 'builtin']];
    const exitCode = await runProcess(command, argv, {
      env,
      cwd: dirname(opts.invocation.script),
      log: join(dir, 'runner.log'),
      signal: opts.signal,
      onSpawn: (child) => opts.onSpawn?.(instance, child),
    });
    process.stderr.write(
      `loadgate: ${instance} (segment ${segment}) ended with exit code ${exitCode}\n`,
    );
    return { instance, segment, engine, exitCode, dir: instance } as const;
  });
  const runners = await Promise.all(runs);

  const script = basename(opts.invocation.script).replace(/\.js$/, '');
  const merged = await mergeRunnerSummaries({
    runDir: opts.runDir,
    script,
    runners: await Promise.all(
      runners.map(async (r) => {
        const dir = join(opts.runDir, r.dir);
        return { dir, summary: (await readValidSummaries(dir)).get(script) };
      }),
    ),
  });
  return {
    engine,
    exitCode: splitExitCode(runners, merged.failedThresholds, opts.signal?.aborted === true),
    runners,
    failedThresholds: merged.failedThresholds,
  };
}

/**
 * One exit code for the split run. Each runner's 99 judged its slice only:
 * the merged thresholds decide instead. A runner that died alone does not end
 * the run: the others' load is judged, and runners-reported names it. Every
 * runner failing the same way (a script error, bad options) is the run's failure.
 */
export function splitExitCode(
  runners: { exitCode: number }[],
  failedThresholds: string[],
  interrupted: boolean,
): number {
  if (interrupted) return EXIT.interrupted;
  const failures = runners
    .map((r) => r.exitCode)
    .filter((c) => c !== EXIT.ok && c !== EXIT.thresholdsFailed);
  if (failures.length === runners.length) return failures[0]!;
  return failedThresholds.length > 0 ? EXIT.thresholdsFailed : EXIT.ok;
}

/** A runner process, its output in its log; an abort stops it as Ctrl-C stops k6 (SIGINT). */
function runProcess(
  command: string,
  args: string[],
  opts: {
    env: Record<string, string>;
    cwd: string;
    log: string;
    signal?: AbortSignal;
    onSpawn?: (child: ChildProcess) => void;
  },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(opts.log);
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C reaches it once, forwarded below, not also from
      // the terminal (a second SIGINT makes k6 quit without its summary).
      detached: true,
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const onAbort = () => child.kill('SIGINT');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    opts.onSpawn?.(child);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      log.end();
      resolve(code ?? (signal === 'SIGINT' ? EXIT.interrupted : EXIT.failed));
    });
  });
}

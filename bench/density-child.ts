// One density run of the built-in engine, in a process of its own (spawned by
// bench/density.ts with the engine's VU_PROCESS_FLAGS), so its peak resident
// memory and memory mappings are this run's alone, its child engine processes
// included. argv: script, VUs, duration, base URL, think time. Prints one JSON
// line (DensityRun).
import type { Group, SummaryData } from '../engine/end-of-test-summary.ts';
import { runTest, type ProgressState } from '../engine/runner.ts';
import {
  procDescendants,
  procMappings,
  procPeakRss,
  procRss,
  type DensityRun,
} from './density-proc.ts';

// The CPU window starts this long after the VUs started: connections, JIT.
const WARMUP_MS = 3000;

const [script, vus, duration, baseUrl, thinkTime] = process.argv.slice(2);
if (!script || !vus || !duration || !baseUrl || !thinkTime)
  throw new Error('usage: density-child.ts SCRIPT VUS DURATION BASE_URL THINK_TIME');

let maxMaps = 0;
let maxTreeRss = 0;
/** Each second: the most mappings of one process, the most RSS of them all. */
const sample = () => {
  const pids = [process.pid, ...procDescendants(process.pid)];
  maxMaps = Math.max(maxMaps, ...pids.map((p) => procMappings(p) ?? 0));
  maxTreeRss = Math.max(
    maxTreeRss,
    pids.reduce((sum, p) => sum + (procRss(p) ?? 0), 0),
  );
};
const sampler = setInterval(sample, 1000);

type Mark = { cpuUs: number; requests: number };
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
let first: Mark | undefined;
let last: Mark | undefined;
const progress = (p: ProgressState) => {
  if (p.done || p.elapsedMs < WARMUP_MS) return;
  const mark = { cpuUs: cpuUs(), requests: p.requests };
  if (!first) first = mark;
  else last = mark;
};

/** The checks that failed, worst first: what a run with failed checks prints as its reason. */
function failingChecks(summary: SummaryData | undefined): string {
  const failed: { path: string; fails: number }[] = [];
  const walk = (g: Group) => {
    for (const c of g.checks) if (c.fails > 0) failed.push({ path: c.path, fails: c.fails });
    g.groups.forEach(walk);
  };
  if (summary) walk(summary.root_group);
  return failed
    .sort((a, b) => b.fails - a.fails)
    .slice(0, 3)
    .map((c) => `${c.path} ✗ ${c.fails}`)
    .join('; ');
}

let stderr = '';
const outcome = await runTest({
  script,
  env: { BASE_URL: baseUrl, THINK_TIME: thinkTime },
  overrides: { vus: Number(vus), duration },
  outputs: [],
  noSummary: true,
  stdout: () => undefined,
  stderr: (text) => void (stderr = (stderr + text).slice(-2000)),
  progress,
});
clearInterval(sampler);
sample();
const m = outcome.summary?.metrics ?? {};
const requests = m.http_reqs?.values.count ?? 0;
const values = (m.checks?.values ?? {}) as { passes?: number; fails?: number };
const run: DensityRun = {
  exitCode: outcome.exitCode,
  vusMax: m.vus_max?.values.max ?? 0,
  requests,
  checksPassed: values.passes ?? 0,
  checksFailed: values.fails ?? 0,
  peakRssBytes: Math.max(procPeakRss('self') ?? 0, maxTreeRss),
  peakMappings: maxMaps,
  cpuMsPerRequest: requests ? cpuUs() / 1000 / requests : undefined,
  cpuMsPerRequestWindow:
    first && last && last.requests > first.requests
      ? (last.cpuUs - first.cpuUs) / 1000 / (last.requests - first.requests)
      : undefined,
  stderrTail:
    outcome.exitCode === 0 || outcome.exitCode === 99 ? failingChecks(outcome.summary) : stderr,
};
process.stdout.write(`${JSON.stringify(run)}\n`);
process.exit(0);

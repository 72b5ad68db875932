// VU density (issue 11): memory per added running VU, CPU per request and the
// largest VU count that ran, on the browse bundle against the local platform
// (`-e THINK_TIME=0.2 --vus N --duration 20s`), the built-in engine beside
// real k6 in the same run when k6 is on PATH (skipped, saying so, otherwise).
// The largest count is probed with a lighter load per VU (THINK_TIME=10, 60 s)
// that the 2 cores can serve, so the VU count is the limit, not the CPU.
//
// Each run is a process of its own (bench/density-child.ts for the engine, run
// with the engine's Node flags as bin/loadgate.mjs runs it; k6 itself), so its
// peak resident memory (VmHWM; with child engine processes, their sum sampled
// each second) and mappings are its alone.
// Memory per added VU is the difference of two runs' peaks over the VUs added
// (50 → 200, 200 → 1,000): what the process costs anyway cancels out. CPU is
// user + system of the whole process, all threads, per request: over the whole
// run for both (k6 starts in well under a second), and for the engine also
// over a window that leaves out its VUs' start-up and the first 3 s.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatform } from '../infra/local/platform.ts';
import { findK6, k6Command } from '../engine/real-k6.ts';
import { VU_PROCESS_FLAGS } from '../engine/vu-host.ts';
import { procCpuMs, procMappings, procPeakRss, type DensityRun } from './density-proc.ts';

const VU_COUNTS = (process.env.BENCH_DENSITY_VUS ?? '50,200,1000').split(',').map(Number);
const DURATION = process.env.BENCH_DENSITY_DURATION ?? '20s';
// Past the last VU count: larger ones, shorter, until one does not run.
const PROBE = (process.env.BENCH_DENSITY_PROBE ?? '1250,1500,2000,3000').split(',').filter(Boolean);
const PROBE_DURATION = '60s';
const THINK = '0.2';
const PROBE_THINK = '10';
const SCRIPT = fileURLToPath(new URL('../k6-bundles/browse.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./density-child.ts', import.meta.url));
// Where `--import tsx` resolves from, whatever the bench's working directory.
const REPO = fileURLToPath(new URL('..', import.meta.url));

function collect(child: ReturnType<typeof spawn>): Promise<{ code: number; out: string }> {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code: code ?? 1, out })));
}

async function engineRun(
  vus: number,
  duration: string,
  baseUrl: string,
  think: string,
): Promise<DensityRun> {
  const child = spawn(
    process.execPath,
    [...VU_PROCESS_FLAGS, '--import', 'tsx', CHILD, SCRIPT, String(vus), duration, baseUrl, think],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const { code, out } = await collect(child);
  const line = out.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as DensityRun;
  } catch {
    return failed(code, `the engine's run process exited with ${code}`);
  }
}

function failed(exitCode: number, why: string): DensityRun {
  return {
    exitCode,
    vusMax: 0,
    requests: 0,
    checksPassed: 0,
    checksFailed: 0,
    peakRssBytes: 0,
    peakMappings: 0,
    cpuMsPerRequest: undefined,
    stderrTail: why,
  };
}

/** k6's --summary-export: its metrics as plain values. */
type K6Export = { metrics: Record<string, Record<string, number>> };

async function k6Run(
  k6: string,
  vus: number,
  duration: string,
  baseUrl: string,
  dir: string,
  think: string,
): Promise<DensityRun> {
  const summary = join(dir, `k6-${vus}.json`);
  const { args, env } = k6Command({
    script: SCRIPT,
    env: { BASE_URL: baseUrl, THINK_TIME: think },
    vus,
    duration,
    summaryExport: summary,
    quiet: true,
  });
  const child = spawn(k6, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  let peakRss = 0;
  let peakMaps = 0;
  let cpuMs = 0;
  const pid = child.pid!;
  const sample = () => {
    peakRss = Math.max(peakRss, procPeakRss(pid) ?? 0);
    peakMaps = Math.max(peakMaps, procMappings(pid) ?? 0);
    cpuMs = Math.max(cpuMs, procCpuMs(pid) ?? 0);
  };
  const sampler = setInterval(sample, 250);
  const exitCode = await new Promise<number>((resolve) =>
    child.once('exit', (code) => resolve(code ?? 1)),
  );
  clearInterval(sampler);
  let m: K6Export['metrics'];
  try {
    m = (JSON.parse(await readFile(summary, 'utf8')) as K6Export).metrics;
  } catch {
    return failed(exitCode, stderr || `k6 exited with ${exitCode} and wrote no summary`);
  }
  const requests = m.http_reqs?.count ?? 0;
  return {
    exitCode,
    vusMax: m.vus_max?.max ?? m.vus_max?.value ?? 0,
    requests,
    checksPassed: m.checks?.passes ?? 0,
    checksFailed: m.checks?.fails ?? 0,
    peakRssBytes: peakRss,
    peakMappings: peakMaps,
    // The last sample before exit: the run's last quarter second is left out.
    cpuMsPerRequest: requests && cpuMs ? cpuMs / requests : undefined,
    stderrTail: exitCode === 0 || exitCode === 99 ? '' : stderr,
  };
}

/** It ran: every VU started, requests made, every check passed (99: the journey thresholds see no journey tag under --vus). */
function ran(run: DensityRun, vus: number): boolean {
  return (
    (run.exitCode === 0 || run.exitCode === 99) &&
    run.vusMax === vus &&
    run.requests > 0 &&
    run.checksFailed === 0
  );
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(2)} ms`);

function describe(run: DensityRun, vus: number): string {
  if (!ran(run, vus))
    return `did not run (exit ${run.exitCode}, ${run.vusMax} VUs, ${run.checksFailed} failed checks): ${run.stderrTail.trim().split('\n').slice(-2).join(' ')}`;
  const window =
    run.cpuMsPerRequestWindow === undefined
      ? ''
      : `, ${ms(run.cpuMsPerRequestWindow)} in the window`;
  return `peak RSS ${mb(run.peakRssBytes)}, ${run.peakMappings} mappings, ${run.requests} requests, CPU/request ${ms(run.cpuMsPerRequest)} over the run${window}`;
}

function perAddedVu(runs: Map<number, DensityRun>, from: number, to: number): string {
  const a = runs.get(from);
  const b = runs.get(to);
  if (!a || !b || !ran(a, from) || !ran(b, to)) return 'n/a';
  const bytes = (b.peakRssBytes - a.peakRssBytes) / (to - from);
  const maps = (b.peakMappings - a.peakMappings) / (to - from);
  return `${(bytes / 2 ** 20).toFixed(2)} MB and ${maps.toFixed(1)} mappings`;
}

export async function densityBench(): Promise<void> {
  const k6 = findK6();
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-density-'));
  const platform = await startPlatform({ replicas: { min: 3, max: 3 } }, { log: () => {} });
  const url = platform.gatewayUrl;
  const engine = new Map<number, DensityRun>();
  const real = new Map<number, DensityRun>();
  console.log(
    `engine density: browse bundle, local platform, -e THINK_TIME=${THINK}, --duration ${DURATION} (largest count: THINK_TIME=${PROBE_THINK}, ${PROBE_DURATION}); ` +
      (k6
        ? `real k6 (${k6}) beside each`
        : 'real k6 skipped: k6 not on PATH (set K6_BIN or install k6)') +
      '; CPU figures are noisy on a shared machine, memory figures are not',
  );
  try {
    for (const vus of VU_COUNTS) {
      engine.set(vus, await engineRun(vus, DURATION, url, THINK));
      if (k6) real.set(vus, await k6Run(k6, vus, DURATION, url, dir, THINK));
      console.log(
        `engine density: ${vus} VUs: engine ${describe(engine.get(vus)!, vus)}` +
          (k6 ? `   | k6 ${describe(real.get(vus)!, vus)}` : ''),
      );
    }
    for (let i = 1; i < VU_COUNTS.length; i++) {
      const [from, to] = [VU_COUNTS[i - 1]!, VU_COUNTS[i]!];
      console.log(
        `engine density: per added running VU, ${from} → ${to}: engine ${perAddedVu(engine, from, to)}` +
          (k6 ? `   | k6 ${perAddedVu(real, from, to)}` : '') +
          '   (target ≤ 4 MB; k6 0.49 measured ~1.7 MB in issue 11)',
      );
    }
    const at200 = engine.get(200);
    const k6At200 = real.get(200);
    if (at200 && k6At200?.cpuMsPerRequest && at200.cpuMsPerRequest)
      console.log(
        `engine density: CPU per request at 200 VUs, engine/k6: ${(at200.cpuMsPerRequest / k6At200.cpuMsPerRequest).toFixed(2)}× over the run (target ≤ 0.6×)`,
      );
    for (const [name, runs, runOne] of [
      ['engine', engine, (n: number) => engineRun(n, PROBE_DURATION, url, PROBE_THINK)],
      ...(k6
        ? [
            [
              'k6',
              real,
              (n: number) => k6Run(k6, n, PROBE_DURATION, url, dir, PROBE_THINK),
            ] as const,
          ]
        : []),
    ] as const) {
      let largest = Math.max(0, ...[...runs].filter(([n, r]) => ran(r, n)).map(([n]) => n));
      let stopped = '';
      if (largest === Math.max(...VU_COUNTS))
        for (const n of PROBE.map(Number).filter((n) => n > largest)) {
          const r = await runOne(n);
          if (!ran(r, n)) {
            stopped = `; ${n}: ${describe(r, n)}`;
            break;
          }
          largest = n;
          console.log(`engine density: ${n} VUs (${PROBE_DURATION}): ${name} ${describe(r, n)}`);
        }
      console.log(`engine density: largest VU count that ran: ${name} ${largest}${stopped}`);
    }
  } finally {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

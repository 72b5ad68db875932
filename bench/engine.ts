import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { nativeAddon } from '../engine/native-addon.ts';
import { findK6, k6Command } from '../engine/real-k6.ts';
import { runTest, type ProgressState } from '../engine/runner.ts';
import { densityBench } from './density.ts';

// The built-in engine's four figures, each beside a reference measured in the
// same run against the same trivial loopback server (its own process):
//
// - closed-loop req/s with 20 VUs (references: wrk -c20, a bare undici loop
//   with 20 requests in flight in this process, k6 when on PATH);
// - CPU µs per request at a fixed 2,000 req/s (reference: a bare undici
//   loop issuing the same rate from this process);
// - achieved versus target arrival rate, with dropped iterations;
// - resident memory per VU (reference: this process before any VU);
// - VU density on the browse journey (bench/density.ts), beside real k6.
//
// Every rate and CPU figure covers a measured window only: the first
// WARMUP_MS of each run (VU start-up, connections, JIT) and its end are
// left out. CPU is `process.cpuUsage()` over the window: user + system time
// of the whole process, all threads (main, VU workers, V8/libuv helpers),
// divided by the requests completed in the window; the split main thread /
// other threads comes from /proc/self/task (Linux only).

const SERVER = `require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`;
const WARMUP_MS = 2000;
const RUN = '10s';
const RATE = 2000;

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/** CPU ms of the main thread and of all other threads of this process so far. */
function threadCpu(): { main: number; others: number } | undefined {
  try {
    let main = 0;
    let others = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100; // USER_HZ = 100
      if (tid === String(process.pid)) main += ms;
      else others += ms;
    }
    return { main, others };
  } catch {
    return undefined;
  }
}

type Mark = {
  at: number;
  requests: number;
  cpu: NodeJS.CpuUsage;
  threads: ReturnType<typeof threadCpu>;
};
const mark = (requests: number): Mark => ({
  at: performance.now(),
  requests,
  cpu: process.cpuUsage(),
  threads: threadCpu(),
});

type Window = { reqPerSec: number; cpuUsPerReq: number; split: string };
function windowOf(a: Mark, b: Mark): Window {
  const n = b.requests - a.requests;
  const cpuUs = b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system);
  const split =
    a.threads && b.threads
      ? `main thread ${(((b.threads.main - a.threads.main) * 1000) / n).toFixed(0)} + other threads ${(((b.threads.others - a.threads.others) * 1000) / n).toFixed(0)}`
      : 'per-thread split n/a';
  return { reqPerSec: (n * 1000) / (b.at - a.at), cpuUsPerReq: cpuUs / n, split };
}

const quiet = { stdout: () => undefined, stderr: () => undefined, outputs: [] };

/** Runs a script on the engine; the window goes from the first progress tick after WARMUP_MS to the last one before the end. */
async function builtin(script: string, env: Record<string, string>) {
  let first: Mark | undefined;
  let last: Mark | undefined;
  const progress = (p: ProgressState) => {
    if (p.done || p.elapsedMs < WARMUP_MS) return;
    if (!first) first = mark(p.requests);
    else last = mark(p.requests);
  };
  const r = await runTest({ script, env, overrides: {}, ...quiet, noSummary: true, progress });
  const m = r.summary!.metrics;
  if (!first || !last) throw new Error('the run was too short for a measured window');
  return {
    window: windowOf(first, last),
    iterations: m.iterations?.values.count ?? 0,
    dropped: m.dropped_iterations?.values.count ?? 0,
    vusMax: m.vus_max?.values.max ?? 0,
  };
}

function wrk(url: string, seconds: number): string {
  try {
    const out = execFileSync('wrk', ['-t1', '-c20', `-d${seconds}s`, url], { encoding: 'utf8' });
    return /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 'n/a';
  } catch {
    return 'n/a (wrk not installed)';
  }
}

async function get(agent: Agent, url: string): Promise<void> {
  const res = await agent.request({ origin: url, path: '/', method: 'GET' });
  await res.body.text();
}

/** A bare undici client in this process, 20 requests in flight: what one thread can drive. */
async function undiciClosed(url: string, seconds: number): Promise<Window> {
  const agent = new Agent();
  let done = 0;
  let stop = false;
  const loop = async () => {
    while (!stop) {
      await get(agent, url);
      done++;
    }
  };
  const loops = Array.from({ length: 20 }, loop);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const a = mark(done);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const b = mark(done);
  stop = true;
  await Promise.all(loops);
  await agent.close();
  return windowOf(a, b);
}

/** A bare undici client in this process issuing `rate` req/s by the clock: the floor any engine pays per request. */
async function undiciAtRate(url: string, rate: number, seconds: number): Promise<Window> {
  const agent = new Agent();
  let done = 0;
  const pending = new Set<Promise<void>>();
  const total = (rate * (seconds * 1000 + WARMUP_MS)) / 1000;
  let a: Mark | undefined;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = (i / rate) * 1000 - (performance.now() - t0);
    if (due > 0) await new Promise((r) => setTimeout(r, Math.max(1, due)));
    if (!a && performance.now() - t0 >= WARMUP_MS) a = mark(done);
    const p: Promise<void> = get(agent, url).then(() => {
      done++;
      pending.delete(p);
    });
    pending.add(p);
  }
  const b = mark(done);
  await Promise.all(pending);
  await agent.close();
  return windowOf(a!, b);
}

export async function bench(): Promise<void> {
  const server = await startServer();
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-bench-'));
  const env = { BASE_URL: server.url };
  const get = `import http from 'k6/http';\nexport default function () { http.get(__ENV.BASE_URL + '/'); }\n`;
  try {
    const closed = join(dir, 'closed.js');
    await writeFile(closed, `export const options = { vus: 20, duration: '${RUN}' };\n${get}`);
    const open = join(dir, 'open.js');
    await writeFile(
      open,
      `export const options = { scenarios: { a: { executor: 'constant-arrival-rate', rate: ${RATE}, timeUnit: '1s', duration: '${RUN}', preAllocatedVUs: 20, maxVUs: 50 } } };\n${get}`,
    );
    const idle = join(dir, 'idle.js');
    await writeFile(
      idle,
      `import { sleep } from 'k6';\nexport const options = { vus: 50, duration: '4s' };\nexport default function () { sleep(1); }\n`,
    );
    const seconds = Number.parseInt(RUN, 10);

    // Which path the VUs' requests take (README, "Which engine").
    console.log(
      `engine: VU HTTP path: ${nativeAddon().path ? 'native addon, in each VU thread' : 'undici on the main thread (addon off or not built)'}`,
    );
    const c = await builtin(closed, env);
    const wrkRate = wrk(`${server.url}/`, seconds - 2);
    const bare = await undiciClosed(server.url, seconds - 2);
    let k6Rate = 'n/a (k6 not on PATH)';
    const k6 = findK6();
    if (k6) {
      const { args } = k6Command({ script: closed, env, quiet: true });
      const out = execFileSync(k6, args, { encoding: 'utf8' });
      k6Rate = `${/http_reqs[^\n]*?([\d.]+)\/s/.exec(out)?.[1] ?? 'unparsed'} req/s`;
    }
    console.log(
      `engine: closed loop, 20 VUs: ${c.window.reqPerSec.toFixed(0)} req/s, ${c.window.cpuUsPerReq.toFixed(0)} µs CPU/req (${c.window.split})   ` +
        `(reference: wrk -c20 ${wrkRate} req/s; bare undici, 20 in flight, ${bare.reqPerSec.toFixed(0)} req/s at ${bare.cpuUsPerReq.toFixed(0)} µs CPU/req; k6 ${k6Rate}; target ≥ 15000 req/s)`,
    );

    const o = await builtin(open, env);
    const ref = await undiciAtRate(server.url, RATE, seconds - 2);
    console.log(
      `engine: CPU per request at ${RATE} req/s: ${o.window.cpuUsPerReq.toFixed(0)} µs (${o.window.split})   ` +
        `(reference: bare undici at the same rate ${ref.cpuUsPerReq.toFixed(0)} µs; target ≤ 100 µs; whole process, all threads, warm-up excluded)`,
    );
    const achieved = o.iterations / seconds;
    console.log(
      `engine: arrival rate achieved ${achieved.toFixed(1)}/s over the whole ${RUN} vs target ${RATE}/s (${((100 * (achieved - RATE)) / RATE).toFixed(2)} %), ${o.dropped} dropped, ${o.vusMax} VUs; in the window ${o.window.reqPerSec.toFixed(1)} req/s   ` +
        `(reference: bare undici ${ref.reqPerSec.toFixed(1)} req/s; target within 1 %)`,
    );

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
    await runTest({ script: idle, env, overrides: {}, ...quiet, noSummary: true });
    clearInterval(sampler);
    console.log(
      `engine: resident memory per VU (50 idle VUs): ${((peak - before) / 50 / 1e6).toFixed(1)} MB   (reference: this process before any VU ${(before / 1e6).toFixed(0)} MB; k6 0.49 ~120 MB in all for 20 VUs; target ≤ 15 MB)`,
    );
  } finally {
    server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  await densityBench();
}

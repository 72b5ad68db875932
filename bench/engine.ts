import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { findK6, k6Command } from '../engine/real-k6.ts';
import { runTest } from '../engine/runner.ts';

/**
 * The built-in engine's four figures, each beside a reference measured in the
 * same run against the same trivial loopback server (in its own process):
 * closed-loop req/s with 20 VUs (reference: wrk, and k6 when on PATH), CPU µs
 * per request at 2,000 req/s (reference: a bare undici loop at the same
 * rate), resident memory per VU (reference: the process before any VU), and
 * achieved versus target arrival rate.
 */
const SERVER = `require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`;

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const quiet = { stdout: () => undefined, stderr: () => undefined, outputs: [] };

async function builtin(script: string, env: Record<string, string>) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runTest({ script, env, overrides: {}, ...quiet, noSummary: true });
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const m = r.summary!.metrics;
  return {
    reqs: m.http_reqs?.values.count ?? 0,
    rate: m.http_reqs?.values.rate ?? 0,
    iterations: m.iterations?.values.count ?? 0,
    dropped: m.dropped_iterations?.values.count ?? 0,
    durationMs: r.summary!.state.testRunDurationMs,
    cpuUs: cpu.user + cpu.system,
    seconds,
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

/** A bare undici loop issuing `rate` req/s for `seconds`: the floor any engine pays per request. */
async function undiciAtRate(url: string, rate: number, seconds: number): Promise<number> {
  const agent = new Agent({ connections: 20 });
  const total = rate * seconds;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = (i / rate) * 1000 - (performance.now() - t0);
    if (due > 1) await new Promise((r) => setTimeout(r, due));
    pending.push(
      agent
        .request({ origin: url, path: '/', method: 'GET' })
        .then((res) => res.body.text().then(() => undefined)),
    );
  }
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpu0);
  await agent.close();
  return (cpu.user + cpu.system) / total;
}

export async function bench(): Promise<void> {
  const server = await startServer();
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-bench-'));
  const env = { BASE_URL: server.url };
  try {
    const closed = join(dir, 'closed.js');
    await writeFile(
      closed,
      `import http from 'k6/http';\nexport const options = { vus: 20, duration: '10s' };\nexport default function () { http.get(__ENV.BASE_URL + '/'); }\n`,
    );
    const open = join(dir, 'open.js');
    await writeFile(
      open,
      `import http from 'k6/http';\nexport const options = { scenarios: { a: { executor: 'constant-arrival-rate', rate: 2000, timeUnit: '1s', duration: '10s', preAllocatedVUs: 20, maxVUs: 50 } } };\nexport default function () { http.get(__ENV.BASE_URL + '/'); }\n`,
    );
    const idle = join(dir, 'idle.js');
    await writeFile(
      idle,
      `import { sleep } from 'k6';\nexport const options = { vus: 50, duration: '4s' };\nexport default function () { sleep(1); }\n`,
    );

    const c = await builtin(closed, env);
    const wrkRate = wrk(`${server.url}/`, 10);
    let k6Rate = 'n/a (k6 not on PATH)';
    const k6 = findK6();
    if (k6) {
      const { args } = k6Command({ script: closed, env, quiet: true });
      const out = execFileSync(k6, args, { encoding: 'utf8' });
      k6Rate = /http_reqs[^\n]*?([\d.]+)\/s/.exec(out)?.[1] ?? 'unparsed';
    }
    console.log(
      `engine: closed loop, 20 VUs, 10 s: ${c.rate.toFixed(0)} req/s   (reference: wrk -c20 ${wrkRate} req/s; k6 ${k6Rate}; target ≥ 15000)`,
    );

    const o = await builtin(open, env);
    const refCpu = await undiciAtRate(server.url, 2000, 5);
    console.log(
      `engine: CPU per request at 2000 req/s: ${(o.cpuUs / Math.max(1, o.reqs)).toFixed(1)} µs   (reference: bare undici loop ${refCpu.toFixed(1)} µs; target ≤ 100)`,
    );
    const achieved = o.iterations / 10;
    console.log(
      `engine: arrival rate achieved ${achieved.toFixed(1)}/s vs target 2000/s (${((100 * (achieved - 2000)) / 2000).toFixed(2)} %), ${o.dropped} dropped   (target within 1 %)`,
    );

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
    await builtin(idle, env);
    clearInterval(sampler);
    console.log(
      `engine: resident memory per VU (50 idle VUs): ${((peak - before) / 50 / 1e6).toFixed(1)} MB   (reference: this process before any VU ${(before / 1e6).toFixed(0)} MB; k6 0.49 ~120 MB in all for 20 VUs; target ≤ 15 MB)`,
    );
  } finally {
    server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

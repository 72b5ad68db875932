import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPlatform } from '../infra/local/platform.ts';
import { freePort } from '../infra/local/ports.ts';
import { GATEWAY, SERVICES } from '../infra/local/services.ts';

// The local platform's gateway throughput on `GET /api/products/{id}` with 3
// workers, measured by wrk, beside two references measured in the same run:
// its previous shape (the gateway's workers serving every route themselves,
// no service pools: what this figure was before issue 16) and a bare
// node:http cluster of 3 workers answering a constant JSON (the ceiling of
// node:cluster on this machine). Target: ≥ 5,000 req/s on 2 cores, so the
// platform is never the bottleneck of a smoke run.

const run = promisify(execFile);
const WRK = process.env.WRK_BIN ?? 'wrk';
const DURATION = process.env.BENCH_GATEWAY_DURATION ?? '8s';
const CONNECTIONS = 64;
const TARGET = 5000;

// Random ids over the seeded catalogue, so SQLite is really read.
const PRODUCTS_LUA = `
math.randomseed(42)
request = function()
  return wrk.format("GET", "/api/products/" .. math.random(1, 500))
end
`;

// A bare cluster: what node:cluster + node:http can do here, nothing else.
const REFERENCE_JS = `
import cluster from 'node:cluster';
import http from 'node:http';
const body = JSON.stringify({ data: { id: 1, name: 'Reference product', price: 9.99, currency: 'EUR' } });
if (cluster.isPrimary) {
  for (let i = 0; i < 3; i++) cluster.fork();
  let up = 0;
  cluster.on('listening', () => { if (++up === 3) console.log('ready'); });
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
  http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }).listen(Number(process.env.PORT), '127.0.0.1');
}
`;

interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function wrk(url: string, script?: string, duration = DURATION): Promise<WrkResult> {
  const args = [
    '-t2',
    `-c${CONNECTIONS}`,
    `-d${duration}`,
    '--latency',
    ...(script ? ['-s', script] : []),
    url,
  ];
  const { stdout } = await run(WRK, args, { timeout: 120_000 });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (!rps) throw new Error(`could not read wrk's output:\n${stdout}`);
  const errors = [
    ...stdout.matchAll(/(?:Non-2xx or 3xx responses|Socket errors:.*?timeout)\s*:?\s*(\d+)/g),
  ];
  return {
    requestsPerSecond: Number(rps[1]),
    p50Ms: latencyMs(stdout, '50%'),
    p99Ms: latencyMs(stdout, '99%'),
    errors: errors.reduce((n, m) => n + Number(m[1]), 0),
  };
}

function latencyMs(stdout: string, percentile: string): number {
  const m = new RegExp(`${percentile}\\s+([\\d.]+)(us|ms|s)`).exec(stdout);
  if (!m) return NaN;
  const value = Number(m[1]);
  return m[2] === 'us' ? value / 1000 : m[2] === 's' ? value * 1000 : value;
}

async function measureGateway(script: string, servicePools: boolean): Promise<WrkResult> {
  // Fixed replicas: every pool at its documented min (the gateway's 3);
  // Prometheus off (it would share the CPU).
  const fixed = Object.fromEntries(
    SERVICES.filter((s) => s.deployment !== GATEWAY).map((s) => [
      s.deployment,
      { min: s.minReplicas, max: s.minReplicas },
    ]),
  );
  const platform = await startPlatform(
    { replicas: { min: 3, max: 3 }, servicePools, serviceReplicas: fixed },
    { log: () => {} },
  );
  try {
    await wrk(`${platform.gatewayUrl}/api/products/1`, script, '2s'); // warm-up: JIT, SQLite cache
    return await wrk(`${platform.gatewayUrl}/api/products/1`, script);
  } finally {
    await platform.stop();
  }
}

async function measureReference(dir: string): Promise<WrkResult> {
  const file = join(dir, 'reference.mjs');
  await writeFile(file, REFERENCE_JS);
  const port = await freePort();
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`reference server exited with ${code}`)));
    });
    await wrk(`http://127.0.0.1:${port}/`, undefined, '2s');
    return await wrk(`http://127.0.0.1:${port}/`);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

export async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-bench-gateway-'));
  try {
    const script = join(dir, 'products.lua');
    await writeFile(script, PRODUCTS_LUA);
    const gateway = await measureGateway(script, true);
    const previous = await measureGateway(script, false);
    const reference = await measureReference(dir);
    const fmt = (r: WrkResult) =>
      `${Math.round(r.requestsPerSecond).toLocaleString('en')} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms` +
      (r.errors ? `  errors ${r.errors}` : '');
    const lines = [
      `machine: ${cpus().length} cores; wrk -t2 -c${CONNECTIONS} -d${DURATION} on 127.0.0.1 (wrk shares the CPU)`,
      `gateway   GET /api/products/{id}, 3 workers → products-service (3) ${fmt(gateway)}`,
      `previous  the same, gateway workers alone (no service pools)     ${fmt(previous)}`,
      `reference bare node:http cluster, 3 workers, JSON                 ${fmt(reference)}`,
      `gateway / previous: ${((100 * gateway.requestsPerSecond) / previous.requestsPerSecond).toFixed(0)} % (the hop to the service's pool)`,
      `gateway / reference: ${((100 * gateway.requestsPerSecond) / reference.requestsPerSecond).toFixed(0)} %; ` +
        `target ≥ ${TARGET.toLocaleString('en')} req/s: ${gateway.requestsPerSecond >= TARGET ? 'met' : 'NOT met'}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readValidSummaries } from '../run-dir/summary.ts';
import { runSplit } from '../engine/split/run.ts';
import { startPrometheus } from '../infra/local/prometheus.ts';
import { NATIVE_RELATIVE_ERROR } from '../engine/histogram.ts';

// One fixed total arrival rate split over 1, 2 and 4 local runner processes
// (loadgate run --runners N's machinery: execution segments, native
// histograms remote-written to a real Prometheus), against one loopback
// server whose latency follows a fixed spread (2–40 ms). For each split: the
// achieved rate against the target, the dropped iterations, and the global p95
// read from the merged native histograms beside the exact p95 of the same run's
// every sample and beside the single-process run's p95 (the reference, same
// load, same run of the bench). The runners share this machine's cores: more
// of them only adds processes, so the figures say what splitting costs here,
// not what N machines would give.

const RATE = 400;
const DURATION = '10s';
const SPLITS = [1, 2, 4];

const SCRIPT = `
import http from 'k6/http';
export const options = {
  scenarios: {
    load: {
      executor: 'constant-arrival-rate', rate: ${RATE}, timeUnit: '1s', duration: '${DURATION}',
      preAllocatedVUs: 40, maxVUs: 80,
    },
  },
};
export default function () { http.get(__ENV.BASE_URL); }
export function handleSummary(data) {
  return { [__ENV.RESULTS_DIR + '/summary-split.json']: JSON.stringify(data) };
}
`;

// Latency 2–40 ms, the same sequence whatever the split.
const SERVER = `let n = 0; require('node:http').createServer((q, r) => { const ms = 2 + ((n++ * 7919) % 39); setTimeout(() => r.end('ok'), ms); }).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`;

export async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-bench-runners-'));
  const script = join(dir, 'split.js');
  await writeFile(script, SCRIPT);
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const prom = await startPrometheus({ config: 'global:\n  scrape_interval: 15s\n' });
  process.stdout.write(
    `target ${RATE} it/s for ${DURATION}, built-in engine runners on ${cpus().length} cores; p95 of http_req_duration\n`,
  );
  process.stdout.write(
    'runners  achieved it/s  dropped  global p95 (histograms)  exact p95 (all samples)  single-process p95\n',
  );
  let single: number | undefined;
  try {
    for (const n of SPLITS) {
      const runDir = join(dir, `split-${n}`);
      const testid = `bench-${n}-${Date.now()}`;
      await runSplit({
        runners: n,
        runDir,
        testid,
        engine: 'builtin',
        invocation: {
          script,
          env: { BASE_URL: `http://127.0.0.1:${port}` },
          remoteWrite: { url: `${prom.url}/api/v1/write`, nativeHistograms: true },
        },
      });
      const merged = (await readValidSummaries(runDir)).get('split')!;
      const seconds = (merged.state?.testRunDurationMs ?? 0) / 1000;
      const iterations = merged.metrics.iterations?.values.count ?? 0;
      const dropped = merged.metrics.dropped_iterations?.values.count ?? 0;
      const exact = merged.metrics.http_req_duration?.values['p(95)'] ?? NaN;
      single ??= exact;
      const q = `histogram_quantile(0.95, sum(k6_http_req_duration_seconds{testid="${testid}"}))`;
      const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
      const global = 1000 * Number(body.data.result[0]?.value[1] ?? NaN);
      process.stdout.write(
        `${String(n).padStart(7)}  ${(iterations / seconds).toFixed(1).padStart(13)}  ${String(dropped).padStart(7)}  ${`${global.toFixed(2)} ms (${pct(global, exact)})`.padStart(23)}  ${`${exact.toFixed(2)} ms`.padStart(23)}  ${`${single.toFixed(2)} ms (${pct(exact, single)})`.padStart(18)}\n`,
      );
    }
    process.stdout.write(
      `global p95 is read from schema-3 native histograms: within ±${(NATIVE_RELATIVE_ERROR * 100).toFixed(2)} % of the exact p95 by construction\n`,
    );
  } finally {
    server.kill();
    await prom.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function pct(value: number, reference: number): string {
  const d = ((value - reference) / reference) * 100;
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)} %`;
}

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../engine/index.ts';
import { findK6 } from '../../engine/real-k6.ts';
import { startPrometheus, type RunningPrometheus } from '../../infra/local/prometheus.ts';
import { startTestServer } from './server.ts';

/**
 * With native histograms (what loadgate run asks for), the built-in engine's
 * remote-written series have the names of k6's experimental-prometheus-rw
 * docs: counters k6_*_total, rates k6_*_rate, gauges k6_*, trends one native
 * histogram k6_*_seconds, and no stat gauges; every series carries the run's
 * --tag labels. With k6 on PATH, both engines write the same script and the
 * two sets of names and labels are compared as read back from Prometheus.
 */
let prom: RunningPrometheus;
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  prom = await startPrometheus({ config: 'global:\n  scrape_interval: 15s\n' });
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  await prom?.stop();
});

/** The series of one testid: name → the label names its series carry (url aside: see below). */
async function seriesOf(testid: string): Promise<Map<string, Set<string>>> {
  const match = encodeURIComponent(`{testid="${testid}"}`);
  const res = await fetch(`${prom.url}/api/v1/series?match[]=${match}`);
  const body = (await res.json()) as { data: Record<string, string>[] };
  const out = new Map<string, Set<string>>();
  for (const labels of body.data) {
    const names = out.get(labels.__name__!) ?? new Set<string>();
    // loadgate leaves out k6's `url` label on purpose (one series per order id otherwise).
    for (const k of Object.keys(labels)) if (k !== '__name__' && k !== 'url') names.add(k);
    out.set(labels.__name__!, names);
  }
  return out;
}

async function run(engine: 'builtin' | 'k6', testid: string) {
  const result = await runScript({
    script: join(import.meta.dirname, 'conformance', 'checks.js'),
    engine,
    env: { BASE_URL: server.url },
    remoteWrite: { url: `${prom.url}/api/v1/write`, nativeHistograms: true },
    tags: { testid, instance: 'runner-1' },
    quiet: true,
  });
  expect(result.exitCode).toBe(0);
  return seriesOf(testid);
}

// The names k6's docs give for the built-in metrics this script produces.
const DOCUMENTED = [
  'k6_checks_rate',
  'k6_data_received_total',
  'k6_data_sent_total',
  'k6_http_req_blocked_seconds',
  'k6_http_req_connecting_seconds',
  'k6_http_req_duration_seconds',
  'k6_http_req_failed_rate',
  'k6_http_req_receiving_seconds',
  'k6_http_req_sending_seconds',
  'k6_http_req_tls_handshaking_seconds',
  'k6_http_req_waiting_seconds',
  'k6_http_reqs_total',
  'k6_iteration_duration_seconds',
  'k6_iterations_total',
  'k6_vus_max',
];

describe('remote-written series with native histograms', () => {
  it('the built-in engine writes the documented names, tagged with testid and instance', async () => {
    const series = await run('builtin', 'names-builtin');
    for (const name of DOCUMENTED) expect(series.has(name), name).toBe(true);
    // Trends are histograms only: no k6_*_p95 / _avg gauges beside them.
    // (k6_vus_max is the vus_max gauge's own name, not a stat.)
    const stats = [...series.keys()].filter((n) => /_(p\d+|avg|min|max|med)$/.test(n));
    expect(stats.filter((n) => n !== 'k6_vus_max')).toEqual([]);
    for (const [name, labels] of series) {
      expect(labels.has('instance'), name).toBe(true);
      expect(labels.has('testid'), name).toBe(true);
    }
    expect([...series.get('k6_http_req_duration_seconds')!].sort()).toEqual(
      expect.arrayContaining([
        'expected_response',
        'group',
        'method',
        'name',
        'scenario',
        'status',
      ]),
    );
    // Native histograms: histogram_count reads the request count back.
    const q = encodeURIComponent(
      'histogram_count(sum(k6_http_req_duration_seconds{testid="names-builtin"}))',
    );
    const res = (await (await fetch(`${prom.url}/api/v1/query?query=${q}`)).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    expect(Number(res.data.result[0]!.value[1])).toBe(5);
  });

  it.skipIf(findK6() === undefined)(
    'real k6 writes the same names and labels (skipped: k6 not on PATH, set K6_BIN)',
    async () => {
      const builtin = await run('builtin', 'names-cmp-builtin');
      const k6 = await run('k6', 'names-cmp-k6');
      for (const [name, labels] of builtin) {
        expect(k6.has(name), name).toBe(true);
        expect([...k6.get(name)!].sort(), name).toEqual([...labels].sort());
      }
    },
  );
});

import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPrometheus, type RunningPrometheus } from '../../infra/local/prometheus.ts';
import { runScript } from '../../engine/index.ts';
import { startTestServer } from './server.ts';

/**
 * Remote write lands in a real Prometheus under k6's experimental-prometheus-rw
 * names, so SLO queries and dashboards work for both engines.
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

async function query(
  q: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

it('writes k6-named series (counters, rates, trend stats in seconds) that Prometheus can query', async () => {
  const result = await runScript({
    script: join(import.meta.dirname, 'conformance', 'checks.js'),
    engine: 'builtin',
    env: { BASE_URL: server.url },
    remoteWrite: { url: `${prom.url}/api/v1/write` },
    quiet: true,
  });
  expect(result.exitCode).toBe(0);
  const reqs = await query('sum(k6_http_reqs_total)');
  expect(Number(reqs[0]!.value[1])).toBe(5);
  const p95 = await query('k6_http_req_duration_p95{scenario="default",status="200"}');
  expect(p95.length).toBeGreaterThan(0);
  // Seconds, not milliseconds: a loopback request is far below one second.
  expect(Number(p95[0]!.value[1])).toBeLessThan(1);
  expect(p95[0]!.metric).toMatchObject({
    method: 'GET',
    group: '::home',
    expected_response: 'true',
  });
  const checks = await query('k6_checks_rate{check="body is nope"}');
  expect(Number(checks[0]!.value[1])).toBe(0);
  const failed = await query('k6_http_req_failed_rate');
  expect(Number(failed[0]!.value[1])).toBe(0);
  expect((await query('k6_iterations_total')).length).toBeGreaterThan(0);
  expect((await query('k6_vus')).length).toBeGreaterThan(0);
  for (const name of [
    'k6_http_req_duration_p99',
    'k6_http_req_duration_min',
    'k6_http_req_duration_max',
    'k6_http_req_duration_avg',
  ])
    expect((await query(name)).length, name).toBeGreaterThan(0);
});

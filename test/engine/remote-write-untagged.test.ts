import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runScript } from '../../engine/index.ts';
import { startPrometheus, type RunningPrometheus } from '../../infra/local/prometheus.ts';
import { startTestServer } from './server.ts';

/**
 * A split run's runners remote-write into one Prometheus, told apart by their
 * --tag instance (and the run's --tag testid). A series written without the
 * run's tags is one series for every runner: each runner pushes it at its own
 * timestamps, and a push that reaches Prometheus after another runner's later
 * one is an out-of-order sample, for which Prometheus (2.42, as Debian ships it)
 * rejects that whole write request with a 400. A runner whose only push is
 * rejected has no series at all, and runners-reported says "missing: runner-N
 * (no sample)" (test/cli/runners.test.ts, flaky under load). So every series the
 * built-in engine writes carries the run's tags: none is written without them.
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

/** Every k6_* series in Prometheus without a testid label, as `name{labels}`. */
async function untagged(): Promise<string[]> {
  const match = encodeURIComponent('{__name__=~"k6_.+",testid=""}');
  const res = await fetch(`${prom.url}/api/v1/series?match[]=${match}`);
  const body = (await res.json()) as { data: Record<string, string>[] };
  return body.data.map(({ __name__, ...labels }) => `${__name__}${JSON.stringify(labels)}`);
}

// vus_max was once added with no tags before the load started: the one series
// every runner shared.
it("writes no series without the run's --tag labels (the runners of a split run share none)", async () => {
  const result = await runScript({
    script: join(import.meta.dirname, 'conformance', 'checks.js'),
    engine: 'builtin',
    env: { BASE_URL: server.url },
    remoteWrite: { url: `${prom.url}/api/v1/write`, nativeHistograms: true },
    tags: { testid: 'untagged-builtin', instance: 'runner-1' },
    quiet: true,
  });
  expect(result.exitCode).toBe(0);
  expect(await untagged()).toEqual([]);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../infra/local/platform.ts';
import { promQuery, scrape, sleep, state, waitFor } from './helpers.ts';

/**
 * The autoscaler end to end: CPU load on the gateway's workers makes the
 * replica count rise above min (never above max) within a few sync periods,
 * and fall back to min once the load stops and the stabilisation window has
 * passed; seen in the metrics endpoint and through a real Prometheus.
 */

let platform: Platform;
const decisions: string[] = [];

beforeAll(async () => {
  platform = await startPlatform(
    {
      replicas: { min: 1, max: 3 },
      syncPeriodMs: 1000,
      scaleDownStabilisationMs: 3000,
      prometheus: true,
      scrapeIntervalSeconds: 1,
    },
    { log: (line) => decisions.push(line) },
  );
});
afterAll(async () => {
  await platform?.stop();
});

/** Logins (bcrypt) in a loop: the gateway's most CPU-hungry request. */
async function loadCpu(until: () => boolean): Promise<number> {
  let done = 0;
  const body = JSON.stringify({ email: 'demo@example.test', password: 'demo-password' });
  const loop = async () => {
    while (!until()) {
      const res = await fetch(`${platform.gatewayUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      done++;
    }
  };
  await Promise.all(Array.from({ length: 6 }, loop));
  return done;
}

const current = async () =>
  (
    await scrape(
      `${platform.metricsUrl}/metrics/kube`,
      'kube_horizontalpodautoscaler_status_current_replicas',
    )
  )[0]?.value;

describe('autoscaler', () => {
  it('scales up under CPU load within max, and back down to min after it', async () => {
    expect(await current()).toBe(1);

    let loaded = true;
    let highest = 1;
    const watch = setInterval(() => {
      void state(platform).then((s) => (highest = Math.max(highest, s.replicas.current)));
    }, 100);
    try {
      const load = loadCpu(() => !loaded);
      const scaled = await waitFor('replicas above min', async () => {
        const n = await current();
        return n !== undefined && n > 1 ? n : undefined;
      });
      // Keep loading a few more syncs: it must never go above max.
      await sleep(3000);
      loaded = false;
      expect(await load).toBeGreaterThan(0);
      expect(scaled).toBeLessThanOrEqual(3);

      await waitFor(
        'replicas back to min',
        async () => ((await current()) === 1 ? true : undefined),
        30_000,
      );
      expect(highest).toBeGreaterThan(1);
      expect(highest).toBeLessThanOrEqual(3);
    } finally {
      loaded = false;
      clearInterval(watch);
    }
    expect(decisions.some((d) => /replicas 1 → [23] \(cpu resource utilization/.test(d))).toBe(
      true,
    );
    expect(decisions.some((d) => /replicas [23] → 1 \(All metrics below target/.test(d))).toBe(
      true,
    );

    // The same story through a real Prometheus scraping the metrics endpoint.
    const series = '{namespace="e-commerce-local",horizontalpodautoscaler="api-gateway"}';
    await sleep(2500); // one more scrape of the final count
    const [peak] = await promQuery(
      platform.prometheusUrl!,
      `max_over_time(kube_horizontalpodautoscaler_status_current_replicas${series}[5m])`,
    );
    const [now] = await promQuery(
      platform.prometheusUrl!,
      `kube_horizontalpodautoscaler_status_current_replicas${series}`,
    );
    const [max] = await promQuery(
      platform.prometheusUrl!,
      `kube_horizontalpodautoscaler_spec_max_replicas${series}`,
    );
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(max!);
    expect(now).toBe(1);
    const [target] = await promQuery(
      platform.prometheusUrl!,
      `kube_horizontalpodautoscaler_spec_target_metric{metric_name="cpu",metric_target_type="utilization"}`,
    );
    expect(target).toBe(70);
  });
});

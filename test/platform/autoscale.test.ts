import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../infra/local/platform.ts';
import { DEPLOYMENTS, hpaName } from '../../infra/local/services.ts';
import { admin, promQuery, scrape, sleep, waitFor } from './helpers.ts';

/**
 * The autoscalers end to end, one per deployment: CPU load on the auth
 * service's pods (logins: bcrypt) makes its replica count rise above min,
 * never above max, and fall back to min once the load stops and the
 * stabilisation window has passed, while every other pool (the gateway that
 * routes the logins included) stays at its min; seen in the metrics endpoint
 * and through a real Prometheus.
 */

let platform: Platform;
const decisions: string[] = [];

// Small pools (1 pod each, auth 1–3) so the test starts 8 workers, not 20.
// Logins at bcrypt cost 8 (~20 ms each) and a CPU request of 0.2 core: the
// auth service's bcrypt goes far over its target, while the gateway's share
// of a login (routing it, well under a millisecond) stays far under, even
// on a busy machine.
beforeAll(async () => {
  platform = await startPlatform(
    {
      replicas: { min: 1, max: 3 },
      serviceReplicas: Object.fromEntries(
        DEPLOYMENTS.filter((d) => d !== 'api-gateway').map((d) => [
          d,
          d === 'auth-service' ? { min: 1, max: 3 } : { min: 1, max: 2 },
        ]),
      ),
      cpuRequestCores: 0.2,
      gateway: { bcryptCost: 8 },
      syncPeriodMs: 1000,
      scaleDownStabilisationMs: 3000,
      prometheus: true,
      scrapeIntervalSeconds: 1,
    },
    { log: (line) => decisions.push(line) },
  );
}, 180_000);
afterAll(async () => {
  await platform?.stop();
});

/** Logins (bcrypt) in a loop: the auth service's most CPU-hungry request. */
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

/** Current replicas of every HPA, from the kube-state-metrics series. */
async function replicas(): Promise<Record<string, number>> {
  const series = await scrape(
    `${platform.metricsUrl}/metrics/kube`,
    'kube_horizontalpodautoscaler_status_current_replicas',
  );
  return Object.fromEntries(
    series.map((s) => [/horizontalpodautoscaler="([^"]+)"/.exec(s.labels)![1]!, s.value]),
  );
}

const AUTH = hpaName('auth-service');

describe('autoscalers', () => {
  it('scale the loaded pool alone, within its min and max, and back down after', async () => {
    const before = await replicas();
    expect(Object.keys(before).sort()).toEqual(DEPLOYMENTS.map(hpaName).sort());
    expect(Object.values(before).every((n) => n === 1)).toBe(true);

    let loaded = true;
    const highest: Record<string, number> = { ...before };
    const watch = setInterval(() => {
      void replicas().then((now) => {
        for (const [hpa, n] of Object.entries(now)) highest[hpa] = Math.max(highest[hpa] ?? 0, n);
      });
    }, 200);
    try {
      const load = loadCpu(() => !loaded);
      await waitFor(
        'auth-service above min',
        async () => ((await replicas())[AUTH]! > 1 ? true : undefined),
        60_000,
      );
      // Keep loading a few more syncs: it must never go above max.
      await sleep(3000);
      loaded = false;
      expect(await load).toBeGreaterThan(0);

      await waitFor(
        'auth-service back to min',
        async () => ((await replicas())[AUTH] === 1 ? true : undefined),
        30_000,
      );
    } finally {
      loaded = false;
      clearInterval(watch);
    }
    expect(highest[AUTH]).toBeGreaterThan(1);
    expect(highest[AUTH]).toBeLessThanOrEqual(3);
    // Only the loaded pool scaled: the gateway routed every login and stayed at 1.
    for (const [hpa, n] of Object.entries(highest))
      if (hpa !== AUTH) expect([hpa, n]).toEqual([hpa, 1]);

    expect(
      decisions.some((d) =>
        /hpa auth-service: .*replicas 1 → [23] \(cpu resource utilization/.test(d),
      ),
    ).toBe(true);
    expect(
      decisions.some((d) =>
        /hpa auth-service: .*replicas [23] → 1 \(All metrics below target/.test(d),
      ),
    ).toBe(true);
    expect(decisions.some((d) => /hpa api-gateway: .*replicas 1 → [2-9]/.test(d))).toBe(false);
    // The log has scale events only, not a line per HPA per sync.
    for (const d of decisions) {
      const [, from, to] = / replicas (\d+) → (\d+) /.exec(d) ?? [];
      expect(from, d).not.toBe(to);
    }
    const deployments = (
      (await (await admin(platform, '/state')).json()) as {
        deployments: Record<string, { max: number }>;
      }
    ).deployments;
    expect(deployments['auth-service']).toMatchObject({ max: 3 });

    // The same story through a real Prometheus scraping the metrics endpoint.
    const series = `{namespace="e-commerce-local",horizontalpodautoscaler="${AUTH}"}`;
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
    const [gatewayPeak] = await promQuery(
      platform.prometheusUrl!,
      `max_over_time(kube_horizontalpodautoscaler_status_current_replicas{horizontalpodautoscaler="api-gateway-hpa"}[5m])`,
    );
    expect(gatewayPeak).toBe(1);
    const targets = await promQuery(
      platform.prometheusUrl!,
      `kube_horizontalpodautoscaler_spec_target_metric${series}`,
    );
    expect(targets.sort()).toEqual([70, 80]);
  }, 180_000);
});

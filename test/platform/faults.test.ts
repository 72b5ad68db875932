import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from '../../infra/local/platform.ts';
import { admin, json, promQuery, scrape, state, waitFor } from './helpers.ts';

/**
 * Fault injection through the admin endpoint reaches every worker and shows
 * in a real Prometheus: added latency breaks the p95, a paused consumer grows
 * the queue, crashed workers are restarted and counted (and the platform's
 * PodCrashLooping rule sees it).
 */

let platform: Platform;
let prometheus: string;

beforeAll(async () => {
  platform = await startPlatform(
    {
      replicas: { min: 2, max: 2 },
      syncPeriodMs: 1000,
      prometheus: true,
      scrapeIntervalSeconds: 1,
    },
    { log: () => {} },
  );
  prometheus = platform.prometheusUrl!;
}, 180_000);
afterAll(async () => {
  await platform?.stop();
});

const put = (body: unknown) =>
  admin(platform, '/faults', {
    method: 'PUT',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('admin endpoint', () => {
  it('answers only the token holder, on a loopback name, from no other origin, in JSON', async () => {
    const faults = JSON.stringify({ queuePaused: true });
    const raw = (headers: Record<string, string>, body?: string) =>
      fetch(`${platform.adminUrl}/faults`, { method: body ? 'PUT' : 'GET', headers, body });
    const bearer = { authorization: `Bearer ${platform.adminToken}` };
    expect((await raw({})).status).toBe(401);
    expect((await raw({ authorization: 'Bearer not-the-token' })).status).toBe(401);
    // What a web page can send without a CORS preflight: text/plain, its own Origin.
    expect((await raw({ ...bearer, 'content-type': 'text/plain' }, faults)).status).toBe(415);
    expect((await raw({ ...bearer, origin: 'http://evil.example' })).status).toBe(403);
    // DNS rebinding: a foreign name resolving to 127.0.0.1.
    const port = new URL(platform.adminUrl).port;
    const rebound = await new Promise<number>((resolve, reject) =>
      request(
        {
          host: '127.0.0.1',
          port,
          path: '/state',
          headers: { ...bearer, host: `evil.example:${port}` },
        },
        (res) => resolve(res.statusCode!),
      )
        .on('error', reject)
        .end(),
    );
    expect(rebound).toBe(403);
    // None of them changed anything.
    expect(await (await admin(platform, '/faults')).json()).toEqual({
      routes: [],
      queuePaused: false,
    });
    expect((await raw({ ...bearer })).status).toBe(200);
  });

  it('runs Prometheus without the admin and lifecycle APIs loadgate does not use', async () => {
    expect((await fetch(`${prometheus}/api/v1/admin/tsdb/snapshot`, { method: 'POST' })).ok).toBe(
      false,
    );
    expect((await fetch(`${prometheus}/-/quit`, { method: 'POST' })).ok).toBe(false);
    expect((await fetch(`${prometheus}/-/ready`)).ok).toBe(true);
  });

  it('rejects bad fault configurations with ✖ messages and keeps the current one', async () => {
    const bad = await put({ routes: [{ route: 'products', latencyMs: -1 }] });
    expect(bad.status).toBe(400);
    const { message } = (await bad.json()) as { message: string };
    expect(message).toMatch(/✖ .* → at routes\[0\]\.route/);
    expect(message).toMatch(/✖ .* → at routes\[0\]\.latencyMs/);
    expect((await put('{not json')).status).toBe(400);
    expect(await (await admin(platform, '/faults')).json()).toEqual({
      routes: [],
      queuePaused: false,
    });
  });

  it('adds latency on one route in every worker: p95 above 1 s in Prometheus', async () => {
    const route = '/api/products/{id}';
    // Series that exist before the slow requests: rate() needs an increase
    // between two scrapes, which a series born with its count has not.
    const get = (id: number) =>
      fetch(`${platform.gatewayUrl}/api/products/${id}`, { headers: { connection: 'close' } });
    await Promise.all([1, 2, 3, 4].map(get));
    await waitFor('route series in Prometheus', async () => {
      const n = await promQuery(
        prometheus,
        `http_request_duration_seconds_count{service="api-gateway",route="${route}"}`,
      );
      return n.length === 2 ? true : undefined;
    });
    expect((await put({ routes: [{ route, latencyMs: 1500 }] })).status).toBe(200);
    // Fresh connections, so both workers answer some of them.
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => get(i + 1)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    const pods = await scrape(
      `${platform.metricsUrl}/metrics/gateway`,
      'http_request_duration_seconds_count',
    );
    expect(
      new Set(
        pods
          .filter((p) => p.labels.includes(route) && p.labels.includes('service="api-gateway"'))
          .map((p) => /pod="([^"]+)"/.exec(p.labels)?.[1]),
      ).size,
    ).toBe(2);

    const expr = `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="api-gateway",route="${route}"}[1m])))`;
    const p95 = await waitFor('p95 in Prometheus', async () => {
      const [value] = await promQuery(prometheus, expr);
      return value !== undefined && value > 1 ? value : undefined;
    });
    expect(p95).toBeGreaterThan(1);
    expect((await put({ routes: [] })).status).toBe(200);
  });

  it('pauses the order consumer: the queue series grows in Prometheus', async () => {
    expect((await put({ queuePaused: true })).status).toBe(200);
    const { token } = (await (
      await fetch(`${platform.gatewayUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'demo@example.test', password: 'demo-password' }),
      })
    ).json()) as { token: string };
    const call = (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) =>
      fetch(`${platform.gatewayUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const address = await json(
      await call('POST', '/api/addresses', {
        line1: '1 rue de la Paix',
        city: 'Paris',
        postal_code: '75002',
        country: 'FR',
      }),
    );
    const queued = async () =>
      (await promQuery(prometheus, 'sum(rabbitmq_queue_messages_ready{queue="orders"})'))[0];
    const before = await waitFor('queue series', queued);
    for (let i = 0; i < 3; i++) {
      const basket = await json(await call('POST', '/api/baskets'));
      expect(
        (
          await call('POST', `/api/baskets/${basket.data!.id}/items`, {
            product_id: i + 1,
            quantity: 1,
          })
        ).status,
      ).toBe(201);
      const order = await call(
        'POST',
        '/api/orders',
        { basket_id: basket.data!.id, address_id: address.data!.id, payment_method: 'card' },
        { 'idempotency-key': randomUUID() },
      );
      expect(order.status).toBe(202);
    }
    const after = await waitFor('queue to grow', async () => {
      const n = await queued();
      return n !== undefined && n >= before + 3 ? n : undefined;
    });
    expect(after).toBeGreaterThanOrEqual(before + 3);
    // Resumed, the consumer drains it.
    expect((await put({ queuePaused: false })).status).toBe(200);
    await waitFor('queue to drain', async () => ((await queued()) === 0 ? true : undefined));
  });

  it('restarts a crashed worker, counts it, and keeps serving', async () => {
    const crash = await admin(platform, '/crash', { method: 'POST' });
    expect(crash.status).toBe(202);
    const { crashed } = (await crash.json()) as { crashed: string };
    const restarts = async (pod: string) =>
      (
        await scrape(
          `${platform.metricsUrl}/metrics/kube`,
          'kube_pod_container_status_restarts_total',
        )
      ).find((s) => s.labels.includes(`pod="${pod}"`))?.value;
    await waitFor('restart counted', async () =>
      (await restarts(crashed)) === 1 ? true : undefined,
    );
    await waitFor('pod ready again', async () => {
      const s = await state(platform);
      return s.pods.length === 2 && s.pods.every((p) => p.ready) ? true : undefined;
    });
    expect((await fetch(`${platform.gatewayUrl}/health`)).status).toBe(200);

    // A crash loop: the same pod keeps crashing, the counter keeps rising.
    const loop = (body: unknown) =>
      admin(platform, '/crash', { method: 'POST', body: JSON.stringify(body) });
    expect((await loop({ crashLoop: { everyMs: 300 } })).status).toBe(200);
    // Each restart starts a worker: slow on a busy machine.
    await waitFor(
      'crash loop',
      async () => (((await restarts(crashed)) ?? 0) >= 3 ? true : undefined),
      90_000,
    );
    expect((await loop({ crashLoop: null })).status).toBe(200);
    expect((await loop({ crashLoop: { everyMs: 1 } })).status).toBe(400);

    // The platform's own alert rule, evaluated by the local Prometheus.
    const firing = await waitFor('PodCrashLooping', async () => {
      const alerts = await promQuery(
        prometheus,
        `ALERTS{alertname="PodCrashLooping",alertstate="firing",pod="${crashed}"}`,
      );
      return alerts.length > 0 ? alerts : undefined;
    });
    expect(firing).toEqual([1]);
  }, 180_000);
});

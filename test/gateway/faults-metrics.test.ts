import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultConfig } from '../../infra/local/gateway/options.ts';
import {
  type Running,
  api,
  eventually,
  metricsText,
  newUser,
  sample,
  startGateway,
} from './helpers.ts';

let gw: Running;

beforeAll(async () => {
  gw = await startGateway({ orderConfirmDelayMs: 50, dbBusyTimeoutMs: 100 });
});
afterAll(() => gw.stop());

const PRODUCT = 'route="/api/products/{id}",method="GET",status="200"';
const bucket = (text: string, le: string, labels = PRODUCT): number =>
  sample(
    text,
    `http_request_duration_seconds_bucket{le="${le}",service="api-gateway",${labels}}`,
  ) ?? 0;

describe('metrics exposition', () => {
  it('has the contract names, route templates (not raw paths) and the alert series', async () => {
    await api(gw.url, '/api/products/17');
    await api(gw.url, '/api/products/18');
    await api(gw.url, '/no/such/path');
    const text = await metricsText(gw.url);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE http_requests_total counter');
    // From 0.5 ms: local requests take ~1 ms, and a first bucket at 5 ms
    // made every server-side quantile read ~4.8 ms (issue 13).
    for (const le of [
      '0.0005',
      '0.001',
      '0.0025',
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]) {
      expect(text).toContain(
        `http_request_duration_seconds_bucket{le="${le}",service="api-gateway",${PRODUCT}}`,
      );
    }
    expect(
      sample(text, `http_requests_total{service="api-gateway",${PRODUCT}}`),
    ).toBeGreaterThanOrEqual(2);
    expect(text).not.toMatch(/route="\/api\/products\/1[78]"/);
    expect(
      sample(
        text,
        'http_requests_total{service="api-gateway",route="unmatched",method="GET",status="404"}',
      ),
    ).toBe(1);
    expect(sample(text, 'db_connection_errors_total{service="api-gateway"}')).toBe(0);
    expect(sample(text, 'rabbitmq_queue_messages_ready{queue="orders"}')).toBe(0);
    for (const name of [
      'shop_orders_total',
      'shop_basket_items_added_total',
      'shop_sav_tickets_total',
      'shop_newsletter_subscriptions_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} counter`);
    }
  });

  it('counts business events', async () => {
    const before = await metricsText(gw.url);
    const { token } = await newUser(gw.url);
    const basket = (await api(gw.url, '/api/baskets', { method: 'POST', token })).body.data
      .id as number;
    await api(gw.url, `/api/baskets/${basket}/items`, {
      token,
      json: { product_id: 1, quantity: 1 },
    });
    await api(gw.url, '/api/newsletters/subscriptions', {
      json: { email: 'count@example.test', list: 'promotions' },
    });
    const after = await metricsText(gw.url);
    const delta = (series: string): number =>
      (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
    expect(delta('shop_basket_items_added_total{service="api-gateway"}')).toBe(1);
    expect(
      delta('shop_newsletter_subscriptions_total{service="api-gateway",list="promotions"}'),
    ).toBe(1);
  });

  it('labels unknown methods OTHER instead of echoing them', async () => {
    await fetch(`${gw.url}/api/products/1`, { method: 'PURGE' });
    const text = await metricsText(gw.url);
    expect(text).not.toContain('PURGE');
    expect(text).toContain('method="OTHER"');
  });
});

describe('fault injection', () => {
  it('adds latency to one route only: visible in the histogram buckets', async () => {
    gw.gateway.setFaults({ routes: [{ route: '/api/products/{id}', latencyMs: 400 }] });
    try {
      const before = await metricsText(gw.url);
      for (let i = 0; i < 3; i++) expect((await api(gw.url, '/api/products/5')).status).toBe(200);
      await api(gw.url, '/api/categories');
      const after = await metricsText(gw.url);
      // All three slow requests landed above 0.25 s and at or below 0.5 s (400 ms + a little).
      expect(bucket(after, '0.25') - bucket(before, '0.25')).toBe(0);
      expect(bucket(after, '+Inf') - bucket(before, '+Inf')).toBe(3);
      // Other routes are untouched by that rule.
      const categories = 'route="/api/categories",method="GET",status="200"';
      expect(bucket(after, '0.25', categories)).toBe(bucket(after, '+Inf', categories));
    } finally {
      gw.gateway.setFaults({});
    }
  });

  it('random latency in a range, narrowed by method', async () => {
    gw.gateway.setFaults({
      routes: [{ route: '*', method: 'POST', latencyMs: { min: 300, max: 350 } }],
    });
    try {
      const before = await metricsText(gw.url);
      await api(gw.url, '/api/products/5');
      const sub = await api(gw.url, '/api/newsletters/subscriptions', {
        json: { email: 'slow@example.test', list: 'weekly' },
      });
      expect(sub.status).toBe(201);
      const after = await metricsText(gw.url);
      const subscribe = 'route="/api/newsletters/subscriptions",method="POST",status="201"';
      expect(bucket(after, '0.25', subscribe) - bucket(before, '0.25', subscribe)).toBe(0);
      expect(bucket(after, '+Inf', subscribe) - bucket(before, '+Inf', subscribe)).toBe(1);
      expect(bucket(after, '0.25') - bucket(before, '0.25')).toBe(1);
    } finally {
      gw.gateway.setFaults({});
    }
  });

  it('answers a ratio of requests with the injected status, and metrics count them', async () => {
    gw.gateway.setFaults({ routes: [{ route: '/api/categories', errorRatio: 1 }] });
    const res = await api(gw.url, '/api/categories');
    expect(res.status).toBe(503);
    expect(res.body.message).toMatch(/injected/i);

    gw.gateway.setFaults({
      routes: [{ route: '/api/categories', errorRatio: 0.5, errorStatus: 500 }],
    });
    const statuses = new Set<number>();
    for (let i = 0; i < 100; i++) statuses.add((await api(gw.url, '/api/categories')).status);
    expect([...statuses].sort()).toEqual([200, 500]);
    gw.gateway.setFaults({});
    expect((await api(gw.url, '/api/categories')).status).toBe(200);

    const text = await metricsText(gw.url);
    expect(
      sample(
        text,
        'http_requests_total{service="api-gateway",route="/api/categories",method="GET",status="503"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'http_requests_total{service="api-gateway",route="/api/categories",method="GET",status="500"}',
      ),
    ).toBeGreaterThan(0);
  });

  it('a paused consumer lets the queue grow; resuming drains it and confirms the orders', async () => {
    const { token } = await newUser(gw.url);
    const basket = (await api(gw.url, '/api/baskets', { method: 'POST', token })).body.data
      .id as number;
    await api(gw.url, `/api/baskets/${basket}/items`, {
      token,
      json: { product_id: 2, quantity: 1 },
    });
    const address = (
      await api(gw.url, '/api/addresses', {
        token,
        json: { line1: 'a', city: 'b', postal_code: 'c', country: 'DE' },
      })
    ).body.data.id as number;

    gw.gateway.setFaults({ queuePaused: true });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api(gw.url, '/api/orders', {
        token,
        headers: { 'idempotency-key': `paused-${i}` },
        json: { basket_id: basket, address_id: address, payment_method: 'card' },
      });
      expect(res.status).toBe(202);
      ids.push(res.body.data.id as number);
    }
    const ready = 'rabbitmq_queue_messages_ready{queue="orders"}';
    expect(sample(await metricsText(gw.url), ready)).toBe(3);
    // Well past the 50 ms confirmation delay, still nothing is consumed.
    await new Promise((r) => setTimeout(r, 300));
    expect(sample(await metricsText(gw.url), ready)).toBe(3);
    expect((await api(gw.url, `/api/orders/${ids[0]}`, { token })).body.data.status).toBe(
      'pending',
    );

    gw.gateway.setFaults({ queuePaused: false });
    await eventually(async () =>
      sample(await metricsText(gw.url), ready) === 0 ? true : undefined,
    );
    for (const id of ids) {
      expect((await api(gw.url, `/api/orders/${id}`, { token })).body.data.status).toBe(
        'confirmed',
      );
    }
  });

  it('validates fault configs (the schema is exported for the admin endpoint)', () => {
    expect(() => gw.gateway.setFaults({ routes: [{ route: '/x', errorRatio: 2 }] })).toThrow();
    expect(() =>
      gw.gateway.setFaults({ routes: [{ route: '/x', latencyMs: { min: 5, max: 1 } }] }),
    ).toThrow();
    expect(FaultConfig.safeParse({ routes: [], typo: true }).success).toBe(false);
    expect(FaultConfig.parse({})).toEqual({ routes: [], queuePaused: false });
  });

  it('applies faults given at creation', async () => {
    const g = await startGateway({
      faults: { routes: [{ route: '/health', errorRatio: 1, errorStatus: 502 }] },
    });
    try {
      expect((await api(g.url, '/health')).status).toBe(502);
    } finally {
      await g.stop();
    }
  });
});

describe('database failures', () => {
  it('a locked database gives 503 and counts db_connection_errors_total; the service recovers', async () => {
    const series = 'db_connection_errors_total{service="api-gateway"}';
    const before = sample(await metricsText(gw.url), series) ?? 0;
    const blocker = new Database(join(gw.dataDir, 'gateway.sqlite'));
    blocker.exec('BEGIN EXCLUSIVE');
    try {
      const res = await api(gw.url, '/api/newsletters/subscriptions', {
        json: { email: 'locked@example.test', list: 'weekly' },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect(sample(await metricsText(gw.url), series)).toBeGreaterThan(before);
    const ok = await api(gw.url, '/api/newsletters/subscriptions', {
      json: { email: 'locked@example.test', list: 'weekly' },
    });
    expect(ok.status).toBe(201);
  });
});

// The five journeys against an in-memory gateway that follows the contract:
// every check passes, the business metrics are recorded, and the run id and
// template names reach every request.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeGateway } from './fake-gateway.ts';
import { k6Globals } from './shim/globals.ts';
import { failedChecks, reset, state } from './shim/state.ts';

vi.mock('k6', () => import('./shim/k6.ts'));
vi.mock('k6/http', () => import('./shim/http.ts'));
vi.mock('k6/metrics', () => import('./shim/metrics.ts'));
vi.mock('k6/data', () => import('./shim/data.ts'));
vi.mock('k6/execution', () => import('./shim/execution.ts'));

const { loadConfig } = await import('../../lib/config.ts');
const config = loadConfig({ BASE_URL: 'http://127.0.0.1:8100', RUN_ID: 'unit-1', THINK_TIME: '0' });

/** lib/ loaded afresh: each test starts as a new VU (no session yet). */
async function freshVu() {
  vi.resetModules();
  return {
    discover: (await import('../../lib/setup.ts')).discover,
    browse: (await import('../../lib/journeys/browse.ts')).browse,
    basket: (await import('../../lib/journeys/basket.ts')).basket,
    checkout: (await import('../../lib/journeys/checkout.ts')).checkout,
    savUpload: (await import('../../lib/journeys/sav-upload.ts')).savUpload,
    newsletter: (await import('../../lib/journeys/newsletter.ts')).newsletter,
  };
}
let vu: Awaited<ReturnType<typeof freshVu>>;

beforeEach(async () => {
  vu = await freshVu();
  k6Globals({ vu: 3, iter: 0 });
  reset(fakeGateway());
});

function setupData() {
  const data = vu.discover(config);
  reset();
  return data;
}

describe('journeys against a contract-following gateway', () => {
  it('setup() discovers products and categories', () => {
    expect(vu.discover(config)).toEqual({
      runId: 'unit-1',
      productIds: [1, 2, 3],
      categories: ['kitchen'],
    });
  });

  it('setup() fails fast, naming the gateway, when /health is not ok', () => {
    reset(() => ({ status: 0, error: 'dial tcp 127.0.0.1:8100: connect: connection refused' }));
    expect(() => vu.discover(config)).toThrow(
      'gateway at http://127.0.0.1:8100 is not healthy: dial tcp 127.0.0.1:8100: connect: connection refused',
    );
    reset(() => ({ status: 503, body: 'down for maintenance' }));
    expect(() => vu.discover(config)).toThrow(
      'is not healthy: GET /health answered 503 down for maintenance',
    );
  });

  it.each([
    ['browse', 4],
    ['basket', 9],
    ['checkout', 9],
    ['savUpload', 3],
    ['newsletter', 4],
  ] as const)('%s: every check passes', (name, minRequests) => {
    const data = setupData();
    vu[name](config, data);
    expect(failedChecks()).toEqual([]);
    expect(state.requests.length).toBeGreaterThanOrEqual(minRequests);
    for (const req of state.requests) {
      expect(req.headers['X-Load-Test-Run']).toBe('unit-1');
      expect(req.tags.name).not.toMatch(/\/\d/); // templates, never raw ids
    }
  });

  it('basket registers one user per VU, on its first iteration only', () => {
    const data = setupData();
    vu.basket(config, data);
    k6Globals({ vu: 3, iter: 1 });
    vu.basket(config, data);
    const registrations = state.requests.filter((r) => r.tags.name === 'POST /api/auth/register');
    expect(registrations.map((r) => JSON.parse(String(r.body)).email)).toEqual([
      'loadtest+unit-1-3-0@example.test',
    ]);
    expect(state.samples.basket_add_duration).toHaveLength(4);
  });

  it('VU 1 of two instances of a split test uses its own e-mails, not those of the other instance', async () => {
    const data = setupData();
    const emails = (name: string) =>
      state.requests
        .filter((r) => r.tags.name === name)
        .map((r) => JSON.parse(String(r.body)).email);
    const seen: string[][] = [];
    // The same __VU and run id in both instances (k6-operator's pods, --runners): only
    // exec.vu.idInTest tells them apart.
    for (const vuInTest of [1, 4]) {
      reset(fakeGateway());
      k6Globals({ vu: 1, vuInTest, iter: 0 });
      const fresh = await freshVu();
      fresh.basket(config, data);
      fresh.newsletter(config, data);
      seen.push([
        ...emails('POST /api/auth/register'),
        ...new Set(emails('POST /api/newsletters/subscriptions')),
      ]);
    }
    expect(seen).toEqual([
      ['loadtest+unit-1-1-0@example.test', 'loadtest+unit-1-1-0@example.test'],
      ['loadtest+unit-1-4-0@example.test', 'loadtest+unit-1-4-0@example.test'],
    ]);
  });

  it('checkout polls until the order is confirmed and records the confirmation time', () => {
    reset(fakeGateway({ pollsUntilConfirmed: 3 }));
    const data = setupData();
    vu.checkout(config, data);
    expect(failedChecks()).toEqual([]);
    expect(state.requests.filter((r) => r.tags.name === 'GET /api/orders/{id}')).toHaveLength(3);
    expect(state.sleeps.filter((s) => s === 0.25)).toHaveLength(3);
    expect(state.samples.order_confirmation_time).toHaveLength(1);
    const orders = state.requests.filter((r) => r.tags.name === 'POST /api/orders');
    expect(orders).toHaveLength(2);
    expect(orders[0]!.headers['Idempotency-Key']).toBe(orders[1]!.headers['Idempotency-Key']);
  });

  it('sav-upload counts the uploaded bytes; newsletter counts new subscriptions', () => {
    const data = setupData();
    vu.savUpload(config, data);
    vu.newsletter(config, data);
    expect(state.samples.sav_upload_bytes?.[0]).toBeGreaterThan(300);
    expect(state.samples.newsletter_subscriptions).toEqual([1]);
  });

  it('uses pre-provisioned users when given, VU n taking line n', () => {
    const data = setupData();
    reset((req) =>
      req.tags.name === 'POST /api/auth/login'
        ? { status: 200, body: { token: 'jwt-token', user: { id: 1, name: 'n', email: 'e' } } }
        : { status: 404 },
    );
    const users = [
      { email: 'a@x.test', password: 'p1' },
      { email: 'b@x.test', password: 'p2' },
    ];
    vu.basket(config, data, users);
    expect(JSON.parse(String(state.requests[0]!.body))).toEqual({
      email: 'a@x.test',
      password: 'p1',
    }); // VU 3 → line 1 (wraps)
  });
});

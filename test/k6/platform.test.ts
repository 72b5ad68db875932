// lib/'s journeys against the real local platform gateway (infra/local/gateway,
// in a child process), through the k6 shim with real synchronous HTTP: the
// contract of docs/gateway-api.md as both sides implement it.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Journey } from '../../lib/catalogue.ts';
import { startLocalGateway, type LocalGateway } from './local-gateway.ts';
import { k6Globals } from './shim/globals.ts';
import { realHttp, type RealHttp } from './shim/real-http.ts';
import { failedChecks, reset, state } from './shim/state.ts';

vi.mock('k6', () => import('./shim/k6.ts'));
vi.mock('k6/http', () => import('./shim/http.ts'));
vi.mock('k6/metrics', () => import('./shim/metrics.ts'));
vi.mock('k6/data', () => import('./shim/data.ts'));
vi.mock('k6/execution', () => import('./shim/execution.ts'));

const { loadConfig } = await import('../../lib/config.ts');
const { discover } = await import('../../lib/setup.ts');
const journeys = {
  browse: (await import('../../lib/journeys/browse.ts')).browse,
  basket: (await import('../../lib/journeys/basket.ts')).basket,
  checkout: (await import('../../lib/journeys/checkout.ts')).checkout,
  'sav-upload': (await import('../../lib/journeys/sav-upload.ts')).savUpload,
  newsletter: (await import('../../lib/journeys/newsletter.ts')).newsletter,
} satisfies Record<Journey, unknown>;

let gateway: LocalGateway;
let baseUrl: string;
let http: RealHttp;

beforeAll(async () => {
  gateway = await startLocalGateway();
  baseUrl = gateway.url;
  http = realHttp();
});

afterAll(async () => {
  await http?.close();
  await gateway?.stop();
});

beforeEach(() => {
  k6Globals({ vu: 1, iter: 0 });
  reset(http.respond);
});

describe('journeys against the local platform gateway', () => {
  it('every journey passes every check, twice in a row for the same VU', () => {
    const config = loadConfig({ BASE_URL: baseUrl, THINK_TIME: '0' });
    const data = discover(config);
    expect(data.productIds.length).toBeGreaterThan(10);
    expect(data.categories.length).toBeGreaterThanOrEqual(20);
    for (const [name, journey] of Object.entries(journeys)) {
      for (const iter of [0, 1]) {
        k6Globals({ vu: 1, iter });
        journey(config, data);
        expect(failedChecks(), `${name}, iteration ${iter}`).toEqual([]);
      }
    }
    expect(state.samples.order_confirmation_time).toHaveLength(2);
    expect(state.samples.newsletter_subscriptions).toEqual([1, 1]);
  });

  it('signs in the pre-provisioned users of USERS_FILE (seeded demo user)', async () => {
    vi.resetModules(); // a new VU: no session yet
    const { basket } = await import('../../lib/journeys/basket.ts');
    const config = loadConfig({ BASE_URL: baseUrl, THINK_TIME: '0' });
    const data = discover(config);
    reset(http.respond);
    basket(config, data, [{ email: 'demo@example.test', password: 'demo-password' }]);
    expect(failedChecks()).toEqual([]);
    expect(state.requests[0]?.tags.name).toBe('POST /api/auth/login');
    expect(state.requests.some((r) => r.tags.name === 'POST /api/auth/register')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ROUTE_TEMPLATES } from '../../infra/local/gateway/routes.ts';
import { GATEWAY, SERVICES, replicaSummary, serviceOfRoute } from '../../infra/local/services.ts';

describe('the local platform’s deployments', () => {
  it('gives every route of the gateway API to the service that owns it', () => {
    const owners = Object.fromEntries(ROUTE_TEMPLATES.map((t) => [t, serviceOfRoute(t)]));
    expect(owners).toMatchObject({
      '/health': GATEWAY,
      '/api/auth/login': 'auth-service',
      '/api/products/{id}': 'products-service',
      '/api/categories': 'products-service',
      '/api/baskets/{id}/items': 'baskets-service',
      '/api/orders': 'orders-service',
      '/api/addresses': 'addresses-service',
      '/api/sav/tickets': 'sav-service',
      '/api/newsletters/subscriptions': 'newsletters-service',
    });
    // Every service serves at least one route, and only /health stays at the gateway.
    for (const s of SERVICES.filter((s) => s.deployment !== GATEWAY))
      expect(Object.values(owners)).toContain(s.deployment);
    expect(Object.entries(owners).filter(([, d]) => d === GATEWAY)).toEqual([['/health', GATEWAY]]);
  });

  it('says each deployment’s replicas in a short progress suffix', () => {
    expect(replicaSummary({ 'api-gateway': 4, 'auth-service': 3, 'newsletters-service': 2 })).toBe(
      'replicas gw 4 auth 3 news 2',
    );
    expect(replicaSummary({})).toBeUndefined();
  });
});

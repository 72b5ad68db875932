// An in-memory gateway following docs/gateway-api.md, answering the k6 shim's
// requests, so the journeys can be run end to end in a unit test.
import type { ShimRequest, ShimResponse } from './shim/state.ts';
import * as body from './fixtures.ts';

export function fakeGateway(opts: { pollsUntilConfirmed?: number } = {}) {
  const baskets = new Map<number, { id: number; product_id: number; quantity: number }[]>();
  const promos = new Map<number, string>();
  const orders = new Map<number, { polls: number; key: string; body: string }>();
  const subscriptions = new Map<string, { id: number; email: string; list: string }>();
  const emails = new Set<string>();
  let next = 100;

  const basketBody = (id: number) => body.basket(id, baskets.get(id) ?? [], promos.get(id) ?? null);

  return (req: ShimRequest): ShimResponse => {
    const path = req.url.replace(/^https?:\/\/[^/]+/, '').split('?')[0]!;
    const json = typeof req.body === 'string' ? JSON.parse(req.body) : req.body;
    const route = `${req.method} ${path.replace(/\/\d+/g, '/:id')}`;
    const ids = [...path.matchAll(/\/(\d+)/g)].map((m) => Number(m[1]));
    const authed = req.headers.Authorization === 'Bearer jwt-token';
    const needsAuth = /baskets|addresses|orders|sav|auth\/me/.test(path);
    if (needsAuth && !authed) return { status: 401, body: { message: 'unauthenticated' } };

    switch (route) {
      case 'GET /health':
        return { status: 200, body: { status: 'ok' } };
      case 'POST /api/auth/register':
        if (emails.has(json.email)) return { status: 409, body: { message: 'taken' } };
        emails.add(json.email);
        return { status: 201, body: body.auth };
      case 'GET /api/categories':
        return { status: 200, body: { data: [{ id: 1, name: 'Kitchen', slug: 'kitchen' }] } };
      case 'GET /api/products':
        return {
          status: 200,
          body: {
            data: [body.product(1), body.product(2), body.product(3)],
            meta: { current_page: 1, per_page: 20, total: 3, last_page: 1 },
          },
        };
      case 'GET /api/products/:id':
        return { status: 200, body: { data: body.product(ids[0]!) } };
      case 'POST /api/baskets': {
        const id = next++;
        baskets.set(id, []);
        return { status: 201, body: { data: basketBody(id) } };
      }
      case 'GET /api/baskets/:id':
        return { status: 200, body: { data: basketBody(ids[0]!) } };
      case 'POST /api/baskets/:id/items':
        baskets
          .get(ids[0]!)!
          .push({ id: next++, product_id: json.product_id, quantity: json.quantity });
        return { status: 201, body: { data: basketBody(ids[0]!) } };
      case 'PATCH /api/baskets/:id/items/:id':
        baskets.get(ids[0]!)!.find((i) => i.id === ids[1])!.quantity = json.quantity;
        return { status: 200, body: { data: basketBody(ids[0]!) } };
      case 'DELETE /api/baskets/:id/items/:id':
        baskets.set(
          ids[0]!,
          baskets.get(ids[0]!)!.filter((i) => i.id !== ids[1]),
        );
        return { status: 200, body: { data: basketBody(ids[0]!) } };
      case 'POST /api/baskets/:id/promo':
        if (json.code !== 'WELCOME10')
          return { status: 422, body: { message: 'invalid', errors: { code: ['unknown'] } } };
        promos.set(ids[0]!, json.code);
        return { status: 200, body: { data: basketBody(ids[0]!) } };
      case 'POST /api/addresses':
        return { status: 201, body: { data: { id: 3, ...json } } };
      case 'POST /api/orders': {
        const key = req.headers['Idempotency-Key']!;
        const found = [...orders].find(([, o]) => o.key === key);
        if (found && found[1].body !== req.body)
          return { status: 409, body: { message: 'conflict' } };
        const id = found?.[0] ?? next++;
        if (!found) orders.set(id, { polls: 0, key, body: String(req.body) });
        return {
          status: 202,
          body: { data: { ...body.order(id, 'pending'), basket_id: json.basket_id } },
        };
      }
      case 'GET /api/orders/:id': {
        const o = orders.get(ids[0]!)!;
        o.polls++;
        const status = o.polls >= (opts.pollsUntilConfirmed ?? 2) ? 'confirmed' : 'pending';
        return { status: 200, body: { data: body.order(ids[0]!, status) } };
      }
      case 'POST /api/sav/tickets': {
        const fields = json as {
          subject: string;
          message: string;
          attachment: { data: ArrayBuffer; content_type: string; filename: string };
        };
        return { status: 201, body: { data: ticket(44, fields.subject, fields.attachment) } };
      }
      case 'GET /api/sav/tickets/:id':
        return {
          status: 200,
          body: {
            data: ticket(ids[0]!, 's', {
              data: new ArrayBuffer(1),
              content_type: 'image/png',
              filename: 'x.png',
            }),
          },
        };
      case 'POST /api/newsletters/subscriptions': {
        const known = subscriptions.get(json.email);
        const sub = known ?? { id: next++, email: json.email, list: json.list };
        subscriptions.set(json.email, sub);
        const view = { ...sub, status: 'subscribed', created_at: '2025-01-01T00:00:00Z' };
        return known
          ? { status: 200, body: { data: view } }
          : { status: 201, body: { data: { ...view, unsubscribe_token: `tok-${sub.id}` } } };
      }
      case 'GET /api/newsletters/subscriptions/:id':
      case 'DELETE /api/newsletters/subscriptions/:id': {
        const sub = [...subscriptions.values()].find((s) => s.id === ids[0]);
        if (!sub || req.headers['X-Subscription-Token'] !== `tok-${sub.id}`)
          return { status: 404, body: { message: 'Subscription not found' } };
        if (req.method === 'DELETE') return { status: 204 };
        return {
          status: 200,
          body: { data: { ...sub, status: 'subscribed', created_at: '2025-01-01T00:00:00Z' } },
        };
      }
    }
    return { status: 404, body: { message: `no route ${route}` } };
  };
}

function ticket(
  id: number,
  subject: string,
  attachment: { data: ArrayBuffer; content_type: string; filename: string },
) {
  return {
    id,
    subject,
    message: 'm',
    order_id: null,
    status: 'open',
    attachment: {
      filename: attachment.filename,
      mime_type: attachment.content_type,
      size: attachment.data.byteLength,
      sha256: 'ab',
    },
    created_at: '2025-01-01T00:00:00Z',
  };
}

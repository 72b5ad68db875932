import { beforeEach, describe, expect, it, vi } from 'vitest';
import { k6Globals } from './shim/globals.ts';
import { failedChecks, reset, state } from './shim/state.ts';
import * as body from './fixtures.ts';

vi.mock('k6', () => import('./shim/k6.ts'));
vi.mock('k6/http', () => import('./shim/http.ts'));

const { Gateway } = await import('../../lib/gateway.ts');
const { ATTACHMENTS } = await import('../../lib/attachments.ts');

const base = 'http://127.0.0.1:8100';

beforeEach(() => {
  k6Globals();
  reset();
});

describe('gateway client', () => {
  it('names every request by its path template and marks the run', () => {
    reset(() => ({ status: 200, body: { data: body.product(42) } }));
    const gw = new Gateway(base, 'run-7');
    const reply = gw.product(42);
    expect(reply.data?.id).toBe(42);
    const [req] = state.requests;
    expect(req).toMatchObject({
      method: 'GET',
      url: `${base}/api/products/42`,
      tags: { name: 'GET /api/products/{id}' },
      expected: [200],
    });
    expect(req?.headers['X-Load-Test-Run']).toBe('run-7');
    expect(req?.headers.Authorization).toBeUndefined();
    expect(failedChecks()).toEqual([]);
  });

  it('sends the bearer token once signed in, and JSON bodies', () => {
    reset(() => ({
      status: 201,
      body: { data: body.basket(5, [{ id: 1, product_id: 9, quantity: 2 }]) },
    }));
    const shop = new Gateway(base, 'r').as('jwt-1');
    shop.addItem(5, { product_id: 9, quantity: 2 });
    const [req] = state.requests;
    expect(req?.headers.Authorization).toBe('Bearer jwt-1');
    expect(req?.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(req?.body))).toEqual({ product_id: 9, quantity: 2 });
    expect(req?.tags.name).toBe('POST /api/baskets/{id}/items');
  });

  it('covers every path of the contract with a stable name', () => {
    reset(() => ({ status: 500 }));
    const gw = new Gateway(base, 'r', 't');
    gw.health();
    gw.register({ name: 'n', email: 'e@x.test', password: 'password1' });
    gw.login({ email: 'e@x.test', password: 'password1' });
    gw.me();
    gw.categories();
    gw.products({ page: 2, perPage: 20, search: 'red chair', category: 'kitchen' });
    gw.product(1);
    gw.createBasket();
    gw.basket(11);
    gw.addItem(11, { product_id: 1, quantity: 1 });
    gw.updateItem(11, 22, 3);
    gw.removeItem(11, 22);
    gw.applyPromo(11, 'WELCOME10');
    gw.rejectPromo(11, 'NOPE');
    gw.createAddress({ line1: 'l', city: 'c', postal_code: 'p', country: 'FR' });
    gw.createOrder({ basket_id: 11, address_id: 3, payment_method: 'card' }, 'key-1');
    gw.order(33);
    gw.createTicket({ subject: 's', message: 'm', orderId: 33, attachment: ATTACHMENTS[0]! });
    gw.ticket(44);
    gw.subscribe({ email: 'e@x.test', list: 'weekly' });
    gw.subscription(55, 'tok');
    gw.unsubscribe(55, 'tok');
    expect(
      state.requests.map(
        (r) => `${r.method} ${r.url.slice(base.length)} | ${r.tags.name} | ${r.expected}`,
      ),
    ).toEqual([
      'GET /health | GET /health | 200',
      'POST /api/auth/register | POST /api/auth/register | 201',
      'POST /api/auth/login | POST /api/auth/login | 200',
      'GET /api/auth/me | GET /api/auth/me | 200',
      'GET /api/categories | GET /api/categories | 200',
      'GET /api/products?page=2&per_page=20&search=red%20chair&category=kitchen | GET /api/products | 200',
      'GET /api/products/1 | GET /api/products/{id} | 200',
      'POST /api/baskets | POST /api/baskets | 201',
      'GET /api/baskets/11 | GET /api/baskets/{id} | 200',
      'POST /api/baskets/11/items | POST /api/baskets/{id}/items | 201',
      'PATCH /api/baskets/11/items/22 | PATCH /api/baskets/{id}/items/{itemId} | 200',
      'DELETE /api/baskets/11/items/22 | DELETE /api/baskets/{id}/items/{itemId} | 200',
      'POST /api/baskets/11/promo | POST /api/baskets/{id}/promo | 200',
      'POST /api/baskets/11/promo | POST /api/baskets/{id}/promo | 422',
      'POST /api/addresses | POST /api/addresses | 201',
      'POST /api/orders | POST /api/orders | 202',
      'GET /api/orders/33 | GET /api/orders/{id} | 200',
      'POST /api/sav/tickets | POST /api/sav/tickets | 201',
      'GET /api/sav/tickets/44 | GET /api/sav/tickets/{id} | 200',
      'POST /api/newsletters/subscriptions | POST /api/newsletters/subscriptions | 201,200',
      'GET /api/newsletters/subscriptions/55 | GET /api/newsletters/subscriptions/{id} | 200',
      'DELETE /api/newsletters/subscriptions/55 | DELETE /api/newsletters/subscriptions/{id} | 204',
    ]);
    for (const req of state.requests) expect(req.headers['X-Load-Test-Run']).toBe('r');
    // Status 500 everywhere: every status check failed, and no body was trusted.
    expect(state.checks.filter((c) => c.ok)).toEqual([]);
  });

  it('sends the Idempotency-Key header with an order', () => {
    reset(() => ({ status: 202, body: { data: body.order(1, 'pending') } }));
    new Gateway(base, 'r', 't').createOrder(
      { basket_id: 7, address_id: 3, payment_method: 'card' },
      'k-123',
    );
    expect(state.requests[0]?.headers['Idempotency-Key']).toBe('k-123');
    expect(failedChecks()).toEqual([]);
  });

  it('uploads the attachment as a multipart file field', () => {
    reset(() => ({ status: 201, body: {} }));
    const pdf = ATTACHMENTS[0]!;
    new Gateway(base, 'r', 't').createTicket({
      subject: 's',
      message: 'm',
      orderId: 9,
      attachment: pdf,
    });
    const req = state.requests[0]!;
    expect(req.body).toMatchObject({
      subject: 's',
      message: 'm',
      order_id: '9',
      attachment: { data: pdf.data, filename: 'invoice.pdf', content_type: 'application/pdf' },
    });
    expect(req.headers['Content-Type']).toBeUndefined(); // k6 sets the multipart boundary itself
  });

  it('counts an expected 422 as a success, and checks its error body', () => {
    reset(() => ({
      status: 422,
      body: { message: 'invalid', errors: { code: ['unknown promo code'] } },
    }));
    const reply = new Gateway(base, 'r', 't').rejectPromo(3, 'NOPE');
    expect(state.requests[0]?.expected).toEqual([422]);
    expect(reply.data?.errors?.code).toEqual(['unknown promo code']);
    expect(failedChecks()).toEqual([]);
  });

  it('fails the schema check when the body does not match the contract', () => {
    reset(() => ({ status: 200, body: { data: { ...body.product(3), price: 'cheap' } } }));
    const reply = new Gateway(base, 'r').product(3);
    expect(reply.data).toBeUndefined();
    expect(failedChecks()).toEqual([' › GET /api/products/{id} → 200 body matches schema']);
  });

  it('fails the status check on an unexpected status', () => {
    reset(() => ({ status: 401, body: { message: 'no token' } }));
    const reply = new Gateway(base, 'r').me();
    expect(reply.data).toBeUndefined();
    expect(failedChecks()).toContain(' › GET /api/auth/me → 200');
  });
});

describe('attachments', () => {
  const text = (buf: ArrayBuffer) => String.fromCharCode(...new Uint8Array(buf));

  it('are a real PDF (magic bytes, cross-reference offsets) and a real PNG', () => {
    const [pdf, png] = ATTACHMENTS;
    const doc = text(pdf!.data);
    expect(doc.startsWith('%PDF-1.4\n')).toBe(true);
    expect(doc.trimEnd().endsWith('%%EOF')).toBe(true);
    // Every xref entry points at the start of its object.
    const xrefAt = Number(/startxref\n(\d+)/.exec(doc)?.[1]);
    expect(doc.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const offsets = [...doc.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(5);
    offsets.forEach((offset, i) =>
      expect(doc.slice(offset).startsWith(`${i + 1} 0 obj`)).toBe(true),
    );

    const bytes = new Uint8Array(png!.data);
    expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(text(png!.data).endsWith('IEND\xaeB`\x82')).toBe(true);
  });
});

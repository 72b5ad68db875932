import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, api, demoToken, eventually, newUser, startGateway } from './helpers.ts';

let gw: Running;
let url: string;

beforeAll(async () => {
  gw = await startGateway({ orderConfirmDelayMs: 100 });
  url = gw.url;
});
afterAll(() => gw.stop());

describe('health and auth', () => {
  it('GET /health answers ok', async () => {
    const res = await api(url, '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('registers, logs in and tells who is logged in', async () => {
    const email = `alice-${Date.now()}@Example.test`;
    const reg = await api(url, '/api/auth/register', {
      json: { name: 'Alice', email, password: 'long-enough' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toEqual({
      id: expect.any(Number),
      name: 'Alice',
      email: email.toLowerCase(),
    });
    expect(reg.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const login = await api(url, '/api/auth/login', { json: { email, password: 'long-enough' } });
    expect(login.status).toBe(200);
    expect(login.body.user).toEqual(reg.body.user);

    const me = await api(url, '/api/auth/me', { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ data: reg.body.user });
  });

  it('refuses a taken e-mail (409) and invalid fields (422 with field errors)', async () => {
    const taken = await api(url, '/api/auth/register', {
      json: { name: 'Again', email: 'demo@example.test', password: 'whatever-123' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.errors.email).toHaveLength(1);

    const invalid = await api(url, '/api/auth/register', {
      json: { name: '', email: 'nope', password: 'short' },
    });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.errors).sort()).toEqual(['email', 'name', 'password']);
    expect(invalid.body.message).toEqual(expect.any(String));
  });

  it('rejects bad credentials (401) and bad login input (422)', async () => {
    const wrong = await api(url, '/api/auth/login', {
      json: { email: 'demo@example.test', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    const unknown = await api(url, '/api/auth/login', {
      json: { email: 'ghost@example.test', password: 'x' },
    });
    expect(unknown.status).toBe(401);
    const invalid = await api(url, '/api/auth/login', { json: { email: 42 } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toHaveProperty('password');
  });

  it('401 without a token, with a forged token and with a malformed header', async () => {
    expect((await api(url, '/api/auth/me')).status).toBe(401);
    const token = await demoToken(url);
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    expect((await api(url, '/api/auth/me', { token: forged })).status).toBe(401);
    const res = await api(url, '/api/auth/me', {
      headers: { authorization: 'Basic ZGVtbzpkZW1v' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('catalogue', () => {
  it('lists at least 20 categories', async () => {
    const res = await api(url, '/api/categories');
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThanOrEqual(20);
    expect(res.body.data[0]).toEqual({ id: 1, name: expect.any(String), slug: expect.any(String) });
  });

  it('pages through at least 500 products', async () => {
    const res = await api(url, '/api/products?page=2&per_page=100');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(100);
    expect(res.body.data[0].id).toBe(101);
    expect(res.body.meta.total).toBeGreaterThanOrEqual(500);
    expect(res.body.meta).toMatchObject({ current_page: 2, per_page: 100 });
    expect(res.body.meta.last_page).toBe(Math.ceil(res.body.meta.total / 100));
  });

  it('filters by category slug and search term', async () => {
    const res = await api(url, '/api/products?category=laptops&search=pro&per_page=50');
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThan(0);
    for (const p of res.body.data) {
      expect(p.category.slug).toBe('laptops');
      expect(p.name.toLowerCase()).toContain('pro');
    }
    const none = await api(url, '/api/products?search=%25%25nothing_like_this');
    expect(none.body).toEqual({
      data: [],
      meta: { current_page: 1, per_page: 20, total: 0, last_page: 1 },
    });
  });

  it('422 on bad paging', async () => {
    for (const q of [
      'per_page=101',
      'page=0',
      'page=abc',
      `page=${'9'.repeat(400)}`,
      'per_page=2.5',
    ]) {
      const res = await api(url, `/api/products?${q}`);
      expect(res.status, q).toBe(422);
    }
  });

  it('shows one product, 404 for a missing or malformed id', async () => {
    const res = await api(url, '/api/products/42');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      id: 42,
      name: expect.any(String),
      slug: expect.any(String),
      description: expect.any(String),
      price: expect.any(Number),
      currency: 'EUR',
      stock: expect.any(Number),
      category: { id: expect.any(Number), name: expect.any(String), slug: expect.any(String) },
    });
    for (const id of ['999999', 'abc', '0', '-1', '1e3', '9'.repeat(300)]) {
      expect((await api(url, `/api/products/${id}`)).status, id).toBe(404);
    }
  });
});

describe('basket journey', () => {
  it('creates a basket, adds, updates and removes lines, applies promo codes', async () => {
    const { token } = await newUser(url);
    const created = await api(url, '/api/baskets', { method: 'POST', token });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.any(Number),
      items: [],
      subtotal: 0,
      discount: 0,
      total: 0,
      promo_code: null,
    });
    const id = created.body.data.id as number;

    const price = (await api(url, '/api/products/7')).body.data.price as number;
    const added = await api(url, `/api/baskets/${id}/items`, {
      token,
      json: { product_id: 7, quantity: 2 },
    });
    expect(added.status).toBe(201);
    expect(added.body.data.items).toEqual([
      {
        id: expect.any(Number),
        product_id: 7,
        name: expect.any(String),
        quantity: 2,
        unit_price: price,
        line_total: price * 2,
      },
    ]);
    const again = await api(url, `/api/baskets/${id}/items`, {
      token,
      json: { product_id: 7, quantity: 1 },
    });
    expect(again.body.data.items[0].quantity).toBe(3);
    await api(url, `/api/baskets/${id}/items`, { token, json: { product_id: 8, quantity: 1 } });

    const itemId = again.body.data.items[0].id as number;
    const patched = await api(url, `/api/baskets/${id}/items/${itemId}`, {
      method: 'PATCH',
      token,
      json: { quantity: 5 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data.items[0].quantity).toBe(5);

    const removed = await api(url, `/api/baskets/${id}/items/${itemId}`, {
      method: 'DELETE',
      token,
    });
    expect(removed.status).toBe(200);
    expect(removed.body.data.items.map((i: { product_id: number }) => i.product_id)).toEqual([8]);

    const promo = await api(url, `/api/baskets/${id}/promo`, { token, json: { code: 'summer20' } });
    expect(promo.status).toBe(200);
    const b = promo.body.data;
    expect(b.promo_code).toBe('SUMMER20');
    expect(b.discount).toBeCloseTo(b.subtotal * 0.2, 2);
    expect(b.total).toBeCloseTo(b.subtotal - b.discount, 2);

    const fixed = await api(url, `/api/baskets/${id}/promo`, { token, json: { code: 'FREESHIP' } });
    expect(fixed.body.data.discount).toBe(Math.min(5, fixed.body.data.subtotal));

    const shown = await api(url, `/api/baskets/${id}`, { token });
    expect(shown.status).toBe(200);
    expect(shown.body.data).toEqual(fixed.body.data);
  });

  it('422 for an unknown promo code, product or a bad quantity', async () => {
    const { token } = await newUser(url);
    const id = (await api(url, '/api/baskets', { method: 'POST', token })).body.data.id as number;
    const promo = await api(url, `/api/baskets/${id}/promo`, { token, json: { code: 'NOPE' } });
    expect(promo.status).toBe(422);
    expect(promo.body.errors.code).toEqual([expect.any(String)]);
    const product = await api(url, `/api/baskets/${id}/items`, {
      token,
      json: { product_id: 999999, quantity: 1 },
    });
    expect(product.status).toBe(422);
    expect(product.body.errors).toHaveProperty('product_id');
    for (const quantity of [0, 100, 1.5, '2']) {
      const res = await api(url, `/api/baskets/${id}/items`, {
        token,
        json: { product_id: 1, quantity },
      });
      expect(res.status, String(quantity)).toBe(422);
      expect(res.body.errors).toHaveProperty('quantity');
    }
    await api(url, `/api/baskets/${id}/items`, { token, json: { product_id: 1, quantity: 60 } });
    const over = await api(url, `/api/baskets/${id}/items`, {
      token,
      json: { product_id: 1, quantity: 60 },
    });
    expect(over.status).toBe(422);
  });

  it("404 for another user's basket, a missing basket or line; 401 without a token", async () => {
    const alice = await newUser(url);
    const bob = await newUser(url);
    const id = (await api(url, '/api/baskets', { method: 'POST', token: alice.token })).body.data
      .id as number;
    expect((await api(url, `/api/baskets/${id}`, { token: bob.token })).status).toBe(404);
    expect(
      (
        await api(url, `/api/baskets/${id}/items`, {
          token: bob.token,
          json: { product_id: 1, quantity: 1 },
        })
      ).status,
    ).toBe(404);
    expect((await api(url, '/api/baskets/999999', { token: alice.token })).status).toBe(404);
    const line = await api(url, `/api/baskets/${id}/items/999999`, {
      method: 'PATCH',
      token: alice.token,
      json: { quantity: 1 },
    });
    expect(line.status).toBe(404);
    expect(
      (await api(url, `/api/baskets/${id}/items/999999`, { method: 'DELETE', token: alice.token }))
        .status,
    ).toBe(404);
    expect((await api(url, '/api/baskets', { method: 'POST' })).status).toBe(401);
    expect((await api(url, `/api/baskets/${id}`)).status).toBe(401);
  });
});

describe('checkout journey', () => {
  async function readyToOrder(): Promise<{ token: string; basketId: number; addressId: number }> {
    const { token } = await newUser(url);
    const basketId = (await api(url, '/api/baskets', { method: 'POST', token })).body.data
      .id as number;
    await api(url, `/api/baskets/${basketId}/items`, {
      token,
      json: { product_id: 3, quantity: 2 },
    });
    const address = await api(url, '/api/addresses', {
      token,
      json: { line1: '1 rue de la Paix', city: 'Paris', postal_code: '75002', country: 'fr' },
    });
    expect(address.status).toBe(201);
    expect(address.body.data).toEqual({
      id: expect.any(Number),
      line1: '1 rue de la Paix',
      city: 'Paris',
      postal_code: '75002',
      country: 'FR',
    });
    return { token, basketId, addressId: address.body.data.id as number };
  }

  it('places an order (202 pending) that the queue consumer confirms', async () => {
    const { token, basketId, addressId } = await readyToOrder();
    const basket = await api(url, `/api/baskets/${basketId}`, { token });
    const placed = await api(url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'order-1' },
      json: { basket_id: basketId, address_id: addressId, payment_method: 'card' },
    });
    expect(placed.status).toBe(202);
    expect(placed.body.data).toEqual({
      id: expect.any(Number),
      status: 'pending',
      basket_id: basketId,
      address_id: addressId,
      payment_method: 'card',
      total: basket.body.data.total,
      created_at: expect.any(String),
      confirmed_at: null,
    });
    const confirmed = await eventually(async () => {
      const res = await api(url, `/api/orders/${placed.body.data.id}`, { token });
      return res.body.data.status === 'confirmed' ? res.body.data : undefined;
    });
    expect(Date.parse(confirmed.confirmed_at)).toBeGreaterThanOrEqual(
      Date.parse(confirmed.created_at),
    );
  });

  it('Idempotency-Key: same body → same order, other body → 409, missing → 422', async () => {
    const { token, basketId, addressId } = await readyToOrder();
    const body = { basket_id: basketId, address_id: addressId, payment_method: 'paypal' };
    const first = await api(url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'k-42' },
      json: body,
    });
    const again = await api(url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'k-42' },
      json: body,
    });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.data.id).toBe(first.body.data.id);

    const other = await api(url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'k-42' },
      json: { ...body, payment_method: 'card' },
    });
    expect(other.status).toBe(409);

    const missing = await api(url, '/api/orders', { token, json: body });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toHaveProperty('Idempotency-Key');
  });

  it("422 for an empty basket, an unknown address or payment method; 404 for another user's order", async () => {
    const { token, addressId, basketId } = await readyToOrder();
    const empty = (await api(url, '/api/baskets', { method: 'POST', token })).body.data
      .id as number;
    const res = await api(url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'empty' },
      json: { basket_id: empty, address_id: addressId, payment_method: 'card' },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveProperty('basket_id');

    const address = await api(url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'addr' },
      json: { basket_id: basketId, address_id: 999999, payment_method: 'card' },
    });
    expect(address.status).toBe(422);
    expect(address.body.errors).toHaveProperty('address_id');

    const method = await api(url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'pm' },
      json: { basket_id: basketId, address_id: addressId, payment_method: 'cash' },
    });
    expect(method.status).toBe(422);
    expect(method.body.errors).toHaveProperty('payment_method');

    const badAddress = await api(url, '/api/addresses', {
      token,
      json: { line1: 'x', city: 'y', postal_code: 'z', country: 'FRA' },
    });
    expect(badAddress.status).toBe(422);
    expect(badAddress.body.errors).toHaveProperty('country');

    const placed = await api(url, '/api/orders', {
      token,
      headers: { 'idempotency-key': 'mine' },
      json: { basket_id: basketId, address_id: addressId, payment_method: 'bank_transfer' },
    });
    const stranger = await newUser(url);
    expect(
      (await api(url, `/api/orders/${placed.body.data.id}`, { token: stranger.token })).status,
    ).toBe(404);
    expect((await api(url, '/api/orders/999999', { token })).status).toBe(404);
  });
});

describe('newsletter journey', () => {
  it('subscribes idempotently (201 then 200), shows and unsubscribes with the token', async () => {
    const email = `News-${Date.now()}@Example.test`;
    const first = await api(url, '/api/newsletters/subscriptions', {
      json: { email, list: 'weekly' },
    });
    expect(first.status).toBe(201);
    expect(first.body.data).toEqual({
      id: expect.any(Number),
      email: email.toLowerCase(),
      list: 'weekly',
      status: 'subscribed',
      created_at: expect.any(String),
      unsubscribe_token: expect.stringMatching(/^[\w-]{24}$/),
    });
    const { unsubscribe_token: token, ...subscription } = first.body.data;
    const again = await api(url, '/api/newsletters/subscriptions', {
      json: { email: email.toLowerCase(), list: 'weekly' },
    });
    expect(again.status).toBe(200);
    // Anyone who knows the address gets this answer: it must not carry the token.
    expect(again.body.data).toEqual(subscription);
    const other = await api(url, '/api/newsletters/subscriptions', {
      json: { email, list: 'promotions' },
    });
    expect(other.status).toBe(201);

    const path = `/api/newsletters/subscriptions/${first.body.data.id}`;
    const withToken = { headers: { 'x-subscription-token': token } };
    expect((await api(url, path, withToken)).body).toEqual({ data: subscription });
    const del = await fetch(url + path, { method: 'DELETE', ...withToken });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect((await api(url, path, withToken)).status).toBe(404);
    expect((await api(url, path, { method: 'DELETE', ...withToken })).status).toBe(404);
  });

  it('lets no one else read or delete a subscription, whatever its sequential id', async () => {
    const victim = await api(url, '/api/newsletters/subscriptions', {
      json: { email: `victim-${Date.now()}@example.test`, list: 'weekly' },
    });
    const attacker = await api(url, '/api/newsletters/subscriptions', {
      json: { email: `attacker-${Date.now()}@example.test`, list: 'weekly' },
    });
    const path = `/api/newsletters/subscriptions/${victim.body.data.id}`;
    const as = (token?: string) => (token ? { headers: { 'x-subscription-token': token } } : {});
    for (const token of [undefined, '', 'guess', attacker.body.data.unsubscribe_token]) {
      expect((await api(url, path, as(token))).status).toBe(404);
      expect((await api(url, path, { method: 'DELETE', ...as(token) })).status).toBe(404);
    }
    // Still there for its owner.
    expect((await api(url, path, as(victim.body.data.unsubscribe_token))).status).toBe(200);
  });

  it('422 for a bad e-mail or list', async () => {
    const res = await api(url, '/api/newsletters/subscriptions', {
      json: { email: 'not-an-email', list: 'daily' },
    });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(['email', 'list']);
  });
});

describe('bad input gets a 4xx and the service keeps answering', () => {
  it('malformed JSON → 400, non-object JSON → 422, empty body → 400', async () => {
    const bad = await api(url, '/api/auth/login', {
      raw: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(expect.any(String));
    const array = await api(url, '/api/auth/login', {
      raw: '[1,2]',
      headers: { 'content-type': 'application/json' },
    });
    expect(array.status).toBe(422);
    const empty = await api(url, '/api/auth/login', {
      raw: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
  });

  it('wrong content type → 415', async () => {
    const res = await api(url, '/api/newsletters/subscriptions', {
      raw: 'email=a@b.c&list=weekly',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    const none = await api(url, '/api/auth/login', { raw: '{}' });
    expect(none.status).toBe(415);
  });

  it('JSON body above 1 MB → 413, declared or streamed', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) });
    const declared = await api(url, '/api/auth/login', {
      raw: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 200 MB unless the server stops reading far earlier (which it must).
        if ((sent += chunk.length) > 200 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(100 * 1024 * 1024);
  });

  it('unknown route → 404 (route "unmatched"), wrong method → 405 with Allow', async () => {
    expect((await api(url, '/api/nothing/here')).status).toBe(404);
    expect((await api(url, '/../../etc/passwd')).status).toBe(404);
    const res = await api(url, '/api/products/1', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect((await api(url, '/api/products/1', { method: 'BREW' })).status).toBeGreaterThanOrEqual(
      400,
    );
  });

  it('huge query values and headers are refused, not fatal', async () => {
    const long = await fetch(`${url}/api/products?search=${'a'.repeat(50_000)}`);
    expect(long.status).toBe(431);
    const search = await api(url, `/api/products?search=${'a'.repeat(500)}`);
    expect(search.status).toBe(422);
    expect((await api(url, '/health')).status).toBe(200);
  });
});

// The gateway client: the only module that knows the API's paths
// (docs/gateway-api.md). Adapting to another gateway is a change here only.
//
// Every call: tags the request with a stable `name` (the path template, never
// a raw id, so metric series don't explode), sends `X-Load-Test-Run`, marks
// only the statuses it expects as successful (an expected 422 is not an
// `http_req_failed`), checks status and body schema, and returns the parsed
// body (undefined when either check failed).
import { check } from 'k6';
import http from 'k6/http';
import type { RefinedResponse, RequestBody } from 'k6/http';
import * as z from 'zod/mini';
import { GATEWAY_HEALTH_PATH } from './catalogue.ts';
import * as S from './schemas.ts';

export type Response = RefinedResponse<'text'>;
export interface Reply<T> {
  res: Response;
  data: T | undefined;
}

export interface Attachment {
  data: ArrayBuffer;
  filename: string;
  contentType: string;
}

export interface ProductQuery {
  page?: number;
  perPage?: number;
  search?: string;
  category?: string;
}

interface CallSpec<T extends z.ZodMiniType | undefined> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path template, used as the `name` tag and in check names. */
  name: string;
  path: string;
  json?: unknown;
  multipart?: Record<string, unknown>;
  headers?: Record<string, string>;
  expect: number[];
  schema: T;
}

const list = <T extends z.ZodMiniType>(item: T) => z.object({ data: z.array(item) });

export class Gateway {
  constructor(
    readonly baseUrl: string,
    readonly runId: string,
    readonly token?: string,
  ) {}

  /** The same client, authenticated. */
  as(token: string): Gateway {
    return new Gateway(this.baseUrl, this.runId, token);
  }

  health(): Reply<z.infer<typeof S.Health>> {
    return this.call({
      method: 'GET',
      name: `GET ${GATEWAY_HEALTH_PATH}`,
      path: GATEWAY_HEALTH_PATH,
      expect: [200],
      schema: S.Health,
    });
  }

  register(body: { name: string; email: string; password: string }) {
    return this.call({
      method: 'POST',
      name: 'POST /api/auth/register',
      path: '/api/auth/register',
      json: body,
      expect: [201],
      schema: S.AuthResult,
    });
  }

  login(body: { email: string; password: string }) {
    return this.call({
      method: 'POST',
      name: 'POST /api/auth/login',
      path: '/api/auth/login',
      json: body,
      expect: [200],
      schema: S.AuthResult,
    });
  }

  me() {
    return this.data({
      method: 'GET',
      name: 'GET /api/auth/me',
      path: '/api/auth/me',
      expect: [200],
      schema: S.User,
    });
  }

  categories() {
    return this.call({
      method: 'GET',
      name: 'GET /api/categories',
      path: '/api/categories',
      expect: [200],
      schema: list(S.Category),
    });
  }

  products(query: ProductQuery = {}) {
    const params: string[] = [];
    const add = (key: string, value: string | number | undefined) => {
      if (value !== undefined && value !== '')
        params.push(`${key}=${encodeURIComponent(String(value))}`);
    };
    add('page', query.page);
    add('per_page', query.perPage);
    add('search', query.search);
    add('category', query.category);
    return this.call({
      method: 'GET',
      name: 'GET /api/products',
      path: `/api/products${params.length > 0 ? `?${params.join('&')}` : ''}`,
      expect: [200],
      schema: z.object({ data: z.array(S.Product), meta: S.PageMeta }),
    });
  }

  product(id: number) {
    return this.data({
      method: 'GET',
      name: 'GET /api/products/{id}',
      path: `/api/products/${id}`,
      expect: [200],
      schema: S.Product,
    });
  }

  createBasket() {
    return this.data({
      method: 'POST',
      name: 'POST /api/baskets',
      path: '/api/baskets',
      expect: [201],
      schema: S.Basket,
    });
  }

  basket(id: number) {
    return this.data({
      method: 'GET',
      name: 'GET /api/baskets/{id}',
      path: `/api/baskets/${id}`,
      expect: [200],
      schema: S.Basket,
    });
  }

  addItem(basketId: number, item: { product_id: number; quantity: number }) {
    return this.data({
      method: 'POST',
      name: 'POST /api/baskets/{id}/items',
      path: `/api/baskets/${basketId}/items`,
      json: item,
      expect: [201],
      schema: S.Basket,
    });
  }

  updateItem(basketId: number, itemId: number, quantity: number) {
    return this.data({
      method: 'PATCH',
      name: 'PATCH /api/baskets/{id}/items/{itemId}',
      path: `/api/baskets/${basketId}/items/${itemId}`,
      json: { quantity },
      expect: [200],
      schema: S.Basket,
    });
  }

  removeItem(basketId: number, itemId: number) {
    return this.data({
      method: 'DELETE',
      name: 'DELETE /api/baskets/{id}/items/{itemId}',
      path: `/api/baskets/${basketId}/items/${itemId}`,
      expect: [200],
      schema: S.Basket,
    });
  }

  applyPromo(basketId: number, code: string) {
    return this.data({
      method: 'POST',
      name: 'POST /api/baskets/{id}/promo',
      path: `/api/baskets/${basketId}/promo`,
      json: { code },
      expect: [200],
      schema: S.Basket,
    });
  }

  /** Negative check: an unknown code must be refused with 422 and a `code` error. */
  rejectPromo(basketId: number, code: string) {
    return this.call({
      method: 'POST',
      name: 'POST /api/baskets/{id}/promo',
      path: `/api/baskets/${basketId}/promo`,
      json: { code },
      expect: [422],
      schema: S.ApiError,
    });
  }

  createAddress(address: { line1: string; city: string; postal_code: string; country: string }) {
    return this.data({
      method: 'POST',
      name: 'POST /api/addresses',
      path: '/api/addresses',
      json: address,
      expect: [201],
      schema: S.Address,
    });
  }

  /** 202 with a pending order; the same key and body again returns the same order. */
  createOrder(
    order: { basket_id: number; address_id: number; payment_method: S.PaymentMethod },
    idempotencyKey: string,
  ) {
    return this.data({
      method: 'POST',
      name: 'POST /api/orders',
      path: '/api/orders',
      json: order,
      headers: { 'Idempotency-Key': idempotencyKey },
      expect: [202],
      schema: S.Order,
    });
  }

  order(id: number) {
    return this.data({
      method: 'GET',
      name: 'GET /api/orders/{id}',
      path: `/api/orders/${id}`,
      expect: [200],
      schema: S.Order,
    });
  }

  createTicket(ticket: {
    subject: string;
    message: string;
    orderId?: number;
    attachment: Attachment;
  }) {
    const { data, filename, contentType } = ticket.attachment;
    const fields: Record<string, unknown> = {
      subject: ticket.subject,
      message: ticket.message,
      attachment: http.file(data, filename, contentType),
    };
    if (ticket.orderId !== undefined) fields.order_id = String(ticket.orderId);
    return this.data({
      method: 'POST',
      name: 'POST /api/sav/tickets',
      path: '/api/sav/tickets',
      multipart: fields,
      expect: [201],
      schema: S.Ticket,
    });
  }

  ticket(id: number) {
    return this.data({
      method: 'GET',
      name: 'GET /api/sav/tickets/{id}',
      path: `/api/sav/tickets/${id}`,
      expect: [200],
      schema: S.Ticket,
    });
  }

  /** 201 for a new subscription, 200 when the address was already subscribed. */
  subscribe(body: { email: string; list: S.NewsletterList }) {
    return this.data({
      method: 'POST',
      name: 'POST /api/newsletters/subscriptions',
      path: '/api/newsletters/subscriptions',
      json: body,
      expect: [201, 200],
      schema: S.Subscription,
    });
  }

  /** Reading or deleting a subscription takes the token its 201 answer gave. */
  subscription(id: number, token: string) {
    return this.data({
      method: 'GET',
      name: 'GET /api/newsletters/subscriptions/{id}',
      path: `/api/newsletters/subscriptions/${id}`,
      headers: { 'X-Subscription-Token': token },
      expect: [200],
      schema: S.Subscription,
    });
  }

  unsubscribe(id: number, token: string) {
    return this.call({
      method: 'DELETE',
      name: 'DELETE /api/newsletters/subscriptions/{id}',
      path: `/api/newsletters/subscriptions/${id}`,
      headers: { 'X-Subscription-Token': token },
      expect: [204],
      schema: undefined,
    });
  }

  /** A `{data: …}` call, unwrapped. */
  private data<T extends z.ZodMiniType>(spec: CallSpec<T>): Reply<z.infer<T>> {
    const reply = this.call({ ...spec, schema: S.wrapped(spec.schema) });
    const wrapped = reply.data as { data: z.infer<T> } | undefined;
    return { res: reply.res, data: wrapped?.data };
  }

  private call<T extends z.ZodMiniType | undefined>(
    spec: CallSpec<T>,
  ): Reply<T extends z.ZodMiniType ? z.infer<T> : undefined> {
    const headers: Record<string, string> = { 'X-Load-Test-Run': this.runId, ...spec.headers };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let body: RequestBody | null = null;
    if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.json);
    } else if (spec.multipart) {
      // k6 builds the multipart body (and its boundary header) from an object holding http.file().
      body = spec.multipart as RequestBody;
    }
    const res = http.request(spec.method, this.baseUrl + spec.path, body, {
      headers,
      tags: { name: spec.name },
      responseCallback: http.expectedStatuses(...spec.expect),
    }) as Response;

    const statusOk = spec.expect.includes(res.status);
    const parsed = statusOk && spec.schema ? parseBody(spec.schema, res.body) : undefined;
    const checks: Record<string, () => boolean> = {
      [`${spec.name} → ${spec.expect.join(' or ')}`]: () => statusOk,
    };
    if (spec.schema)
      checks[`${spec.name} → ${spec.expect.join(' or ')} body matches schema`] = () =>
        parsed !== undefined;
    check(res, checks);
    return { res, data: parsed as T extends z.ZodMiniType ? z.infer<T> : undefined };
  }
}

function parseBody<T extends z.ZodMiniType>(schema: T, body: unknown): z.infer<T> | undefined {
  if (typeof body !== 'string') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const result = z.safeParse(schema, json);
  return result.success ? result.data : undefined;
}

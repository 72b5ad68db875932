import type { Addresses } from './addresses.ts';
import type { Auth } from './auth.ts';
import type { Baskets } from './baskets.ts';
import type { Catalogue } from './catalogue.ts';
import type { Ctx, Reply } from './http.ts';
import type { Newsletter } from './newsletter.ts';
import type { Orders } from './orders.ts';
import type { SavTickets } from './sav.ts';

/** The journey modules a route handler can call. */
export interface Services {
  health(): Reply;
  auth: Auth;
  catalogue: Catalogue;
  baskets: Baskets;
  addresses: Addresses;
  orders: Orders;
  sav: SavTickets;
  newsletter: Newsletter;
}

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Also the `route` label of the HTTP metrics and the key of fault rules. */
  template: string;
  /** Requires `Authorization: Bearer <jwt>` (401 otherwise). */
  auth: boolean;
  handle(s: Services, ctx: Ctx): Reply | Promise<Reply>;
}

/** Every route of docs/gateway-api.md, in its order. */
export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', template: '/health', auth: false, handle: (s) => s.health() },
  {
    method: 'POST',
    template: '/api/auth/register',
    auth: false,
    handle: (s, c) => s.auth.register(c),
  },
  { method: 'POST', template: '/api/auth/login', auth: false, handle: (s, c) => s.auth.login(c) },
  { method: 'GET', template: '/api/auth/me', auth: true, handle: (s, c) => s.auth.me(c) },
  {
    method: 'GET',
    template: '/api/categories',
    auth: false,
    handle: (s) => s.catalogue.categories(),
  },
  {
    method: 'GET',
    template: '/api/products',
    auth: false,
    handle: (s, c) => s.catalogue.products(c),
  },
  {
    method: 'GET',
    template: '/api/products/{id}',
    auth: false,
    handle: (s, c) => s.catalogue.product(c),
  },
  { method: 'POST', template: '/api/baskets', auth: true, handle: (s, c) => s.baskets.create(c) },
  { method: 'GET', template: '/api/baskets/{id}', auth: true, handle: (s, c) => s.baskets.show(c) },
  {
    method: 'POST',
    template: '/api/baskets/{id}/items',
    auth: true,
    handle: (s, c) => s.baskets.addItem(c),
  },
  {
    method: 'PATCH',
    template: '/api/baskets/{id}/items/{itemId}',
    auth: true,
    handle: (s, c) => s.baskets.updateItemQuantity(c),
  },
  {
    method: 'DELETE',
    template: '/api/baskets/{id}/items/{itemId}',
    auth: true,
    handle: (s, c) => s.baskets.removeItem(c),
  },
  {
    method: 'POST',
    template: '/api/baskets/{id}/promo',
    auth: true,
    handle: (s, c) => s.baskets.applyPromo(c),
  },
  {
    method: 'POST',
    template: '/api/addresses',
    auth: true,
    handle: (s, c) => s.addresses.create(c),
  },
  { method: 'POST', template: '/api/orders', auth: true, handle: (s, c) => s.orders.place(c) },
  { method: 'GET', template: '/api/orders/{id}', auth: true, handle: (s, c) => s.orders.show(c) },
  { method: 'POST', template: '/api/sav/tickets', auth: true, handle: (s, c) => s.sav.create(c) },
  { method: 'GET', template: '/api/sav/tickets/{id}', auth: true, handle: (s, c) => s.sav.show(c) },
  {
    method: 'POST',
    template: '/api/newsletters/subscriptions',
    auth: false,
    handle: (s, c) => s.newsletter.subscribe(c),
  },
  {
    method: 'GET',
    template: '/api/newsletters/subscriptions/{id}',
    auth: false,
    handle: (s, c) => s.newsletter.show(c),
  },
  {
    method: 'DELETE',
    template: '/api/newsletters/subscriptions/{id}',
    auth: false,
    handle: (s, c) => s.newsletter.unsubscribe(c),
  },
];

/** Route templates, for validating fault rules (e.g. in an admin endpoint). */
export const ROUTE_TEMPLATES: readonly string[] = [...new Set(ROUTES.map((r) => r.template))];

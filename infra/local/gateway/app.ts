import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { register } from 'prom-client';
import { Addresses } from './addresses.ts';
import { Auth } from './auth.ts';
import { Baskets } from './baskets.ts';
import { Catalogue } from './catalogue.ts';
import { openDatabase } from './db.ts';
import { Faults } from './faults.ts';
import { type Ctx, HttpError, type Reply, cutUnreadBody } from './http.ts';
import {
  addQueueSource,
  countDbError,
  methodLabel,
  observeRequest,
  setServiceLabel,
} from './metrics.ts';
import { Newsletter } from './newsletter.ts';
import {
  type FaultConfig,
  type FaultConfigInput,
  GatewayOptions,
  type GatewayOptionsInput,
} from './options.ts';
import { Orders } from './orders.ts';
import { proxy } from './proxy.ts';
import { GATEWAY, serviceOfRoute } from '../services.ts';
import { OrderQueue } from './queue.ts';
import { ROUTES, ROUTE_TEMPLATES, type RouteSpec, type Services } from './routes.ts';
import { Router } from './router.ts';
import { SavTickets } from './sav.ts';
import { Tokens } from './tokens.ts';

export interface Gateway {
  /** Not listening yet: call `server.listen(port, '127.0.0.1')` (or use `listen()` below). */
  server: Server;
  options: GatewayOptions;
  /** Replace the injected faults (validated; throws a ZodError on a bad config). */
  setFaults(faults: FaultConfigInput): FaultConfig;
  /** Stop accepting, finish in-flight requests (2 s grace), stop the consumer, close SQLite. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HEALTH: Reply = { status: 200, json: JSON.stringify({ status: 'ok' }) };

/**
 * The local platform's API gateway (docs/gateway-api.md): one process' worth
 * of it. Cluster workers (worker.ts) each create one over the same data dir.
 */
export function createGateway(input: GatewayOptionsInput): Gateway {
  const options = GatewayOptions.parse(input);
  setServiceLabel(options.service);
  // The gateway serves every route (routing some to their service's pool); a
  // service, its own routes and /health.
  const served = (template: string) =>
    options.service === GATEWAY ||
    template === '/health' ||
    serviceOfRoute(template) === options.service;
  const upstreamOf = (template: string) => options.upstreams[serviceOfRoute(template)];
  const db = openDatabase(options.dataDir, options.bcryptCost, options.dbBusyTimeoutMs);
  const queue = new OrderQueue(db, options.orderConfirmDelayMs);
  const baskets = new Baskets(db);
  const addresses = new Addresses(db);
  const ping = db.prepare('SELECT 1');
  const services: Services = {
    health: () => {
      ping.get();
      return HEALTH;
    },
    auth: new Auth(db, new Tokens(options.jwtSecret), options.bcryptCost),
    catalogue: new Catalogue(db),
    baskets,
    addresses,
    orders: new Orders(db, baskets, addresses, queue),
    sav: new SavTickets(db, options.dataDir, options.maxUploadBytes),
    newsletter: new Newsletter(db),
  };
  const router = new Router<RouteSpec>();
  for (const route of ROUTES.filter((r) => served(r.template)))
    router.add(route.method, route.template, route);
  // The order queue's consumer runs where orders are served.
  const consumesQueue = served('/api/orders') && upstreamOf('/api/orders') === undefined;

  const faults = new Faults();
  const setFaults = (next: FaultConfigInput): FaultConfig => {
    // Route faults are the gateway's to inject (a service never delays a
    // request twice); the queue pause is the consumer's, wherever it runs.
    const config = faults.set(options.service === GATEWAY ? next : { ...next, routes: [] });
    queue.paused = config.queuePaused;
    for (const rule of config.routes) {
      if (rule.route !== '*' && !ROUTE_TEMPLATES.includes(rule.route)) {
        console.warn(
          `[gateway] fault rule for unknown route ${rule.route} (known: ${ROUTE_TEMPLATES.join(', ')})`,
        );
      }
    }
    return config;
  };
  setFaults(options.faults);

  const removeQueueSource = consumesQueue
    ? addQueueSource(() => {
        try {
          return queue.ready();
        } catch (err) {
          countDbError(err);
          return 0;
        }
      })
    : () => {};
  if (consumesQueue) queue.start();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (options.exposeMetrics && path === '/metrics') return serveMetrics(res);
    const method = methodLabel(req.method);
    let route = 'unmatched';
    let reply: Reply;
    try {
      const match = router.match(req.method ?? '', path);
      if (match.kind === 'none')
        throw new HttpError(404, `No route for ${method} ${path.slice(0, 200)}`);
      route = match.template;
      if (match.kind === 'method') {
        throw new HttpError(405, `Method ${method} not allowed`, undefined, { allow: match.allow });
      }
      const injected = faults.active ? await faults.apply(route, method) : undefined;
      const upstream = upstreamOf(route);
      if (injected) {
        reply = injected;
      } else if (upstream !== undefined) {
        const status = await proxy(req, res, upstream, serviceOfRoute(route));
        observeRequest(route, method, status, (performance.now() - start) / 1000);
        return;
      } else {
        const spec = match.handler;
        const ctx: Ctx = {
          req,
          res,
          params: match.params,
          query: q < 0 ? '' : url.slice(q + 1),
          userId: spec.auth ? services.auth.authenticate(req) : 0,
        };
        reply = await spec.handle(services, ctx);
      }
    } catch (err) {
      reply = errorReply(err);
    }
    send(req, res, reply);
    observeRequest(route, method, reply.status, (performance.now() - start) / 1000);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      // Only send() itself can land here (e.g. a socket gone mid-write).
      console.error('[gateway] failed to answer:', err);
      res.destroy();
    });
  });

  // A service's connections are recycled, so the gateway's kept-alive ones
  // reach pods added by a scale-up (a Service balances connections, not requests).
  if (options.service !== GATEWAY) server.maxRequestsPerSocket = 100;

  return {
    server,
    options,
    setFaults,
    async close() {
      queue.stop();
      removeQueueSource();
      if (server.listening) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 2_000).unref();
        });
      }
      db.close();
    },
  };
}

/**
 * Connections the kernel holds for the gateway before it accepts them. Node's
 * default, 511, overflows when thousands of VUs open their keep-alive
 * connection at the same instant (a 3,000-VU constant-vus start): the
 * overflow is dropped SYNs, connects retried for seconds and resets. A
 * cluster's ingress takes such a burst; Linux caps this at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;

/** Listen on 127.0.0.1 (port 0 = any free one) and return the base URL. */
export function listen(gateway: Gateway, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    gateway.server.once('error', reject);
    gateway.server.listen({ port, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => {
      gateway.server.off('error', reject);
      const address = gateway.server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

function errorReply(err: unknown): Reply {
  if (err instanceof HttpError) {
    const body = err.errors
      ? { message: err.message, errors: err.errors }
      : { message: err.message };
    return { status: err.status, body, headers: err.headers };
  }
  if (countDbError(err)) {
    console.error(`[gateway] database unavailable: ${(err as Error).message}`);
    return {
      status: 503,
      body: { message: 'Database unavailable, retry later.' },
      headers: { 'retry-after': '1' },
    };
  }
  console.error('[gateway] handler error:', err);
  return { status: 500, body: { message: 'Internal server error.' } };
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (reply.status === 204) {
    res.writeHead(204, reply.headers);
    res.end();
  } else {
    const body = reply.json ?? JSON.stringify(reply.body ?? {});
    const headers = { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) };
    res.writeHead(reply.status, reply.headers ? { ...headers, ...reply.headers } : headers);
    res.end(body);
  }
  if (!req.complete) cutUnreadBody(req);
}

async function serveMetrics(res: ServerResponse): Promise<void> {
  try {
    const text = await register.metrics();
    res.writeHead(200, { 'content-type': register.contentType });
    res.end(text);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`metrics unavailable: ${(err as Error).message}\n`);
  }
}

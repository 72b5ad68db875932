import { Counter, Gauge, Histogram } from 'prom-client';
import { METHODS } from './options.ts';

// The gateway's series, named as DESIGN.md's metrics contract. They live in
// prom-client's global default registry: in the cluster the primary merges
// every worker's registry with `AggregatorRegistry` (counters and histograms
// are summed; the queue gauge uses `max` because all workers see the same
// SQLite queue). Created once per process, shared by every gateway in it.

// The deployment this process is a pod of: the `service` label of its series.
let service = 'api-gateway';

/** The `service` label of this process' series. */
export function serviceLabel(): string {
  return service;
}

/** Names the deployment this process serves (a service pool's worker calls it once, first). */
export function setServiceLabel(name: string): void {
  if (name === service) return;
  service = name;
  children.clear();
  for (const metric of [
    httpDuration,
    httpRequests,
    dbConnectionErrors,
    ordersTotal,
    basketItemsAdded,
  ])
    metric.reset();
  touchAlertSeries();
}

const httpLabels = ['service', 'route', 'method', 'status'] as const;

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Gateway request duration, by route template, method and status.',
  labelNames: httpLabels,
  // Finer than a cluster's services (DESIGN.md: 0.1 … 5 s at least): local
  // requests take ~1 ms, so buckets start at 0.5 ms, or every quantile below
  // 5 ms would be a bucket artefact and a baseline could not see a regression.
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'Gateway requests, by route template, method and status.',
  labelNames: httpLabels,
});

export const dbConnectionErrors = new Counter({
  name: 'db_connection_errors_total',
  help: 'SQLite failures to open the database or get a lock in time (SQLITE_BUSY/LOCKED/CANTOPEN).',
  labelNames: ['service'],
});

export const ordersTotal = new Counter({
  name: 'shop_orders_total',
  help: 'Orders placed (status=pending) and confirmed by the queue consumer (status=confirmed).',
  labelNames: ['service', 'status'],
});

export const basketItemsAdded = new Counter({
  name: 'shop_basket_items_added_total',
  help: 'Basket lines added (POST /api/baskets/{id}/items).',
  labelNames: ['service'],
});

export const savTickets = new Counter({
  name: 'shop_sav_tickets_total',
  help: 'After-sales (SAV) tickets opened, by attachment type.',
  labelNames: ['service', 'mime_type'],
});

export const newsletterSubscriptions = new Counter({
  name: 'shop_newsletter_subscriptions_total',
  help: 'New newsletter subscriptions (already-subscribed repeats are not counted).',
  labelNames: ['service', 'list'],
});

/** Reads the ready-message count of every open gateway in this process. */
const queueSources = new Set<() => number>();

export const queueReady = new Gauge({
  name: 'rabbitmq_queue_messages_ready',
  help: 'Order messages waiting for the consumer (the SQLite table standing in for RabbitMQ).',
  labelNames: ['queue'],
  aggregator: 'max',
  collect() {
    let ready = 0;
    for (const read of queueSources) ready += read();
    this.set({ queue: 'orders' }, ready);
  },
});

export function addQueueSource(read: () => number): () => void {
  queueSources.add(read);
  return () => queueSources.delete(read);
}

// Series that must exist before anything happens (alerts compare them to 0).
function touchAlertSeries(): void {
  dbConnectionErrors.labels({ service }).inc(0);
  ordersTotal.labels({ service, status: 'pending' }).inc(0);
  ordersTotal.labels({ service, status: 'confirmed' }).inc(0);
  basketItemsAdded.labels({ service }).inc(0);
}

const KNOWN_METHODS = new Set<string>(METHODS);

/** Bounded label values: unknown methods would otherwise be client-chosen strings. */
export function methodLabel(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : 'OTHER';
}

interface HttpChildren {
  duration: ReturnType<typeof httpDuration.labels>;
  requests: ReturnType<typeof httpRequests.labels>;
}

// Label children reused across requests: no label object built on the hot path.
const children = new Map<string, HttpChildren>();
touchAlertSeries();

export function observeRequest(
  route: string,
  method: string,
  status: number,
  seconds: number,
): void {
  const key = `${route} ${method} ${status}`;
  let child = children.get(key);
  if (!child) {
    const labels = { service, route, method, status: String(status) };
    child = { duration: httpDuration.labels(labels), requests: httpRequests.labels(labels) };
    children.set(key, child);
  }
  child.duration.observe(seconds);
  child.requests.inc();
}

const CONNECTION_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR'];

/**
 * True (and counted) when `err` is SQLite failing to reach its data (busy or
 * locked past busy_timeout, cannot open, I/O error), not a query bug.
 * Extended codes (`SQLITE_BUSY_SNAPSHOT`) count as their base code.
 */
export function countDbError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (!CONNECTION_CODES.some((c) => code === c || code.startsWith(`${c}_`))) return false;
  dbConnectionErrors.labels({ service }).inc();
  return true;
}

import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** HTTP methods the gateway knows; anything else is labelled `OTHER` in metrics. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const latency = z.union([
  z.number().int().min(0).max(60_000),
  z
    .strictObject({
      min: z.number().int().min(0).max(60_000),
      max: z.number().int().min(0).max(60_000),
    })
    .refine((r) => r.min <= r.max, { message: 'min must be ≤ max' }),
]);

/**
 * One fault rule. `route` is a route template exactly as in the metrics
 * (`/api/products/{id}`), or `*` for every route; `method` narrows it.
 */
export const RouteFault = z.strictObject({
  route: z.union([z.literal('*'), z.string().startsWith('/')]),
  method: z.enum(METHODS).optional(),
  /** Added latency: fixed milliseconds, or uniformly random in [min, max]. */
  latencyMs: latency.optional(),
  /** Share of requests answered with `errorStatus` instead of the real handler. */
  errorRatio: z.number().min(0).max(1).optional(),
  errorStatus: z.number().int().min(400).max(599).default(503),
});
export type RouteFault = z.infer<typeof RouteFault>;

/** Faults a running gateway applies per request (crashes are an IPC message, see worker.ts). */
export const FaultConfig = z.strictObject({
  routes: z.array(RouteFault).default([]),
  /** Stop the order-queue consumer: messages pile up, orders stay `pending`. */
  queuePaused: z.boolean().default(false),
});
export type FaultConfig = z.infer<typeof FaultConfig>;
export type FaultConfigInput = z.input<typeof FaultConfig>;

export const GatewayOptions = z.strictObject({
  /** SQLite file (`gateway.sqlite`) and `uploads/` live here; shared by every worker. */
  dataDir: z.string().min(1),
  /** How long a queued order waits before the consumer confirms it. */
  orderConfirmDelayMs: z.number().int().min(0).max(600_000).default(500),
  /**
   * HS256 key of the tokens. Drawn at every start (the platform parses these
   * options once and hands them to every worker), so a token signed anywhere
   * else, or by an earlier start, is worthless; pass one to pin it in tests.
   */
  jwtSecret: z
    .string()
    .min(16)
    .default(() => randomBytes(32).toString('base64url')),
  /**
   * bcryptjs cost. 6 ≈ 5 ms per login on one core; 8 ≈ 20 ms, which would make
   * logins the bottleneck of a load test against a local platform.
   */
  bcryptCost: z.number().int().min(4).max(14).default(6),
  /** How long a worker waits for SQLite's write lock before failing (counted in db_connection_errors_total). */
  dbBusyTimeoutMs: z.number().int().min(0).max(60_000).default(5_000),
  faults: FaultConfig.default({ routes: [], queuePaused: false }),
  maxUploadBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /**
   * The deployment this gateway is a pod of. `api-gateway` serves every
   * route, or routes to `upstreams`; a service (`auth-service`) serves its
   * own routes only (infra/local/services.ts) and `/health`.
   */
  service: z.string().min(1).default('api-gateway'),
  /** Gateway only: the port (127.0.0.1) of each service pool to proxy its routes to. */
  upstreams: z.record(z.string(), z.number().int().min(1).max(65_535)).default({}),
  /** Serve `GET /metrics` (single-process use; cluster workers leave it to the primary). */
  exposeMetrics: z.boolean().default(false),
});
export type GatewayOptions = z.infer<typeof GatewayOptions>;
export type GatewayOptionsInput = z.input<typeof GatewayOptions>;

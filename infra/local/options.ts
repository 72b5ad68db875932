import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { FaultConfig, GatewayOptions } from './gateway/options.ts';

// Options of the whole local platform. Defaults are the cluster's: the
// api-gateway row of the seeds' autoscaling table (3–15 replicas, CPU 70 %)
// and the Kubernetes controller defaults (15 s sync, 300 s scale-down
// stabilisation, 0.1 tolerance); tests shrink the periods to seconds.

const port = z.number().int().min(0).max(65_535);

export const PlatformOptions = z.strictObject({
  /** Gateway data (SQLite, uploads); default: a temporary directory removed on stop. */
  dataDir: z.string().min(1).optional(),
  /** Gateway port; 0 picks a free one. */
  port: port.default(0),
  /** Metrics endpoint port (gateway + kube-state-metrics series); 0 picks a free one. */
  metricsPort: port.default(0),
  /** Admin endpoint port (faults, crashes, state); 0 picks a free one. */
  adminPort: port.default(0),
  /** Bearer token the admin endpoint requires; drawn at every start unless pinned. */
  adminToken: z
    .string()
    .min(16)
    .default(() => randomBytes(18).toString('base64url')),
  replicas: z
    .strictObject({
      min: z.number().int().min(1).default(3),
      max: z.number().int().min(1).default(15),
    })
    .refine((r) => r.min <= r.max, { message: 'replicas.min must be ≤ replicas.max' })
    .default({ min: 3, max: 15 }),
  /** CPU request of one worker, in cores: 100 % utilisation means this much. */
  cpuRequestCores: z.number().positive().max(64).default(0.25),
  /** Target average CPU utilisation, percent of the request. */
  targetUtilisation: z.number().int().min(1).max(1000).default(70),
  tolerance: z.number().min(0).max(1).default(0.1),
  syncPeriodMs: z.number().int().min(100).default(15_000),
  scaleDownStabilisationMs: z.number().int().min(0).default(300_000),
  /** Memory limit of one worker (kube_pod_container_resource_limits), bytes. */
  memoryLimitBytes: z
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  faults: FaultConfig.optional(),
  /** Gateway tuning passed to every worker. */
  gateway: GatewayOptions.pick({
    orderConfirmDelayMs: true,
    jwtSecret: true,
    bcryptCost: true,
    maxUploadBytes: true,
  })
    .partial()
    .default({}),
  /**
   * Also run a local Prometheus scraping the platform and loading the alert
   * rules. `if-installed`: only when its binary is there; without it the
   * platform starts all the same and says so.
   */
  prometheus: z.union([z.boolean(), z.literal('if-installed')]).default(false),
  /** Prometheus scrape and rule evaluation interval, seconds. */
  scrapeIntervalSeconds: z.number().int().min(1).max(60).default(2),
});
export type PlatformOptions = z.infer<typeof PlatformOptions>;
export type PlatformOptionsInput = z.input<typeof PlatformOptions>;

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { FaultConfig, GatewayOptions } from './gateway/options.ts';
import { CPU_TARGET, GATEWAY, MEMORY_TARGET, SERVICES } from './services.ts';

// Options of the whole local platform. Replica ranges and targets are the
// cluster's (the seeds' autoscaling table, services.ts: api-gateway 3–15, CPU
// 70 %, memory 80 %); the controller's tolerance is Kubernetes' (0.1). What
// is calibrated for one machine (a laptop's 2 cores, the default capacity
// run at 50 req/s) is said where it is set: the CPU request, the sync period
// and the scale-down stabilisation window.

const port = z.number().int().min(0).max(65_535);
const SERVICE_DEPLOYMENTS = SERVICES.map((s) => s.deployment).filter((d) => d !== GATEWAY) as [
  string,
  ...string[],
];

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
  /**
   * One autoscaled worker pool per service behind the gateway (services.ts),
   * as in the cluster; false: the gateway's workers serve every route
   * themselves (one pool, the platform before issue 16).
   */
  servicePools: z.boolean().default(true),
  /** Replica ranges of service pools that differ from the documented table, by deployment. */
  serviceReplicas: z
    .partialRecord(
      z.enum(SERVICE_DEPLOYMENTS),
      z
        .strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) })
        .refine((r) => r.min <= r.max, { message: 'min must be ≤ max' }),
    )
    .default({}),
  /**
   * CPU request of one worker, in cores: 100 % utilisation means this much.
   * Calibrated so that the default capacity run (50 req/s) takes the gateway
   * past its 70 % target on a 2-core laptop: measured there, the gateway's
   * pods spend 0.05–0.15 core in all at 50 req/s (the hop to the services,
   * the metrics scrapes, more under contention), so 3 pods of 10 millicores
   * run at 150–500 % and scale, and 15 are enough. A cluster's pods request
   * more because each serves more.
   */
  cpuRequestCores: z.number().positive().max(64).default(0.01),
  /** Target average CPU utilisation, percent of the request. */
  targetUtilisation: z.number().int().min(1).max(1000).default(CPU_TARGET),
  /** Memory request of one worker, bytes: a worker's working set is ~100 MiB at rest. */
  memoryRequestBytes: z
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** Target average memory utilisation, percent of the request; 0: CPU only. */
  memoryTargetUtilisation: z.number().int().min(0).max(1000).default(MEMORY_TARGET),
  tolerance: z.number().min(0).max(1).default(0.1),
  /** The controller's sync period (Kubernetes: 15 s); 5 s, so a 2-minute ramp sees the HPA react. */
  syncPeriodMs: z.number().int().min(100).default(5_000),
  /**
   * Scale-down stabilisation (Kubernetes: 300 s); 30 s, so the replicas come
   * back within a run's ramp-down instead of minutes after it.
   */
  scaleDownStabilisationMs: z.number().int().min(0).default(30_000),
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

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import { adminHandler } from './admin.ts';
import { Autoscaler } from './autoscaler.ts';
import type { HpaSpec } from './hpa.ts';
import type { Deployment } from './kube-metrics.ts';
import { GATEWAY, SERVICES, type ServiceRow } from './services.ts';
import { openDatabase } from './gateway/db.ts';
import { GatewayOptions } from './gateway/options.ts';
import { metricsHandler } from './metrics-endpoint.ts';
import { PlatformOptions, type PlatformOptionsInput } from './options.ts';
import { PodPool } from './pods.ts';
import { podEntry } from './worker-bundle.ts';
import { assertPortFree, bindError } from './bind.ts';
import { freePort } from './ports.ts';
import { scratchDir } from './scratch.ts';
import { renderPrometheusConfig } from './prometheus-config.ts';
import {
  findPrometheus,
  INSTALL_PROMETHEUS,
  startPrometheus,
  type RunningPrometheus,
} from './prometheus.ts';
import { InputError } from '../../core/errors.ts';
import { formatZodIssues } from '../../core/zod-issues.ts';

/**
 * The local platform: the gateway and the services behind it (services.ts)
 * as autoscaled pools of worker processes, its metrics endpoint, its admin endpoint and, on request, a Prometheus that
 * scrapes it and loads the platform's alert rules (or, on request, one only
 * if installed: `prometheusUrl` then says whether it runs). All on 127.0.0.1.
 */
export interface Platform {
  gatewayUrl: string;
  metricsUrl: string;
  adminUrl: string;
  /** What the admin endpoint requires as `Authorization: Bearer <token>`. */
  adminToken: string;
  /** Every deployment's replicas right now, gateway first (empty before the pools start). */
  replicasByDeployment(): Record<string, number>;
  prometheusUrl?: string;
  /** Stops everything (workers, servers, Prometheus) and removes temporary data. */
  stop(): Promise<void>;
}

export interface PlatformHooks {
  /** Where decisions and worker events go (default: stderr). */
  log?: (line: string) => void;
}

// node:cluster has a single primary per process, so a single platform.
let running: Platform | undefined;

export async function startPlatform(
  input: PlatformOptionsInput = {},
  hooks: PlatformHooks = {},
): Promise<Platform> {
  const parsed = PlatformOptions.safeParse(input);
  if (!parsed.success) {
    throw new InputError(`invalid platform options:\n${formatZodIssues(parsed.error.issues)}`);
  }
  if (running) throw new Error('a local platform is already running in this process');
  const options = parsed.data;
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: Error) => log(`platform stop: ${error.message}`));
    }
    if (running === platform) running = undefined;
  };
  const platform: Platform = {
    gatewayUrl: '',
    metricsUrl: '',
    adminUrl: '',
    adminToken: options.adminToken,
    replicasByDeployment: () => ({}),
    stop,
  };
  running = platform;

  try {
    const dataDir = options.dataDir ?? (await scratchDir('loadgate-platform-'));
    if (!options.dataDir) cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    if (options.port) await assertPortFree(options.port, 'gateway (--port)');
    const port = options.port || (await freePort());
    const gateway = GatewayOptions.parse({ ...options.gateway, dataDir, faults: options.faults });
    // Created, switched to WAL and seeded once here: twenty workers doing it
    // at once on a busy machine outwaited SQLite's busy timeout.
    openDatabase(dataDir, gateway.bcryptCost).close();
    const spec = (row: ServiceRow): HpaSpec => {
      const range =
        row.deployment === GATEWAY
          ? options.replicas
          : (options.serviceReplicas[row.deployment] ?? {
              min: row.minReplicas,
              max: row.maxReplicas,
            });
      return {
        minReplicas: range.min,
        maxReplicas: range.max,
        targetUtilisation: options.targetUtilisation,
        cpuRequestCores: options.cpuRequestCores,
        memoryTargetUtilisation: options.memoryTargetUtilisation || undefined,
        memoryRequestBytes: options.memoryRequestBytes,
        tolerance: options.tolerance,
        scaleDownStabilisationMs: options.scaleDownStabilisationMs,
      };
    };
    const deployments: Deployment[] = [];
    const entry = await podEntry();
    const startPool = (row: ServiceRow, poolPort: number, upstreams: Record<string, number>) => {
      const hpa = spec(row);
      const pool = new PodPool({
        entry,
        deployment: row.deployment,
        port: poolPort,
        gateway:
          row.deployment === GATEWAY
            ? { ...gateway, upstreams }
            : { ...gateway, service: row.deployment },
        log,
      });
      cleanups.push(() => pool.stop());
      pool.scaleTo(hpa.minReplicas);
      const autoscaler = new Autoscaler(pool, {
        log,
        syncPeriodMs: options.syncPeriodMs,
        spec: hpa,
      });
      deployments.push({ pool, autoscaler });
      return pool;
    };
    // The services first, so the gateway knows where each one listens.
    const upstreams: Record<string, number> = {};
    const services = options.servicePools ? SERVICES.filter((s) => s.deployment !== GATEWAY) : [];
    for (const row of services) upstreams[row.deployment] = await freePort();
    startPool(
      SERVICES.find((s) => s.deployment === GATEWAY)!,
      port,
      upstreams,
    );
    for (const row of services) startPool(row, upstreams[row.deployment]!, {});
    // deployments[0] is the gateway's: faults and crashes are its (admin.ts).
    platform.replicasByDeployment = () =>
      Object.fromEntries(deployments.map((d) => [d.pool.deployment, d.pool.pods.length]));
    // Twenty workers take a while to start: the endpoints and Prometheus
    // start meanwhile, off the quick start's critical path.
    const ready = Promise.all(deployments.map((d) => d.pool.whenReady()));
    ready.catch(() => {}); // awaited below; not unhandled while Prometheus starts

    const metrics = await listen(
      metricsHandler(deployments, { memoryLimitBytes: options.memoryLimitBytes }),
      options.metricsPort,
      'metrics endpoint (--metrics-port)',
    );
    cleanups.push(() => close(metrics.server));
    platform.metricsUrl = `http://127.0.0.1:${metrics.port}`;

    const admin = await listen(
      adminHandler(deployments, options.adminToken),
      options.adminPort,
      'admin endpoint (--admin-port)',
    );
    cleanups.push(() => close(admin.server));
    platform.adminUrl = `http://127.0.0.1:${admin.port}`;

    const { binary, executable } = findPrometheus();
    if (options.prometheus === 'if-installed' && !executable)
      log(
        `platform: no Prometheus (${binary} not found): starting without it, so the SLO objectives that query it will not be checked; to check them, ${INSTALL_PROMETHEUS}`,
      );
    else if (options.prometheus) {
      const prometheus: RunningPrometheus = await startPrometheus({
        config: renderPrometheusConfig({
          metricsTarget: `127.0.0.1:${metrics.port}`,
          intervalSeconds: options.scrapeIntervalSeconds,
        }),
      });
      cleanups.push(() => prometheus.stop());
      platform.prometheusUrl = prometheus.url;
    }
    await ready;
    platform.gatewayUrl = `http://127.0.0.1:${port}`;
    for (const { autoscaler } of deployments) {
      autoscaler.start();
      cleanups.push(async () => autoscaler.stop());
    }
    return platform;
  } catch (error) {
    await stop();
    throw error;
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

async function listen(
  handler: Handler,
  port: number,
  what: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(bindError(error, port, what)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return { server, port: address.port };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

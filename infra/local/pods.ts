import cluster, { type Worker } from 'node:cluster';
import type { FaultConfig, GatewayOptions } from './gateway/options.ts';
import { METRICS_REQUEST, METRICS_RESPONSE } from './worker-agent.ts';

// A deployment's "pods": node:cluster workers running infra/local/gateway/
// worker.ts as the gateway or one service, all of a pool listening on one
// shared port (its Service). A pod keeps its name across
// container restarts (a crash restarts the worker in place and counts it,
// like the kubelet); scaling down deletes the newest pods with a graceful
// SIGTERM. The pools of a platform share the process' node:cluster primary.

export const NAMESPACE = 'e-commerce-local';

export interface PodPoolOptions {
  /** Deployment name: the pods' name prefix and container name (`api-gateway`). */
  deployment: string;
  /** Shared listening port of every worker (127.0.0.1). */
  port: number;
  gateway: GatewayOptions;
  /** The pods' bundled entry (worker-bundle.ts's podEntry()). */
  entry: string;
  /** SIGTERM → SIGKILL grace period (Kubernetes: 30 s). */
  terminationGraceMs?: number;
  log: (line: string) => void;
}

export interface Pod {
  readonly name: string;
  /** Container restarts (crashes) since the pod was created. */
  restarts: number;
  worker: Worker | undefined;
  /** When the current container started and became ready (listening). */
  startedAt: number;
  readyAt: number | undefined;
  /** Deleted by a scale-down: its exit is not a crash. */
  deleting: boolean;
  /** Consecutive exits before becoming ready, for the restart back-off. */
  failedStarts: number;
  lastExit: string | undefined;
}

/** One metric as prom-client's getMetricsAsJSON() sends it over IPC. */
export interface WorkerMetric {
  name: string;
  help: string;
  type: string;
  aggregator?: string;
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
}
/** A worker's registries (usually just the global one). */
export type WorkerMetrics = WorkerMetric[][];

export class PodPool {
  #pods: Pod[] = [];
  #next = 0;
  #faults: FaultConfig;
  #stopping = false;
  #crashLoop: NodeJS.Timeout | undefined;
  #requestId = 0;
  readonly #options: PodPoolOptions;

  constructor(options: PodPoolOptions) {
    this.#options = options;
    this.#faults = options.gateway.faults;
    // Workers accept connections themselves. With round robin (the default)
    // the primary accepts and hands each one over, and the primary is this
    // process, where the load engine's main thread also runs: under a heavy
    // run, new connections waited seconds for it (seen at ~1,000 VUs, each
    // with its own keep-alive connection, as in k6).
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    // Plain node: the entry is bundled TypeScript (worker-bundle.ts), its
    // inline source map read when a stack is printed.
    cluster.setupPrimary({ exec: options.entry, args: [], execArgv: ['--enable-source-maps'] });
  }

  /** Pods that are not being deleted, oldest first. */
  get deployment(): string {
    return this.#options.deployment;
  }

  get port(): number {
    return this.#options.port;
  }

  get pods(): readonly Pod[] {
    return this.#pods.filter((p) => !p.deleting);
  }

  get faults(): FaultConfig {
    return this.#faults;
  }

  get crashLoopEveryMs(): number | undefined {
    return this.#crashLoopEveryMs;
  }
  #crashLoopEveryMs: number | undefined;

  scaleTo(replicas: number): void {
    if (this.#stopping) return;
    const live = this.pods;
    for (let i = live.length; i < replicas; i++) {
      const pod: Pod = {
        name: `${this.#options.deployment}-${this.#next++}`,
        restarts: 0,
        worker: undefined,
        startedAt: 0,
        readyAt: undefined,
        deleting: false,
        failedStarts: 0,
        lastExit: undefined,
      };
      this.#pods.push(pod);
      this.#start(pod);
    }
    // Kubernetes deletes not-ready pods first, then the newest.
    const victims = [...live]
      .sort(
        (a, b) =>
          Number(a.readyAt !== undefined) - Number(b.readyAt !== undefined) ||
          b.startedAt - a.startedAt,
      )
      .slice(0, Math.max(0, live.length - replicas));
    for (const pod of victims) {
      pod.deleting = true;
      this.#terminate(pod);
    }
  }

  /** Resolves when every live pod listens; rejects if one keeps failing to start. */
  async whenReady(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pods = this.pods;
      if (pods.length > 0 && pods.every((p) => p.readyAt !== undefined)) return;
      const failing = pods.find((p) => p.failedStarts >= 2);
      if (failing) throw new Error(`worker ${failing.name} cannot start: ${failing.lastExit}`);
      if (Date.now() > deadline)
        throw new Error(`${this.#options.deployment} workers not listening after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  setFaults(faults: FaultConfig): void {
    this.#faults = faults;
    for (const pod of this.#pods) this.#send(pod, { type: 'faults', faults });
  }

  /** Crashes one pod's worker (the named one, else the oldest ready); returns its name. */
  crash(podName?: string): string | undefined {
    const pod = this.pods.find((p) => (podName ? p.name === podName : p.readyAt !== undefined));
    if (!pod?.worker || (podName && pod.readyAt === undefined)) return undefined;
    this.#send(pod, { type: 'crash' });
    return pod.name;
  }

  /** Crashes the oldest pod every `everyMs` once it is back up (CrashLoopBackOff); undefined stops. */
  crashLoop(everyMs: number | undefined): void {
    clearInterval(this.#crashLoop);
    this.#crashLoop = undefined;
    this.#crashLoopEveryMs = everyMs;
    if (everyMs === undefined) return;
    this.#crashLoop = setInterval(() => {
      const victim = this.pods[0];
      if (victim?.readyAt !== undefined) this.crash(victim.name);
    }, everyMs);
  }

  /** Each ready pod's prom-client registries; pods that do not answer in time are left out. */
  async workerMetrics(timeoutMs = 2000): Promise<{ pod: Pod; metrics: WorkerMetrics }[]> {
    const asks = this.pods
      .filter((p) => p.readyAt !== undefined && p.worker?.isConnected())
      .map((pod) =>
        this.#askMetrics(pod, timeoutMs).then((metrics) =>
          metrics ? { pod, metrics } : undefined,
        ),
      );
    return (await Promise.all(asks)).filter((x) => x !== undefined);
  }

  /** Stops every worker gracefully; no restart, no orphan. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.crashLoop(undefined);
    const exits = this.#pods.map((pod) => {
      pod.deleting = true;
      return this.#terminate(pod);
    });
    await Promise.all(exits);
  }

  #start(pod: Pod): void {
    const { port, gateway } = this.#options;
    const options: GatewayOptions = { ...gateway, faults: this.#faults };
    const worker = cluster.fork({
      PORT: String(port),
      LOADGATE_GATEWAY_OPTIONS: JSON.stringify(options),
    });
    pod.worker = worker;
    pod.startedAt = Date.now();
    pod.readyAt = undefined;
    worker.on('listening', () => {
      pod.readyAt = Date.now();
      pod.failedStarts = 0;
      // Faults changed while it was starting: IPC sent before the worker
      // listened for messages may have been missed.
      if (this.#faults !== options.faults)
        this.#send(pod, { type: 'faults', faults: this.#faults });
    });
    worker.on('error', () => {}); // IPC to a dying worker; its 'exit' follows
    worker.on('exit', (code, signal) => {
      if (pod.worker !== worker) return;
      pod.worker = undefined;
      pod.lastExit = signal ? `killed by ${signal}` : `exit code ${code}`;
      if (pod.deleting || this.#stopping) {
        this.#pods = this.#pods.filter((p) => p !== pod);
        return;
      }
      const neverReady = pod.readyAt === undefined;
      pod.readyAt = undefined;
      pod.restarts++;
      pod.failedStarts = neverReady ? pod.failedStarts + 1 : 0;
      // Restart at once after a crash; back off (1 s, 2 s, … 30 s) when the
      // worker cannot even start, so a broken build does not spin a core.
      const delay = neverReady ? Math.min(1000 * 2 ** (pod.failedStarts - 1), 30_000) : 0;
      this.#options.log(
        `${new Date().toISOString()} pod ${pod.name} container exited (${pod.lastExit}); restart #${pod.restarts}` +
          (delay ? ` in ${delay} ms` : ''),
      );
      setTimeout(() => {
        if (!pod.deleting && !this.#stopping) this.#start(pod);
      }, delay).unref();
    });
  }

  #terminate(pod: Pod): Promise<void> {
    const worker = pod.worker;
    if (!worker || worker.isDead()) {
      this.#pods = this.#pods.filter((p) => p !== pod);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const kill = setTimeout(
        () => worker.process.kill('SIGKILL'),
        this.#options.terminationGraceMs ?? 10_000,
      );
      worker.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      worker.process.kill('SIGTERM');
    });
  }

  #send(pod: Pod, message: object): void {
    if (pod.worker?.isConnected()) pod.worker.send(message);
  }

  /** Asks one worker's metrics agent for its registry, so its series keep a `pod` label. */
  #askMetrics(pod: Pod, timeoutMs: number): Promise<WorkerMetrics | undefined> {
    const worker = pod.worker;
    if (!worker) return Promise.resolve(undefined);
    const requestId = `loadgate-${this.#requestId++}`;
    return new Promise((resolve) => {
      const done = (value: WorkerMetrics | undefined) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(value);
      };
      const onMessage = (message: {
        type?: string;
        requestId?: string;
        metrics?: WorkerMetrics;
      }) => {
        if (message?.type === METRICS_RESPONSE && message.requestId === requestId)
          done(message.metrics);
      };
      const onExit = () => done(undefined);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.send({ type: METRICS_REQUEST, requestId });
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

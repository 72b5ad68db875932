import {
  initialHpaState,
  reconcile,
  type Decision,
  type HpaSpec,
  type HpaState,
  type PodSample,
} from './hpa.ts';
import type { Pod, PodPool } from './pods.ts';
import { readProcStats } from './proc.ts';

// The HPA controller loop of one deployment's pods: every sync period,
// measure each pod's CPU over the period and its working set from /proc
// (what metrics-server reports), run the pure HPA rule (hpa.ts), scale the
// pool, log the decision.

export interface AutoscalerOptions {
  spec: HpaSpec;
  /** --horizontal-pod-autoscaler-sync-period (15 s). */
  syncPeriodMs: number;
  log: (line: string) => void;
}

interface CpuMark {
  at: number;
  cpuSeconds: number;
  pid: number;
}

export class Autoscaler {
  #state: HpaState = initialHpaState();
  #marks = new Map<string, CpuMark>();
  #timer: NodeJS.Timeout | undefined;
  #syncing = false;
  /** Most recent decisions, newest last. */
  readonly decisions: Decision[] = [];
  /** Last measured CPU per pod, cores (for container metrics and /state). */
  readonly podCpu = new Map<string, number>();
  /** Last measured working set per pod, bytes. */
  readonly podMemory = new Map<string, number>();
  readonly #pool: PodPool;
  readonly #options: AutoscalerOptions;

  constructor(pool: PodPool, options: AutoscalerOptions) {
    this.#pool = pool;
    this.#options = options;
  }

  get spec(): HpaSpec {
    return this.#options.spec;
  }

  get pool(): PodPool {
    return this.#pool;
  }

  get conditions(): HpaState['conditions'] {
    return this.#state.conditions;
  }

  get lastDecision(): Decision | undefined {
    return this.decisions.at(-1);
  }

  start(): void {
    // Marks taken now make the first sync's window one full period long.
    void this.#sample();
    this.#timer = setInterval(() => void this.sync(), this.#options.syncPeriodMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One controller sync: measure, decide, scale. */
  async sync(): Promise<Decision | undefined> {
    if (this.#syncing) return undefined;
    this.#syncing = true;
    try {
      const samples = await this.#sample();
      const current = this.#pool.pods.length;
      const { decision, state } = reconcile(this.#state, samples, current, this.spec, Date.now());
      this.#state = state;
      this.decisions.push(decision);
      if (this.decisions.length > 50) this.decisions.shift();
      // Scale events only: eight HPAs syncing every 5 s would bury the run's own output.
      if (decision.desired !== current) {
        this.#options.log(formatDecision(this.#pool.deployment, decision, this.spec));
        if (this.#timer !== undefined) this.#pool.scaleTo(decision.desired);
      }
      return decision;
    } finally {
      this.#syncing = false;
    }
  }

  /** CPU of each pod since its previous mark, classified as the controller would. */
  async #sample(): Promise<PodSample[]> {
    const now = Date.now();
    const pods = this.#pool.pods;
    const samples = await Promise.all(pods.map((pod) => this.#samplePod(pod, now)));
    const names = new Set(pods.map((p) => p.name));
    for (const name of this.#marks.keys()) {
      if (!names.has(name)) {
        this.#marks.delete(name);
        this.podCpu.delete(name);
        this.podMemory.delete(name);
      }
    }
    return samples;
  }

  async #samplePod(pod: Pod, now: number): Promise<PodSample> {
    const pid = pod.worker?.process.pid;
    const stats = pid === undefined ? undefined : await readProcStats(pid);
    const previous = this.#marks.get(pod.name);
    if (pid === undefined || !stats) {
      this.#marks.delete(pod.name);
      return { name: pod.name, state: pod.readyAt === undefined ? 'unready' : 'missing' };
    }
    this.#marks.set(pod.name, { at: now, cpuSeconds: stats.cpuSeconds, pid });
    this.podMemory.set(pod.name, stats.rssBytes);
    const memoryBytes = stats.rssBytes;
    // A new container (restart) has a new pid: its first window starts now.
    if (!previous || previous.pid !== pid || now <= previous.at) {
      return {
        name: pod.name,
        state: pod.readyAt === undefined ? 'unready' : 'missing',
        memoryBytes,
      };
    }
    const cpuCores = (stats.cpuSeconds - previous.cpuSeconds) / ((now - previous.at) / 1000);
    this.podCpu.set(pod.name, cpuCores);
    // The CPU initialisation rule: a window that covers the start-up (it
    // began before the pod was ready) does not count.
    const ready = pod.readyAt !== undefined && pod.readyAt <= previous.at;
    return { name: pod.name, state: ready ? 'ready' : 'unready', cpuCores, memoryBytes };
  }
}

/** One stderr line per scale event: time, utilisation per metric, current → desired, reason. */
export function formatDecision(deployment: string, d: Decision, spec: HpaSpec): string {
  const cpu = `cpu ${d.utilisation ?? '<unknown>'}${d.utilisation === undefined ? '' : '%'}/${spec.targetUtilisation}%`;
  const memory =
    spec.memoryTargetUtilisation === undefined
      ? ''
      : ` memory ${d.memoryUtilisation ?? '<unknown>'}${d.memoryUtilisation === undefined ? '' : '%'}/${spec.memoryTargetUtilisation}%`;
  return `${new Date(d.at).toISOString()} hpa ${deployment}: ${cpu}${memory} replicas ${d.current} → ${d.desired} (${d.reason})`;
}

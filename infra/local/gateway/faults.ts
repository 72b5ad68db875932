import { setTimeout as sleep } from 'node:timers/promises';
import { FaultConfig, type FaultConfigInput, type RouteFault } from './options.ts';
import type { Reply } from './http.ts';

/**
 * The faults currently injected. Rules are resolved per (route, method) once
 * and cached, so a request pays a Map lookup when faults are on and nothing
 * when they are off.
 */
export class Faults {
  private config: FaultConfig = FaultConfig.parse({});
  private readonly resolved = new Map<string, RouteFault[]>();

  get queuePaused(): boolean {
    return this.config.queuePaused;
  }

  get active(): boolean {
    return this.config.routes.length > 0;
  }

  set(input: FaultConfigInput): FaultConfig {
    this.config = FaultConfig.parse(input);
    this.resolved.clear();
    return this.config;
  }

  get(): FaultConfig {
    return this.config;
  }

  /**
   * Apply the rules for this request: wait the added latency, then maybe
   * answer with the injected error instead of the real handler.
   */
  async apply(route: string, method: string): Promise<Reply | undefined> {
    const key = `${method} ${route}`;
    let rules = this.resolved.get(key);
    if (!rules) {
      rules = this.config.routes.filter(
        (r) =>
          (r.route === '*' || r.route === route) && (r.method === undefined || r.method === method),
      );
      this.resolved.set(key, rules);
    }
    for (const rule of rules) {
      const delay = latency(rule);
      if (delay > 0) await sleep(delay);
      if (rule.errorRatio !== undefined && Math.random() < rule.errorRatio) {
        return {
          status: rule.errorStatus,
          body: { message: `Injected fault (${rule.errorStatus}).` },
        };
      }
    }
    return undefined;
  }
}

function latency(rule: RouteFault): number {
  const l = rule.latencyMs;
  if (l === undefined) return 0;
  if (typeof l === 'number') return l;
  return l.min + Math.random() * (l.max - l.min);
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The platform's rules: the one source of truth shared with the cluster. */
export const RULES_DIR = fileURLToPath(new URL('../prometheus/rules/', import.meta.url));
const TEMPLATE = fileURLToPath(new URL('./prometheus.yml', import.meta.url));

export interface PrometheusConfigOptions {
  /** host:port of the platform's metrics endpoint. */
  metricsTarget: string;
  /** Scrape and rule evaluation interval, seconds. */
  intervalSeconds?: number;
  /** Rule files glob (default: every .yml in infra/prometheus/rules/). */
  rules?: string;
}

/** infra/local/prometheus.yml with its placeholders filled in. */
export function renderPrometheusConfig(options: PrometheusConfigOptions): string {
  const values: Record<string, string> = {
    interval: `${options.intervalSeconds ?? 2}s`,
    metricsTarget: JSON.stringify(options.metricsTarget),
    rules: JSON.stringify(options.rules ?? `${RULES_DIR}*.yml`),
  };
  return readFileSync(TEMPLATE, 'utf8').replace(/\$\{(\w+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`prometheus.yml: unknown placeholder \${${key}}`);
    return value;
  });
}

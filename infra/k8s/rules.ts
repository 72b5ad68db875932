// The platform's alert and recording rules as a PrometheusRule for
// kube-prometheus-stack, made from the very files the local Prometheus loads
// (infra/prometheus/rules/*.yml): one source, and the rule groups are the
// files' groups unchanged. `release: kube-prometheus-stack` is the label the
// chart's default ruleSelector picks rules up by.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { K8sObject } from './kustomize.ts';

export const PROMETHEUS_RULE_NAME = 'loadgate-platform-rules';

/** A Prometheus rule file: its groups, kept as they are. */
type RuleFile = { groups: Record<string, unknown>[] };

/** The rule files of `dir`, by name (the order the groups appear in). */
export function ruleFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Every group of the rule files, in file order then the files' own order. */
export function ruleGroups(files: readonly string[]): Record<string, unknown>[] {
  return files.flatMap((file) => (parse(readFileSync(file, 'utf8')) as RuleFile).groups);
}

export function prometheusRule(files: readonly string[]): K8sObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: PROMETHEUS_RULE_NAME,
      labels: { release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'loadgate' },
    },
    spec: { groups: ruleGroups(files) },
  };
}

// The dashboard as kube-prometheus-stack's Grafana picks it up: a ConfigMap in
// `monitoring` labelled grafana_dashboard: "1" (the sidecar's default label),
// committed so GitOps applies it, and regenerated only from dashboard.ts.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadgateDashboard } from './dashboard.ts';

export const CONFIGMAP_PATH = join(import.meta.dirname, 'loadgate-dashboard.configmap.yaml');
export const GENERATE_COMMAND = 'npx tsx infra/k8s/dashboard/generate.ts';

export function dashboardConfigMap(): string {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'loadgate-dashboard',
      namespace: 'monitoring',
      labels: { grafana_dashboard: '1', 'app.kubernetes.io/part-of': 'loadgate' },
    },
    data: { 'loadgate.json': JSON.stringify(loadgateDashboard(), null, 2) + '\n' },
  };
  const header = `# Generated from infra/k8s/dashboard/dashboard.ts by \`${GENERATE_COMMAND}\`: do not edit.\n`;
  // A literal block keeps the JSON readable in review; no folding of long lines.
  return header + stringify(configMap, { blockQuote: 'literal', lineWidth: 0, singleQuote: true });
}

/** Writes the ConfigMap, or with `check` only says whether the file at `path` is current. */
export async function syncConfigMap(
  path = CONFIGMAP_PATH,
  { check = false } = {},
): Promise<'current' | 'stale' | 'written'> {
  const wanted = dashboardConfigMap();
  const committed = await readFile(path, 'utf8').catch(() => undefined);
  if (committed === wanted) return 'current';
  if (check) return 'stale';
  await writeFile(path, wanted);
  return 'written';
}

// Where infra/k8s/'s parts are, and the overlays it has: read by the generator,
// `loadgate k8s render` and the tests alike.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const K8S = join(ROOT, 'infra/k8s');
/** The TestRun templates, one per profile, before any overlay. */
export const TESTRUNS = join(K8S, 'testruns');
export const RULES_DIR = join(ROOT, 'infra/prometheus/rules');
/** The script every TestRun runs. */
export const SCRIPT = join(ROOT, 'k6-bundles/mix.js');
export const SCRIPT_KEY = 'mix.js';

export const overlayDir = (overlay: string) => join(K8S, 'overlays', overlay);
/** An overlay's TestRuns (its namespace and parallelism on ../testruns). */
export const overlayTestRuns = (overlay: string) => join(overlayDir(overlay), 'testruns');
/** The TestRun of a profile in every rendering. */
export const testRunName = (profile: string) => `loadgate-${profile}`;

/** The overlays (infra/k8s/overlays/<env>), by name. */
export function overlayNames(): string[] {
  return readdirSync(join(K8S, 'overlays'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The namespace an overlay's kustomization sets. */
export function overlayNamespace(overlay: string): string {
  const k = parse(readFileSync(join(overlayDir(overlay), 'kustomization.yaml'), 'utf8')) as {
    namespace?: string;
  };
  if (!k.namespace) throw new Error(`infra/k8s/overlays/${overlay} sets no namespace`);
  return k.namespace;
}

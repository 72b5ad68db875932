// What the k8s tests share: every overlay rendered once by the real renderer
// (`kubectl kustomize`), or a visible skip when kubectl is not installed.
import { hasKubectl, kustomize, type K8sObject } from '../../infra/k8s/kustomize.ts';
import { overlayDir, overlayNames, overlayTestRuns } from '../../infra/k8s/paths.ts';

export const KUBECTL = await hasKubectl();
export const NO_KUBECTL =
  'kubectl is not on PATH: the overlays cannot be rendered (CI installs it)';
export const OVERLAYS = overlayNames();

export type Rendered = { synced: K8sObject[]; testRuns: K8sObject[] };

/** Each overlay: what ArgoCD syncs, and its TestRuns. */
export async function renderAll(): Promise<Map<string, Rendered>> {
  const out = new Map<string, Rendered>();
  for (const overlay of OVERLAYS)
    out.set(overlay, {
      synced: await kustomize(overlayDir(overlay)),
      testRuns: await kustomize(overlayTestRuns(overlay)),
    });
  return out;
}

export const ofKind = (objects: K8sObject[], kind: string) =>
  objects.filter((o) => o.kind === kind);

export function one(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name.startsWith(name));
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
}

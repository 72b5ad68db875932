// The real renderer: `kubectl kustomize DIR`, its output read back as objects.
// kubectl carries kustomize (v5 in kubectl ≥ 1.27); nothing here imitates it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { InputError } from '../../core/errors.ts';

const run = promisify(execFile);

/** A rendered Kubernetes object: what every manifest has, the rest as is. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
};

/** The objects `kubectl kustomize dir` renders, in its order. */
export async function kustomize(dir: string): Promise<K8sObject[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new InputError(
        'kubectl is not on PATH: it renders the Kustomize overlays',
        'install kubectl ≥ 1.27 (https://kubernetes.io/docs/tasks/tools/)',
      );
    throw new InputError(`kubectl kustomize ${dir} failed:\n${e.stderr?.trim() || e.message}`);
  }
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** True when kubectl can be run (tests skip, visibly, without it). */
export async function hasKubectl(): Promise<boolean> {
  try {
    await run('kubectl', ['version', '--client']);
    return true;
  } catch {
    return false;
  }
}

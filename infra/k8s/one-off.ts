// A one-off TestRun and its own script ConfigMap (what `loadgate k8s render`
// prints): the profile's template as kustomize renders it (an overlay's, or
// the plain templates), given a fresh name, optionally another parallelism and
// gateway, and checked by the same schemas as the committed manifests.
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { InputError } from '../../core/errors.ts';
import type { Profile } from '../../lib/catalogue.ts';
import { kustomize, type K8sObject } from './kustomize.ts';
import {
  overlayNames,
  overlayTestRuns,
  SCRIPT,
  SCRIPT_KEY,
  TESTRUNS,
  testRunName,
} from './paths.ts';
import { parseTestRun, type TestRun } from './testrun.ts';
import { validateObjects } from './validate.ts';

/** The API server refuses a ConfigMap over 1 MiB (etcd's object limit). */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

export type OneOffOptions = {
  profile: Profile;
  /** infra/k8s/overlays/<overlay>: its namespace and parallelism. Default: no namespace. */
  overlay?: string;
  parallelism?: number;
  /** The gateway, instead of the namespace's loadgate-settings GATEWAY_URL. */
  target?: string;
  /** Default: loadgate-<profile>-<UTC time>. */
  name?: string;
  now?: Date;
};

/** `loadgate-capacity-20261124-230222`: sortable, unique per second, a DNS label. */
export function oneOffName(profile: Profile, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${testRunName(profile)}-${stamp}`;
}

/** The script ConfigMap's size as the API server counts it (its data, in bytes). */
export function configMapBytes(configMap: { data?: Record<string, string> }): number {
  return Object.entries(configMap.data ?? {}).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
}

/** [TestRun, its script ConfigMap], validated. */
export async function renderOneOff(options: OneOffOptions): Promise<[TestRun, K8sObject]> {
  if (options.overlay !== undefined && !overlayNames().includes(options.overlay))
    throw new InputError(
      `--overlay '${options.overlay}' is not an overlay (infra/k8s/overlays: ${overlayNames().join(', ')})`,
    );
  const dir = options.overlay === undefined ? TESTRUNS : overlayTestRuns(options.overlay);
  const template = (await kustomize(dir)).find(
    (o) => o.metadata.name === testRunName(options.profile),
  );
  if (!template) throw new InputError(`${dir} has no TestRun for the profile ${options.profile}`);
  const testRun = parseTestRun(structuredClone(template), testRunName(options.profile));

  const name = options.name ?? oneOffName(options.profile, options.now);
  const namespace = testRun.metadata.namespace;
  const data = { [SCRIPT_KEY]: readFileSync(SCRIPT, 'utf8') };
  const configMap: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-script`, ...(namespace && { namespace }) },
    data,
  };
  const bytes = configMapBytes({ data });
  if (bytes >= CONFIGMAP_MAX_BYTES)
    throw new InputError(
      `the script ConfigMap would be ${bytes} bytes: the API server takes < 1 MiB`,
    );

  testRun.metadata.name = name;
  testRun.spec.script = { configMap: { name: configMap.metadata.name, file: SCRIPT_KEY } };
  if (options.parallelism !== undefined) testRun.spec.parallelism = options.parallelism;
  if (options.target !== undefined) {
    // Runners and initializer alike: both evaluate the script's init code.
    for (const pod of [testRun.spec.runner, testRun.spec.initializer])
      for (const env of pod?.env ?? [])
        if (env.name === 'BASE_URL') {
          env.value = options.target;
          delete env.valueFrom;
        }
  }
  validateObjects([testRun, configMap], `the ${options.profile} TestRun`);
  return [testRun, configMap];
}

/** Objects as one multi-document YAML stream, ready for `kubectl create -f -`. */
export function toYamlStream(objects: readonly object[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

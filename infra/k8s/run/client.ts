// The TestRuns of the cluster, through @kubernetes/client-node: create one,
// read its status.stage, delete it. Each refusal of the API becomes an
// ExitError that says what to check: credentials (401), RBAC (403),
// k6-operator's CRD (404), the manifest (422), or the API server itself.
import { readFileSync } from 'node:fs';
import { ApiException, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { InfrastructureError, InputError } from '../../../core/errors.ts';
import { redactUrl } from '../../../core/urls.ts';
import type { TestRunManifest } from './manifest.ts';

const TESTRUNS = { group: 'k6.io', version: 'v1alpha1', plural: 'testruns' } as const;
const RESOURCE = 'testruns.k6.io/v1alpha1';

export interface TestRunApi {
  /** The API server, for messages. */
  readonly server: string;
  /** The namespace of the kubeconfig's context (or the service account's), if any. */
  readonly defaultNamespace: string | undefined;
  create(body: TestRunManifest): Promise<void>;
  /** status.stage, undefined until k6-operator has set one. */
  stage(namespace: string, name: string): Promise<string | undefined>;
  /** Deletes the TestRun (its Jobs and pods follow); false when it was already gone. */
  remove(namespace: string, name: string): Promise<boolean>;
}

/** An API failure worth asking again (network, 5xx, 429), as opposed to a refusal. */
export class TransientApiError extends InfrastructureError {}

/** The TestRun deleted by someone else while it was followed. */
export class TestRunGone extends InfrastructureError {}

export type ConnectOptions = {
  /** A kubeconfig file; without it, the pod's service account (in-cluster). */
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
};

export function connectTestRuns(options: ConnectOptions = {}): TestRunApi {
  const kc = loadKubeConfig(options);
  const api = kc.makeApiClient(CustomObjectsApi);
  const server = redactUrl(kc.getCurrentCluster()?.server ?? '(no server)');
  const fail = (error: unknown, action: string, namespace: string) =>
    apiError(error, action, namespace, server);
  return {
    server,
    defaultNamespace: kc.getContextObject(kc.getCurrentContext())?.namespace?.trim() || undefined,
    async create(body) {
      const namespace = body.metadata.namespace!;
      try {
        await api.createNamespacedCustomObject({ ...TESTRUNS, namespace, body });
      } catch (error) {
        throw fail(error, `creating TestRun ${namespace}/${body.metadata.name}`, namespace);
      }
    },
    async stage(namespace, name) {
      try {
        const object = (await api.getNamespacedCustomObject({ ...TESTRUNS, namespace, name })) as {
          status?: { stage?: unknown };
        };
        const stage = object?.status?.stage;
        return typeof stage === 'string' && stage ? stage : undefined;
      } catch (error) {
        if (error instanceof ApiException && error.code === 404)
          throw new TestRunGone(
            `TestRun ${namespace}/${name} was deleted while loadgate followed it`,
          );
        throw fail(error, `reading TestRun ${namespace}/${name}`, namespace);
      }
    },
    async remove(namespace, name) {
      try {
        await api.deleteNamespacedCustomObject({
          ...TESTRUNS,
          namespace,
          name,
          propagationPolicy: 'Background',
        });
        return true;
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return false;
        throw fail(error, `deleting TestRun ${namespace}/${name}`, namespace);
      }
    },
  };
}

function loadKubeConfig({ kubeconfig, env = process.env }: ConnectOptions): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfig) {
    try {
      // loadFromFile does not say which file it failed on; read it first to name it.
      readFileSync(kubeconfig);
      kc.loadFromFile(kubeconfig);
    } catch (error) {
      throw new InputError(
        `cannot use the kubeconfig ${kubeconfig}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    if (!kc.getCurrentCluster())
      throw new InputError(`the kubeconfig ${kubeconfig} has no current context with a cluster`);
    return kc;
  }
  // Outside a pod, loadFromCluster would aim at https://undefined:undefined.
  if (!env.KUBERNETES_SERVICE_HOST)
    throw new InputError(
      'not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is unset), and no --kubeconfig',
      'Pass --kubeconfig FILE (e.g. ~/.kube/config) to run from outside the cluster',
    );
  kc.loadFromCluster();
  return kc;
}

/** What the API said, from its Status body when there is one. */
function statusMessage(error: ApiException<unknown>): string {
  try {
    const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    if (body && typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: fall through to the code alone.
  }
  return `HTTP ${error.code}`;
}

function apiError(error: unknown, action: string, namespace: string, server: string) {
  if (!(error instanceof ApiException)) {
    const cause = (error as { code?: string }).code ?? (error as Error).message;
    return new TransientApiError(
      `cannot reach the Kubernetes API at ${server} (${action}): ${cause}`,
      'Check the API server address and the network (in a pod: KUBERNETES_SERVICE_HOST)',
    );
  }
  const said = statusMessage(error);
  switch (error.code) {
    case 401:
      return new InfrastructureError(
        `the Kubernetes API refused the credentials (401) ${action}: ${said}`,
        'Check the kubeconfig user, or that the pod mounts its service account token',
      );
    case 403:
      return new InfrastructureError(
        `the Kubernetes API forbids ${action} (403): ${said}`,
        `Check RBAC: the service account needs create, get and delete on ${RESOURCE} in namespace ${namespace}`,
      );
    case 404:
      return new InfrastructureError(
        `the Kubernetes API has no ${RESOURCE} in namespace ${namespace} (404, ${action}): ${said}`,
        `Check that k6-operator is installed (kubectl get crd testruns.k6.io) and that namespace ${namespace} exists`,
      );
    case 409:
      return new InfrastructureError(`${action}: it already exists (409): ${said}`);
    case 422:
      // The CRD's validation refused the object: nothing was created.
      return new InputError(
        `the cluster refused the TestRun (422, ${action}): ${said}`,
        "Check the manifest against k6-operator's TestRun CRD",
      );
    default:
      if (error.code === 429 || error.code >= 500)
        return new TransientApiError(
          `the Kubernetes API failed (${error.code}) ${action}: ${said}`,
        );
      return new InfrastructureError(
        `the Kubernetes API refused ${action} (${error.code}): ${said}`,
      );
  }
}

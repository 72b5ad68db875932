// A stand-in for the Kubernetes API server's part in a TestRun's life, on
// loopback (not a cluster): create, get and delete of testruns.k6.io/v1alpha1
// objects, with k6-operator's status.stage advancing one stage per read, so a
// test decides exactly what the follower sees. It answers the way the API
// server does: 201 with metadata.uid on create, a Status body on failures,
// 404 "could not find the requested resource" when the CRD is not installed,
// 401 on a wrong bearer token, 422 on a name that is not a DNS subdomain.
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export const OPERATOR_STAGES = [
  'initialization',
  'initialized',
  'created',
  'started',
  'finished',
] as const;

export type TestRunObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid?: string; [key: string]: unknown };
  spec: {
    arguments?: string;
    runner?: { env?: { name: string; value?: string }[] };
    [key: string]: unknown;
  };
  status?: { stage?: string };
};

export type FakeKubeApiOptions = {
  /**
   * The stages each TestRun goes through, one per GET after its creation
   * (the first GET sees the first); it then stays at the last one.
   * Default: initialization → … → finished.
   */
  stages?: readonly string[];
  /** false: k6-operator's CRD is not installed (every testruns path is a 404). */
  crd?: boolean;
  /** The bearer token the kubeconfig must present. */
  token?: string;
  /** Refuse this namespace's requests with 403, as RBAC does. */
  forbiddenNamespace?: string;
};

export type FakeKubeApi = {
  url: string;
  /** Every request, in order. */
  requests: { method: string; path: string }[];
  /** Bodies of the TestRuns created, as received. */
  created: TestRunObject[];
  /** TestRuns that exist now, by `namespace/name`. */
  objects: Map<string, TestRunObject>;
  /** `namespace/name` of every TestRun deleted. */
  deleted: string[];
  /** Writes a kubeconfig for this server (context namespace optional). */
  writeKubeconfig(path: string, options?: { namespace?: string; token?: string }): Promise<void>;
  close(): Promise<void>;
};

const PATH = /^\/apis\/k6\.io\/v1alpha1\/namespaces\/([^/]+)\/testruns(?:\/([^/]+))?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export async function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const stages = options.stages ?? OPERATOR_STAGES;
  const token = options.token ?? 'fake-token';
  const requests: FakeKubeApi['requests'] = [];
  const created: TestRunObject[] = [];
  const objects = new Map<string, TestRunObject>();
  const reads = new Map<string, number>();
  const deleted: string[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const method = req.method ?? 'GET';
    requests.push({ method, path });
    if (req.headers.authorization !== `Bearer ${token}`)
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    const match = PATH.exec(path);
    if (!match || options.crd === false)
      return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const [, namespace, name] = match as unknown as [string, string, string | undefined];
    if (namespace === options.forbiddenNamespace)
      return status(
        res,
        403,
        'Forbidden',
        `testruns.k6.io is forbidden: User "system:serviceaccount:${namespace}:loadgate" cannot ${method === 'POST' ? 'create' : method.toLowerCase()} resource "testruns" in API group "k6.io" in the namespace "${namespace}"`,
      );
    if (method === 'POST' && !name) {
      const object = JSON.parse(body) as TestRunObject;
      const objectName = object.metadata?.name ?? '';
      if (object.metadata?.namespace && object.metadata.namespace !== namespace)
        return status(
          res,
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      if (!DNS_SUBDOMAIN.test(objectName) || objectName.length > 253)
        return status(
          res,
          422,
          'Invalid',
          `TestRun.k6.io "${objectName}" is invalid: metadata.name: Invalid value: "${objectName}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
        );
      const key = `${namespace}/${objectName}`;
      if (objects.has(key))
        return status(res, 409, 'AlreadyExists', `testruns.k6.io "${objectName}" already exists`);
      created.push(structuredClone(object));
      const stored: TestRunObject = {
        ...object,
        metadata: {
          ...object.metadata,
          namespace,
          uid: randomUUID(),
          creationTimestamp: new Date().toISOString(),
        },
      };
      objects.set(key, stored);
      return json(res, 201, stored);
    }
    const key = `${namespace}/${name}`;
    const object = name ? objects.get(key) : undefined;
    if (!object) return status(res, 404, 'NotFound', `testruns.k6.io "${name}" not found`);
    if (method === 'GET') {
      // k6-operator moves the run on between two reads.
      const n = reads.get(key) ?? 0;
      reads.set(key, n + 1);
      object.status = { stage: stages[Math.min(n, stages.length - 1)] };
      return json(res, 200, object);
    }
    if (method === 'DELETE') {
      objects.delete(key);
      deleted.push(key);
      return json(res, 200, object);
    }
    return status(res, 405, 'MethodNotAllowed', `${method} is not supported by this fake`);
  };

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    created,
    objects,
    deleted,
    writeKubeconfig: (path, kc = {}) =>
      writeFile(
        path,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          // Plain http on loopback: client-node wants that said explicitly.
          `  - name: fake\n    cluster: {server: "${url}", insecure-skip-tls-verify: true}`,
          'users:',
          `  - name: loadgate\n    user: {token: "${kc.token ?? token}"}`,
          'contexts:',
          `  - name: fake\n    context: {cluster: fake, user: loadgate${kc.namespace ? `, namespace: ${kc.namespace}` : ''}}`,
          'current-context: fake',
          '',
        ].join('\n'),
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, code: number, body: unknown) {
  res.statusCode = code;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

/** A failure the way the API server writes it: a `Status` object. */
function status(res: ServerResponse, code: number, reason: string, message: string) {
  json(res, code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

// `loadgate k8s run` against a loopback stand-in for the Kubernetes API
// (test/k8s/fake-kube-api.ts, not a cluster) and recorded Prometheus answers:
// the TestRun it creates, how it follows the stages, what it exits with, and
// that it always cleans up after itself. In test/cli/ because it calls the
// command (only cli/ and its tests import cli/).
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/commands/k8s-run.ts';
import { EXIT, ExitError } from '../../core/errors.ts';
import { startFakePrometheus, type FakePrometheus } from '../slo/fake-prometheus.ts';
import {
  startFakeKubeApi,
  type FakeKubeApi,
  type FakeKubeApiOptions,
} from '../k8s/fake-kube-api.ts';

const MANIFEST = `apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: capacity
  namespace: loadtest
spec:
  parallelism: 2
  script:
    configMap: { name: loadgate-bundles, file: mix.js }
  arguments: -o experimental-prometheus-rw --tag testid=stale --tag team=perf
  cleanup: post
  runner:
    image: grafana/k6:1.0.0
    env:
      - { name: PROFILE, value: capacity }
      - { name: RUN_ID, value: placeholder }
`;

const SPEC = `apiVersion: loadgate/v1
kind: SLO
metadata: { name: cluster-run }
objectives:
  - name: requests-of-this-run
    kind: promql
    query: sum(k6_http_reqs_total{testid="$testid"})
    op: '>'
    bound: 0
`;

const RUN_QUERY = /^sum\(k6_http_reqs_total\{testid="([^"]+)"\}\)$/;

let dir: string;
let kubeconfig: string;
let manifest: string;
let spec: string;
let output = '';
let api: FakeKubeApi | undefined;
let prometheus: FakePrometheus | undefined;

/** Prometheus counting `requests` for whichever testid the run was given. */
async function prometheusCounting(requests: number) {
  const answer = {
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [0, String(requests)] }] },
  };
  const answers = new Proxy({} as Record<string, unknown>, {
    get: (_, key) => (typeof key === 'string' && RUN_QUERY.test(key) ? answer : undefined),
  });
  prometheus = await startFakePrometheus(answers);
  return prometheus;
}

async function cluster(options: FakeKubeApiOptions = {}, context?: { namespace?: string }) {
  api = await startFakeKubeApi(options);
  await api.writeKubeconfig(kubeconfig, context);
  return api;
}

/** The command as the CronJob runs it: its exit code, or the ExitError cli/main.ts would print. */
async function k8sRun(args: string[]): Promise<{ code: number; error?: ExitError }> {
  try {
    return { code: await main(args) };
  } catch (error) {
    if (!(error instanceof ExitError)) throw error;
    return { code: error.code, error };
  }
}

const standardArgs = (extra: string[] = []) => [
  ...['--manifest', manifest, '--spec', spec, '--kubeconfig', kubeconfig],
  ...['--prometheus', prometheus!.url, '--poll-interval', '10ms'],
  ...extra,
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-k8s-run-'));
  kubeconfig = join(dir, 'kubeconfig');
  manifest = join(dir, 'testrun.yaml');
  spec = join(dir, 'slo.yaml');
  await writeFile(manifest, MANIFEST);
  await writeFile(spec, SPEC);
  const capture = (chunk: unknown) => ((output += String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(async () => {
  await api?.close();
  await prometheus?.close();
  api = prometheus = undefined;
  output = '';
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('loadgate k8s run, to the end of a TestRun', () => {
  it('creates a uniquely named TestRun, judges its window by testid, pushes, writes, deletes it', async () => {
    await cluster();
    await prometheusCounting(1200);
    const pushes: { url: string; body: string }[] = [];
    const pushgateway: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => (pushes.push({ url: req.url ?? '', body }), res.end()));
    });
    await new Promise<void>((r) => pushgateway.listen(0, '127.0.0.1', r));
    const out = join(dir, 'verdict');
    try {
      const { port } = pushgateway.address() as AddressInfo;
      const { code } = await k8sRun(
        standardArgs(['--out', out, '--pushgateway', `http://127.0.0.1:${port}`]),
      );
      expect(code).toBe(EXIT.ok);
    } finally {
      await new Promise((r) => pushgateway.close(r));
    }

    expect(api!.created).toHaveLength(1);
    const created = api!.created[0]!;
    const id = created.metadata.name;
    expect(id).toMatch(/^capacity-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(created.metadata.namespace).toBe('loadtest');
    expect(created.spec.runner?.env).toEqual([
      { name: 'PROFILE', value: 'capacity' },
      { name: 'RUN_ID', value: id },
    ]);
    // The stale testid is replaced; the other tags and flags stay.
    expect(created.spec.arguments).toBe(
      `-o experimental-prometheus-rw --tag team=perf --tag testid=${id}`,
    );
    // cleanup: post would let the operator delete it before the finished stage is seen.
    expect(created.spec).not.toHaveProperty('cleanup');
    expect(created.spec).toMatchObject({ parallelism: 2, runner: { image: 'grafana/k6:1.0.0' } });

    // Followed to the end, then deleted.
    expect(api!.deleted).toEqual([`loadtest/${id}`]);
    expect(api!.objects.size).toBe(0);
    expect(output).toContain(`loadtest/${id}: finished`);

    // The SLO check asked for this run's series, and its verdict was written and pushed.
    expect(prometheus!.requests.map((r) => r.query)).toContain(
      `sum(k6_http_reqs_total{testid="${id}"})`,
    );
    const verdict = JSON.parse(readFileSync(join(out, 'slo.json'), 'utf8'));
    expect(verdict).toMatchObject({ status: 'pass', profile: 'capacity' });
    expect(existsSync(join(out, 'junit.xml'))).toBe(true);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.url).toBe('/metrics/job/loadgate_slo/profile/capacity');
    expect(pushes[0]!.body).toContain('loadgate_run_verdict{profile="capacity"} 1');
  });

  it("exits with the verdict's code when an SLO fails, and still deletes the TestRun", async () => {
    await cluster();
    await prometheusCounting(0);
    const { code } = await k8sRun(standardArgs());
    expect(code).toBe(EXIT.failed);
    expect(api!.deleted).toEqual([`loadtest/${api!.created[0]!.metadata.name}`]);
  });

  it('gives each run its own name', async () => {
    await cluster();
    await prometheusCounting(1);
    await k8sRun(standardArgs());
    await k8sRun(standardArgs());
    const [first, second] = api!.created.map((c) => c.metadata.name);
    expect(first).not.toBe(second);
  });

  it('leaves the TestRun in the cluster with --keep', async () => {
    await cluster();
    await prometheusCounting(1);
    const { code } = await k8sRun(standardArgs(['--keep']));
    expect(code).toBe(EXIT.ok);
    expect(api!.deleted).toEqual([]);
    expect(api!.objects.size).toBe(1);
  });

  it("uses the kubeconfig context's namespace when the manifest and flags name none", async () => {
    await cluster({}, { namespace: 'perf' });
    await prometheusCounting(1);
    const bare = join(dir, 'bare.yaml');
    await writeFile(bare, MANIFEST.replace('  namespace: loadtest\n', ''));
    const { code } = await k8sRun(standardArgs(['--manifest', bare]));
    expect(code).toBe(EXIT.ok);
    expect(api!.created[0]!.metadata.namespace).toBe('perf');
  });
});

describe('loadgate k8s run, when the run does not finish', () => {
  it("exits 3 naming the stage when k6-operator reports 'error', and deletes the TestRun", async () => {
    await cluster({ stages: ['initialization', 'initialized', 'created', 'error'] });
    await prometheusCounting(1);
    const { code, error } = await k8sRun(standardArgs());
    expect(code).toBe(EXIT.infrastructure);
    expect(error!.message).toMatch(/TestRun loadtest\/capacity-\S+ reached stage 'error' after/);
    expect(error!.hint).toContain('kubectl -n loadtest describe testrun');
    expect(api!.deleted).toHaveLength(1);
    // Nothing to judge: Prometheus was never asked.
    expect(prometheus!.requests).toEqual([]);
  });

  it('exits 3 naming the stage reached when the deadline passes, and deletes the TestRun', async () => {
    await cluster({ stages: ['initialization', 'initialized', 'created', 'started'] });
    await prometheusCounting(1);
    const { code, error } = await k8sRun(standardArgs(['--deadline', '300ms']));
    expect(code).toBe(EXIT.infrastructure);
    expect(error!.message).toMatch(/did not finish within the deadline .*reached stage 'started'/);
    expect(api!.deleted).toHaveLength(1);
  });

  it('deletes the TestRun and exits 105 on SIGTERM', async () => {
    await cluster({ stages: ['initialization', 'started'] });
    await prometheusCounting(1);
    const run = k8sRun(standardArgs());
    await vi.waitFor(() => expect(api!.requests.some((r) => r.method === 'GET')).toBe(true));
    process.emit('SIGTERM');
    const { code } = await run;
    expect(code).toBe(EXIT.interrupted);
    expect(api!.deleted).toHaveLength(1);
  });
});

describe('loadgate k8s run, refused', () => {
  it('exits 3 with the operator hint when the cluster has no TestRun CRD (404)', async () => {
    await cluster({ crd: false });
    await prometheusCounting(1);
    const { code, error } = await k8sRun(standardArgs());
    expect(code).toBe(EXIT.infrastructure);
    expect(error!.message).toContain('404');
    expect(error!.hint).toContain('k6-operator is installed');
    expect(api!.created).toEqual([]);
  });

  it('exits 3 with the RBAC hint when the service account may not create TestRuns (403)', async () => {
    await cluster({ forbiddenNamespace: 'loadtest' });
    await prometheusCounting(1);
    const { code, error } = await k8sRun(standardArgs());
    expect(code).toBe(EXIT.infrastructure);
    expect(error!.message).toContain('cannot create resource "testruns"');
    expect(error!.hint).toMatch(/RBAC.*testruns\.k6\.io.*loadtest/);
  });

  it('exits 3 when the credentials are refused (401)', async () => {
    await cluster();
    await api!.writeKubeconfig(kubeconfig, { token: 'expired' });
    await prometheusCounting(1);
    const { code, error } = await k8sRun(standardArgs());
    expect(code).toBe(EXIT.infrastructure);
    expect(error!.message).toContain('refused the credentials (401)');
  });

  it.each([
    ['another kind', MANIFEST.replace('kind: TestRun', 'kind: Job'), /kind/],
    [
      'a name that is not a DNS label',
      MANIFEST.replace('name: capacity', 'name: Capacity_Run'),
      /DNS-1123/,
    ],
    ['broken YAML', 'apiVersion: [k6.io', /not valid YAML/],
  ])('exits 2 and creates nothing for a manifest with %s', async (_, text, message) => {
    await cluster();
    await prometheusCounting(1);
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, text);
    const { code, error } = await k8sRun(standardArgs(['--manifest', bad]));
    expect(code).toBe(EXIT.badInput);
    expect(error!.message).toMatch(message);
    expect(api!.requests).toEqual([]);
  });

  it('exits 2 and creates nothing for bad flags, naming each', async () => {
    await cluster();
    await prometheusCounting(1);
    const { code, error } = await k8sRun(
      standardArgs(['--deadline', 'soon', '--pushgateway', 'pushgateway:9091']),
    );
    expect(code).toBe(EXIT.badInput);
    expect(error!.message).toContain('--deadline');
    expect(error!.message).toContain('--pushgateway');
    expect(api!.requests).toEqual([]);
  });

  it('exits 2 and creates nothing when the SLO spec is broken', async () => {
    await cluster();
    await prometheusCounting(1);
    const badSpec = join(dir, 'bad-slo.yaml');
    await writeFile(badSpec, SPEC.replace("op: '>'", "op: 'above'"));
    const { code } = await k8sRun(standardArgs(['--spec', badSpec]));
    expect(code).toBe(EXIT.badInput);
    expect(api!.requests).toEqual([]);
  });

  it('exits 2 outside a pod without --kubeconfig', async () => {
    await prometheusCounting(1);
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      const { code, error } = await k8sRun(
        standardArgs().filter((a, i, all) => a !== '--kubeconfig' && all[i - 1] !== '--kubeconfig'),
      );
      expect(code).toBe(EXIT.badInput);
      expect(error!.hint).toContain('--kubeconfig');
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });
});

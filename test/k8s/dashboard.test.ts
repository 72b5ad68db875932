// The Grafana dashboard: every query is PromQL Prometheus will accept, over
// metrics that exist (the platform's contract, k6's remote-write names and
// the loadgate_slo_* series slo/push.ts actually pushes), and the committed
// ConfigMap is what dashboard.ts generates.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadgateDashboard } from '../../infra/k8s/dashboard/dashboard.ts';
import {
  CONFIGMAP_PATH,
  dashboardConfigMap,
  syncConfigMap,
} from '../../infra/k8s/dashboard/configmap.ts';
import { pushVerdict } from '../../slo/push.ts';
import type { Verdict } from '../../slo/verdict.ts';

/** The platform's metrics contract (docs and infra/local/ serve the same names). */
const CONTRACT = [
  'http_request_duration_seconds_bucket',
  'http_requests_total',
  'kube_horizontalpodautoscaler_status_current_replicas',
  'kube_horizontalpodautoscaler_spec_min_replicas',
  'kube_horizontalpodautoscaler_spec_max_replicas',
  'rabbitmq_queue_messages_ready',
];

/**
 * k6's experimental-prometheus-rw names for its built-in HTTP metrics: a
 * counter gets `_total`; a trend sent as a native histogram gets its base
 * unit (`_seconds` for time), per xk6-output-prometheus-remote.
 */
const K6_REMOTE_WRITE = [
  ...['http_reqs', 'iterations', 'data_sent', 'data_received'].map((m) => `k6_${m}_total`),
  ...['http_req_duration', 'http_req_waiting', 'iteration_duration'].map((m) => `k6_${m}_seconds`),
  ...['vus', 'vus_max'].map((m) => `k6_${m}`),
  'k6_http_req_failed_rate',
];

/** The names slo/push.ts registers, read from what it pushes to a loopback Pushgateway. */
async function pushedMetricNames(): Promise<string[]> {
  let body = '';
  const server = createServer((req, res) => {
    req.on('data', (c) => (body += c));
    req.on('end', () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const verdict = {
    status: 'pass',
    score: 1,
    objectives: [{ name: 'p95', kind: 'latency', status: 'pass', value: 0.2 }],
  } as unknown as Verdict;
  try {
    await pushVerdict(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, verdict, 'x');
  } finally {
    await new Promise((r) => server.close(r));
  }
  return [...body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
}

type Target = { expr?: string };
type Panel = { type: string; title?: string; targets?: Target[] };

const dashboard = loadgateDashboard() as unknown as {
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string }[] };
};
const queries = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title!, expr: t.expr! })),
);

/** What Grafana does before sending: interval macros become durations; $vars sit inside strings. */
const interpolate = (expr: string) => expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m');

/** Syntax errors (as offsets) and metric names of an expression, from the PromQL grammar. */
function analyse(expr: string): { errors: number[]; metrics: string[] } {
  const errors: number[] = [];
  const metrics: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        metrics.push(expr.slice(node.from, node.to));
      if (node.name === 'LabelName' && expr.slice(node.from, node.to) === '__name__')
        metrics.push('{__name__=…} (name the metric instead)');
    },
  });
  return { errors, metrics };
}

describe('the Grafana dashboard', () => {
  it('has the panels of the brief, each with a query', () => {
    expect(queries.length).toBeGreaterThanOrEqual(10);
    expect(dashboard.panels.filter((p) => p.type !== 'row').map((p) => p.title)).toEqual([
      'Request rate per scenario',
      'p95 request duration per scenario',
      'Gateway p95 latency per route',
      'Gateway 5xx ratio per route',
      'HPA replicas against min/max',
      'Queue depth (messages ready)',
      'SLO score and run verdict per profile',
      'SLO objective status',
      'SLO measured value per objective',
    ]);
  });

  it('sends only PromQL that parses', () => {
    const broken = queries
      .map((q) => ({ ...q, errors: analyse(interpolate(q.expr)).errors }))
      .filter((q) => q.errors.length > 0);
    expect(broken).toEqual([]);
  });

  it('queries only metrics that exist: the contract, k6 remote write, loadgate_slo_*', async () => {
    const pushed = await pushedMetricNames();
    // Guards the derivation: an empty list would allow nothing, a wrong one the wrong names.
    expect(pushed).toContain('loadgate_slo_objective_status');
    const allowed = new Set([...CONTRACT, ...K6_REMOTE_WRITE, ...pushed]);
    const variableQueries = dashboard.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => ({
        panel: `$${v.name}`,
        expr: /^label_values\((.*), \w+\)$/.exec(v.query!)![1]!,
      }));
    const unknown = [...queries, ...variableQueries].flatMap(({ panel, expr }) =>
      analyse(interpolate(expr))
        .metrics.filter((m) => !allowed.has(m))
        .map((m) => `${panel}: ${m}`),
    );
    expect(unknown).toEqual([]);
    const used = new Set(queries.flatMap((q) => analyse(interpolate(q.expr)).metrics));
    expect([...used].filter((m) => m.startsWith('loadgate_')).sort()).toEqual(pushed.sort());
  });

  it('filters the gateway and the HPA by the namespace variable', () => {
    expect(dashboard.templating.list.map((v) => v.name)).toContain('namespace');
    const scoped = queries.filter((q) => /http_request|kube_horizontalpodautoscaler/.test(q.expr));
    expect(scoped.length).toBeGreaterThan(0);
    for (const q of scoped) expect(q.expr).toContain('namespace="$namespace"');
  });
});

describe('the dashboard ConfigMap', () => {
  it('is committed as dashboard.ts generates it', async () => {
    expect(await readFile(CONFIGMAP_PATH, 'utf8')).toBe(dashboardConfigMap());
  });

  it('is a ConfigMap in monitoring that the Grafana sidecar picks up', () => {
    const configMap = parse(dashboardConfigMap());
    expect(configMap).toMatchObject({
      kind: 'ConfigMap',
      metadata: { namespace: 'monitoring', labels: { grafana_dashboard: '1' } },
    });
    expect(JSON.parse(configMap.data['loadgate.json'])).toMatchObject({ uid: 'loadgate' });
  });

  it('--check finds a stale file, and writing makes it current', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadgate-dashboard-'));
    const path = join(dir, 'dashboard.yaml');
    try {
      await writeFile(path, dashboardConfigMap().replace('"uid": "loadgate"', '"uid": "edited"'));
      expect(await syncConfigMap(path, { check: true })).toBe('stale');
      expect(await syncConfigMap(path)).toBe('written');
      expect(await syncConfigMap(path, { check: true })).toBe('current');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

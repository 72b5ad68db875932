import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPrometheus } from '../infra/local/prometheus.ts';
import { runCheck } from '../slo/index.ts';
import { backfill } from '../infra/prometheus/backfill.ts';

// Time to judge a 20-objective spec (latency, errors, PromQL, HPA range
// queries, alert rules and states, queue drain) against a local Prometheus
// holding a backfilled 10-minute run. Target: < 2 s.
// Reference, same run: the spec's 20 queries sent one after the other with
// plain fetch (no validation, no judging): the floor set by Prometheus itself.

const RUNS = 7;

export async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-bench-slo-'));
  const history = await backfill(dir);
  const rules = resolve(import.meta.dirname, '../infra/prometheus/rules/platform-alerts.yml');
  const prometheus = await startPrometheus({
    dataDir: join(dir, 'data'),
    config: `global: { evaluation_interval: 15s }\nrule_files: [${JSON.stringify(rules)}]\n`,
  });
  try {
    const spec = join(dir, 'bench.yaml');
    await writeFile(spec, JSON.stringify(twentyObjectives()));
    const check = () =>
      runCheck({
        spec,
        prometheusUrl: prometheus.url,
        from: history.start,
        to: history.end,
        quiet: true,
      });
    const first = await check(); // warm Prometheus' caches and the module graph
    const objectives = first.verdict.objectives;
    const checker = await timed(check);

    const queries = objectives.flatMap((o) =>
      o.kind === 'alert-rule' ? [] : o.query ? [o.query] : [],
    );
    const rulesCalls = objectives.length - queries.length;
    const reference = await timed(async () => {
      for (const query of queries)
        await (
          await fetch(`${prometheus.url}/api/v1/query`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ query, time: String(history.end.getTime() / 1000) }),
          })
        ).json();
      for (let i = 0; i < rulesCalls; i++)
        await (await fetch(`${prometheus.url}/api/v1/rules`)).json();
    });

    const statuses = objectives.map((o) => o.status);
    process.stdout.write(
      [
        `slo check, ${objectives.length} objectives (${statuses.filter((s) => s === 'pass').length} pass), median of ${RUNS}: ${checker.median.toFixed(0)} ms (min ${checker.min.toFixed(0)} ms) — target < 2000 ms`,
        `reference, the same ${objectives.length} requests sequentially with fetch: ${reference.median.toFixed(0)} ms (min ${reference.min.toFixed(0)} ms)`,
        '',
      ].join('\n'),
    );
  } finally {
    await prometheus.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function timed(task: () => Promise<unknown>): Promise<{ median: number; min: number }> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]! };
}

function twentyObjectives() {
  const gateway = 'service="api-gateway",namespace="e-commerce-local"';
  const hpa = { kind: 'hpa', hpa: 'api-gateway' };
  return {
    apiVersion: 'loadgate/v1',
    kind: 'SLO',
    metadata: { name: 'bench' },
    vars: { namespace: 'e-commerce-local' },
    window: { warmup: '0s', step: '15s' },
    objectives: [
      { name: 'p50', kind: 'latency', selector: gateway, quantile: 0.5, bound: 1 },
      { name: 'p90', kind: 'latency', selector: gateway, quantile: 0.9, bound: 1 },
      { name: 'p95', kind: 'latency', selector: gateway, bound: 1 },
      { name: 'p99', kind: 'latency', selector: gateway, quantile: 0.99, bound: 2.5 },
      { name: 'p95-route', kind: 'latency', selector: gateway, by: ['route'], bound: 1 },
      { name: 'errors', kind: 'error-ratio', selector: gateway, bound: 0.05 },
      { name: 'errors-route', kind: 'error-ratio', selector: gateway, by: ['route'], bound: 0.05 },
      {
        name: 'traffic',
        kind: 'promql',
        query: `sum(increase(http_requests_total{${gateway}}[$window]))`,
        op: '>',
        bound: 0,
      },
      {
        name: 'rps-range',
        kind: 'promql',
        query: `sum(rate(http_requests_total{${gateway}}[1m]))`,
        evaluate: 'range',
        reduce: 'min',
        op: '>',
        bound: 0,
      },
      {
        name: 'backlog-peak',
        kind: 'promql',
        query: 'max(rabbitmq_queue_messages_ready)',
        evaluate: 'range',
        reduce: 'max',
        bound: 1000,
      },
      { ...hpa, name: 'scaled', check: 'scaled-above-min' },
      { ...hpa, name: 'max', check: 'never-above-max' },
      { ...hpa, name: 'pinned', check: 'not-pinned-at-max', for: '2m' },
      { ...hpa, name: 'reaction', check: 'scale-up-time', within: '3m' },
      { name: 'drained', kind: 'queue-drain', queue: 'orders', within: '5m' },
      {
        name: 'rule-errors',
        kind: 'alert-rule',
        alert: 'HighErrorRate',
        threshold: 0.05,
        for: '5m',
      },
      {
        name: 'rule-latency',
        kind: 'alert-rule',
        alert: 'HighApiResponseTime',
        threshold: 1,
        for: '5m',
      },
      {
        name: 'rule-backlog',
        kind: 'alert-rule',
        alert: 'RabbitMQQueueBacklog',
        threshold: 1000,
        for: '10m',
      },
      { name: 'no-error-alert', kind: 'alert-state', alert: 'HighErrorRate' },
      { name: 'no-latency-alert', kind: 'alert-state', alert: 'HighApiResponseTime' },
    ],
  };
}

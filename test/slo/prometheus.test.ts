// The checker against the real Debian Prometheus: backfilled history for the
// run-window cases, and live rules (1 s evaluation) for alert states. The
// platform's own rule file is loaded too, so slo/local.yaml's alert-rule
// objectives are checked against it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../infra/local/ports.ts';
import { startPrometheus, type RunningPrometheus } from '../../infra/local/prometheus.ts';
import { runCheck, type Verdict } from '../../slo/index.ts';
import { backfill, type History } from '../../infra/prometheus/backfill.ts';
import { ExitError } from '../../core/errors.ts';

const PLATFORM_RULES = resolve(
  import.meta.dirname,
  '../../infra/prometheus/rules/platform-alerts.yml',
);

const TEST_RULES = `
groups:
  - name: loadgate-test
    rules:
      - alert: AlwaysFiring
        expr: vector(1) > 0
        for: 1s
        labels: { severity: warning }
      - alert: NeverFiring
        expr: vector(0) > 1
        labels: { severity: warning }
      # Documented at 5 % in seed 003; written here at 50 %.
      - alert: CheckoutErrorRate
        expr: sum(rate(http_requests_total{status=~"5..",route="/api/orders"}[5m])) / sum(rate(http_requests_total{route="/api/orders"}[5m])) > 0.5
        for: 5m
        labels: { severity: critical }
`;

let dir: string;
let prometheus: RunningPrometheus;
let history: History;
let specCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-slo-it-'));
  history = await backfill(dir);
  await writeFile(join(dir, 'test-rules.yml'), TEST_RULES);
  prometheus = await startPrometheus({
    dataDir: join(dir, 'data'),
    config: [
      'global: { scrape_interval: 15s, evaluation_interval: 1s }',
      `rule_files: [${JSON.stringify(join(dir, 'test-rules.yml'))}, ${JSON.stringify(PLATFORM_RULES)}]`,
    ].join('\n'),
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Writes a spec with these objectives and judges the backfilled run with it. */
async function check(
  objectives: object[],
  options: { window?: { from: Date; to: Date }; url?: string; vars?: Record<string, string> } = {},
): Promise<{
  exitCode: number;
  verdict: Verdict;
  byName: Record<string, Verdict['objectives'][number]>;
}> {
  const spec = join(dir, `spec-${++specCount}.yaml`);
  // JSON is YAML.
  await writeFile(
    spec,
    JSON.stringify({
      apiVersion: 'loadgate/v1',
      kind: 'SLO',
      metadata: { name: 'it' },
      vars: { namespace: 'e-commerce-local' },
      window: { warmup: '0s', step: '15s' },
      objectives,
    }),
  );
  const window = options.window ?? { from: history.start, to: history.end };
  const result = await runCheck({
    spec,
    prometheusUrl: options.url ?? prometheus.url,
    ...window,
    outDir: join(dir, `out-${specCount}`),
    vars: options.vars,
    now: () => new Date(),
  });
  return {
    ...result,
    byName: Object.fromEntries(result.verdict.objectives.map((r) => [r.name, r])),
  };
}

const gatewayP95 = {
  name: 'p95',
  kind: 'latency',
  key: true,
  selector: 'service="api-gateway",namespace="$namespace"',
  bound: 1,
};

describe('a backfilled run', () => {
  it('passes when latency, errors, HPA, queue and alerts are within the documented targets', async () => {
    const { exitCode, verdict, byName } = await check([
      gatewayP95,
      { name: 'errors', kind: 'error-ratio', selector: 'namespace="$namespace"', bound: 0.05 },
      { name: 'scaled', kind: 'hpa', check: 'scaled-above-min', hpa: 'api-gateway' },
      { name: 'max', kind: 'hpa', check: 'never-above-max', hpa: 'api-gateway', max: 15 },
      {
        name: 'not-pinned',
        kind: 'hpa',
        check: 'not-pinned-at-max',
        hpa: 'api-gateway',
        for: '2m',
      },
      { name: 'reaction', kind: 'hpa', check: 'scale-up-time', hpa: 'api-gateway', within: '3m' },
      { name: 'drained', kind: 'queue-drain', queue: 'orders', within: '5m' },
      {
        name: 'rule',
        kind: 'alert-rule',
        alert: 'HighErrorRate',
        threshold: 0.05,
        comparison: '>',
        for: '5m',
        severity: 'critical',
      },
      { name: 'quiet', kind: 'alert-state', alert: 'NeverFiring' },
    ]);
    expect(verdict.objectives.map((r) => [r.name, r.status])).toEqual(
      verdict.objectives.map((r) => [r.name, 'pass']),
    );
    expect(exitCode).toBe(0);
    expect(byName.p95!.value).toBeGreaterThan(0.25);
    expect(byName.p95!.value).toBeLessThan(0.5);
    expect(byName.errors!.value).toBeCloseTo(0.01, 3);
    expect(byName.scaled!.value).toBe(6);
    expect(byName.reaction!.value).toBe(60);
    expect(byName.drained!.value).toBeGreaterThan(0);
    expect(byName.drained!.value).toBeLessThanOrEqual(75);
    // The files CI reads.
    const out = join(dir, `out-${specCount}`);
    expect(JSON.parse(await readFile(join(out, 'slo.json'), 'utf8')).status).toBe('pass');
    expect(await readFile(join(out, 'slo.md'), 'utf8')).toContain('| p95 (key) | latency |');
    expect(await readFile(join(out, 'junit.xml'), 'utf8')).toContain(
      'tests="9" failures="0" errors="0"',
    );
  });

  it('fails on a latency breach, showing the value next to the bound and the query', async () => {
    const { exitCode, byName } = await check([
      { ...gatewayP95, selector: 'service="api-gateway",namespace="breach"' },
    ]);
    expect(exitCode).toBe(1);
    expect(byName.p95).toMatchObject({ status: 'fail', bound: '≤ 1 s' });
    expect(byName.p95!.value).toBeGreaterThan(1.5);
    expect(byName.p95!.query).toContain('namespace="breach"');
  });

  it('fails an HPA that never scaled', async () => {
    const { exitCode, byName } = await check([
      { name: 'scaled', kind: 'hpa', check: 'scaled-above-min', hpa: 'idle' },
      { name: 'reaction', kind: 'hpa', check: 'scale-up-time', hpa: 'idle', within: '3m' },
    ]);
    expect(exitCode).toBe(1);
    expect(byName.scaled).toMatchObject({ status: 'fail', value: 3, bound: '> 3' });
    expect(byName.reaction).toMatchObject({ status: 'fail', measured: 'never' });
  });

  it('fails an HPA pinned at its max', async () => {
    const { exitCode, byName } = await check([
      { name: 'pinned', kind: 'hpa', check: 'not-pinned-at-max', hpa: 'pinned', for: '2m' },
      { name: 'max', kind: 'hpa', check: 'never-above-max', hpa: 'pinned' },
    ]);
    expect(exitCode).toBe(1);
    expect(byName.pinned!.status).toBe('fail');
    expect(byName.pinned!.value).toBeGreaterThanOrEqual(7 * 60);
    expect(byName.max).toMatchObject({ status: 'pass', value: 15 });
  });

  it('reports a missing series as no-data, with the query and a hint, and fails', async () => {
    const { exitCode, byName } = await check([
      { ...gatewayP95, selector: 'service="api-gateway",namespace="e-commerce-typo"' },
    ]);
    expect(exitCode).toBe(1);
    expect(byName.p95).toMatchObject({ status: 'no-data', failed: true, measured: 'no data' });
    expect(byName.p95!.query).toContain('e-commerce-typo');
    expect(byName.p95!.hint).toMatch(/selector|labels/);
  });

  it('reports a query Prometheus rejects with its own message (exit 2)', async () => {
    const { exitCode, byName } = await check([
      { name: 'bad', kind: 'promql', query: 'sum(rate(http_requests_total[5m])', bound: 1 },
    ]);
    expect(exitCode).toBe(2);
    expect(byName.bad!.status).toBe('error');
    expect(byName.bad!.message).toContain('sum(rate(http_requests_total[5m])');
    expect(byName.bad!.message).toMatch(/parse error/);
  });
});

describe('template variables', () => {
  // The --var of issue 10 item 1: it turned a key objective without data into `0 s ✔ pass`.
  const injection = 'e-commerce-prod"}[5m]))) or vector(0) or (sum(rate(up{a="';

  it('cannot rewrite a query: an injected namespace is only a namespace without data', async () => {
    const { exitCode, verdict, byName } = await check([gatewayP95], {
      vars: { namespace: injection },
    });
    expect(byName.p95).toMatchObject({ status: 'no-data', failed: true, value: null });
    expect(byName.p95!.query).toContain('namespace="e-commerce-prod\\"}[5m]))) or vector(0)');
    expect(verdict.status).toBe('fail');
    expect(exitCode).toBe(1);
  });

  it('passes a legitimate value with quotes and backslashes to Prometheus intact', async () => {
    const { byName } = await check(
      [
        {
          name: 'echo',
          kind: 'promql',
          query: 'count(label_replace(vector(1), "echo", "$value", "", ""))',
          bound: 1,
        },
        { ...gatewayP95, key: false },
      ],
      { vars: { value: 'a "quoted" C:\\path', namespace: 'name with "quotes"' } },
    );
    // Valid PromQL both times: no `error` row (a broken query is exit 2).
    expect(byName.echo).toMatchObject({ status: 'pass', value: 1 });
    expect(byName.p95).toMatchObject({ status: 'no-data' });
  });
});

describe('a queue with no series', () => {
  it('is no-data at once, not after waiting out its drain deadline', async () => {
    // A run that just ended: the 5-minute deadline lies ahead. Before, the check
    // polled until it passed (301 s for slo/local.yaml against an empty
    // Prometheus), far beyond this test's timeout.
    const to = new Date();
    const { byName } = await check(
      [{ name: 'drained', kind: 'queue-drain', queue: 'no-such-queue', within: '5m' }],
      { window: { from: new Date(to.getTime() - 60_000), to } },
    );
    expect(byName.drained).toMatchObject({ status: 'no-data', failed: true });
    expect(byName.drained!.message).toMatch(/no series/);
  }, 30_000);
});

describe('infinite values', () => {
  it('judges ±Inf against the bound, even under onNoData: warn; NaN stays no-data', async () => {
    const promql = (name: string, query: string, op: string, bound: number) => ({
      name,
      kind: 'promql',
      query,
      op,
      bound,
      onNoData: 'warn',
    });
    const { exitCode, byName } = await check([
      promql('errors-per-zero', 'vector(5) / vector(0)', '<=', 1),
      promql('minus-inf', '-vector(5) / vector(0)', '>=', 0),
      promql('plus-inf-below-no-bound', 'vector(5) / vector(0)', '>', 1),
      promql('zero-by-zero', 'vector(0) / vector(0)', '<=', 1),
    ]);
    expect(byName['errors-per-zero']).toMatchObject({ status: 'fail', measured: '+Inf' });
    expect(byName['minus-inf']).toMatchObject({ status: 'fail', measured: '-Inf' });
    expect(byName['plus-inf-below-no-bound']).toMatchObject({ status: 'pass' });
    expect(byName['zero-by-zero']).toMatchObject({ status: 'no-data', failed: false });
    expect(exitCode).toBe(1);
  });
});

describe('alert rules', () => {
  it('fails a rule whose threshold differs from the documented one', async () => {
    const { exitCode, byName } = await check([
      {
        name: 'checkout',
        kind: 'alert-rule',
        alert: 'CheckoutErrorRate',
        threshold: 0.05,
        comparison: '>',
        for: '5m',
      },
    ]);
    expect(exitCode).toBe(1);
    expect(byName.checkout!.message).toContain('threshold 0.5 ≠ documented 0.05');
  });

  it("slo/local.yaml's alert-rule objectives match infra/prometheus/rules", async () => {
    const local = parseYaml(
      await readFile(resolve(import.meta.dirname, '../../slo/local.yaml'), 'utf8'),
    );
    const rules = (local.objectives as { kind: string }[]).filter((o) => o.kind === 'alert-rule');
    expect(rules.length).toBeGreaterThanOrEqual(6);
    const { verdict } = await check(rules);
    expect(verdict.objectives.map((r) => [r.name, r.status, r.message])).toEqual(
      verdict.objectives.map((r) => [r.name, 'pass', undefined]),
    );
  });
});

describe('alert states, evaluated live', () => {
  it('sees an alert firing during the window, and one that stayed quiet', async () => {
    // Wait for the 1 s rule with `for: 1s` to fire.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const response = await fetch(
        `${prometheus.url}/api/v1/query?query=${encodeURIComponent('ALERTS{alertname="AlwaysFiring",alertstate="firing"}')}`,
      );
      const body = (await response.json()) as { data: { result: unknown[] } };
      if (body.data.result.length > 0) break;
      if (Date.now() > deadline) throw new Error('AlwaysFiring never fired');
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const to = new Date();
    const window = { from: new Date(to.getTime() - 10_000), to };
    const { exitCode, byName } = await check(
      [
        { name: 'fires', kind: 'alert-state', alert: 'AlwaysFiring', expect: 'firing' },
        { name: 'must-not-fire', kind: 'alert-state', alert: 'AlwaysFiring' },
        { name: 'quiet', kind: 'alert-state', alert: 'NeverFiring' },
        { name: 'unknown', kind: 'alert-state', alert: 'NotARule' },
      ],
      { window },
    );
    expect(byName.fires!.status).toBe('pass');
    expect(byName['must-not-fire']).toMatchObject({ status: 'fail' });
    expect(byName['must-not-fire']!.message).toMatch(/fired for about/);
    expect(byName.quiet!.status).toBe('pass');
    expect(byName.unknown!.status).toBe('no-data');
    expect(exitCode).toBe(1);
  });
});

describe('Prometheus down', () => {
  it('stops with exit 3 and names the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const error = await check([gatewayP95], { url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExitError);
    expect((error as ExitError).code).toBe(3);
    expect((error as ExitError).message).toBe(
      `Prometheus at ${url} is unreachable (ECONNREFUSED): start it or pass --prometheus URL`,
    );
  });
});

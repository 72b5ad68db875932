// The fault rehearsal (+1.5 s on /api/products/{id}): the per-route objective
// of the local spec fails, and slo.md and junit.xml name the slow route with
// its p95 and unit, the worst group first, not only the console.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { runCheck } from '../../slo/index.ts';
import { startFakePrometheus, type FakePrometheus } from './fake-prometheus.ts';

const LOCAL = join(import.meta.dirname, '..', '..', 'slo', 'local.yaml');
const P95_BY_ROUTE: Record<string, string> = {
  '/api/products': '0.0042',
  '/api/products/{id}': '1.512',
  '/api/basket': '0.0031',
};

let dir: string;
let prometheus: FakePrometheus;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-failing-route-'));
  // Every per-route quantile query gets the rehearsal's answer, whatever its window.
  const answers = new Proxy({} as Record<string, unknown>, {
    get: (_, key) =>
      typeof key === 'string' && key.includes('sum by (le, route)')
        ? {
            status: 'success',
            data: {
              resultType: 'vector',
              result: Object.entries(P95_BY_ROUTE).map(([route, v]) => ({
                metric: { route },
                value: [1704067800, v],
              })),
            },
          }
        : undefined,
  });
  prometheus = await startFakePrometheus(answers);
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await prometheus.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the fault rehearsal', () => {
  it('names /api/products/{id} with its p95 and unit in slo.md and junit.xml', async () => {
    const local = parse(await readFile(LOCAL, 'utf8'));
    local.objectives = local.objectives.filter(
      (o: { name: string }) => o.name === 'gateway-p95-per-route',
    );
    const spec = join(dir, 'spec.yaml');
    await writeFile(spec, JSON.stringify(local));
    const { exitCode, verdict } = await runCheck({
      spec,
      prometheusUrl: prometheus.url,
      outDir: dir,
      from: new Date('2024-01-01T00:00:00Z'),
      to: new Date('2024-01-01T00:10:00Z'),
    });
    expect(exitCode).toBe(1);
    const result = verdict.objectives[0]!;
    expect(result).toMatchObject({ status: 'fail', measured: '1.512 s' });
    // The culprit first.
    expect(result.details![0]!.labels.route).toBe('/api/products/{id}');

    const md = await readFile(join(dir, 'slo.md'), 'utf8');
    expect(md).toContain('1 of 3 beyond ≤ 1 s: route="/api/products/{id}" 1.512 s');
    expect(md).toContain('`{route="/api/basket"}`: 3.1 ms');

    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    const failure = /<failure message="([^"]*)"/
      .exec(junit)![1]!
      .replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
    expect(failure).toBe(
      'fail: measured 1.512 s, bound ≤ 1 s: 1 of 3 beyond ≤ 1 s: route="/api/products/{id}" 1.512 s',
    );
  });
});

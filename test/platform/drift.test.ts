import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformOptionsInput } from '../../infra/local/options.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { DEPLOYMENTS } from '../../infra/local/services.ts';
import { runCheck } from '../../slo/index.ts';
import { parseSpec } from '../../slo/spec.ts';
import { promQuery, waitFor } from './helpers.ts';

/**
 * local.yaml's drift objective against a real local platform and Prometheus:
 * started with the documented table it passes; started with one pool's max
 * changed it fails, naming that HPA and the field.
 */

let dir: string;
let specFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-drift-'));
  const local = parseSpec(
    await readFile(resolve(import.meta.dirname, '../../slo/local.yaml'), 'utf8'),
  );
  const drift = local.objectives.find((o) => o.name === 'hpa-config-as-documented')!;
  // JSON is YAML: the spec's own objective, alone.
  specFile = join(dir, 'drift.yaml');
  await writeFile(
    specFile,
    JSON.stringify({
      apiVersion: 'loadgate/v1',
      kind: 'SLO',
      metadata: { name: 'drift' },
      vars: local.vars,
      window: { warmup: '0s', step: '1s' },
      objectives: [drift],
    }),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function driftOn(options: PlatformOptionsInput) {
  const platform = await startPlatform(
    { ...options, prometheus: true, scrapeIntervalSeconds: 1 },
    { log: () => {} },
  );
  try {
    await waitFor(
      'every HPA in Prometheus',
      async () =>
        (await promQuery(platform.prometheusUrl!, 'kube_horizontalpodautoscaler_spec_max_replicas'))
          .length === DEPLOYMENTS.length
          ? true
          : undefined,
      60_000,
    );
    const to = new Date();
    const { verdict } = await runCheck({
      spec: specFile,
      prometheusUrl: platform.prometheusUrl,
      from: new Date(to.getTime() - 10_000),
      to,
      quiet: true,
    });
    return verdict.objectives[0]!;
  } finally {
    await platform.stop();
  }
}

describe('hpa-drift on the local platform', () => {
  it('fails naming the HPA and the field when one pool’s max differs from the documents', async () => {
    const result = await driftOn({ serviceReplicas: { 'orders-service': { min: 3, max: 12 } } });
    expect(result).toMatchObject({ status: 'fail', value: 1 });
    expect(result.message).toBe('orders-service-hpa: maxReplicas 12, documented 10');
    expect(result.details).toEqual([
      {
        labels: {
          horizontalpodautoscaler: 'orders-service-hpa',
          field: 'maxReplicas',
          documented: '10',
        },
        value: 12,
      },
    ]);
  }, 240_000);

  it('passes when the platform runs the documented table', async () => {
    const result = await driftOn({});
    expect(result).toMatchObject({ status: 'pass', value: 0, measured: '8 HPAs as documented' });
  }, 240_000);
});

// `loadgate slo check` for a run it did not start (the k6-operator flow):
// --from/--to, --profile to skip the objectives of other profiles, and the
// client side from the run's remote-written k6 series, selected by testid.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/commands/slo.ts';
import { InputError } from '../../core/errors.ts';
import { startFakePrometheus } from '../slo/fake-prometheus.ts';

const ONE = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [0, '1'] }] },
};
const SERVED = 'sum(increase(http_requests_total[10m]))';
const CHECKS = 'min(last_over_time(k6_checks_rate{testid="op-1"}[10m]))';

let dir: string;
let spec: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-slo-check-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  spec = join(dir, 'spec.yaml');
  await writeFile(
    spec,
    JSON.stringify({
      apiVersion: 'loadgate/v1',
      kind: 'SLO',
      metadata: { name: 'operator' },
      window: { warmup: '0s' },
      objectives: [
        { name: 'served', kind: 'promql', query: SERVED, op: '>', bound: 0 },
        { name: 'k6-checks', kind: 'client', check: 'checks', bound: 0.99 },
        {
          name: 'hpa-scaled',
          kind: 'hpa',
          check: 'scaled-above-min',
          key: true,
          hpa: 'api-gateway',
          min: 3,
          profiles: ['capacity', 'stress'],
        },
      ],
    }),
  );
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const WINDOW = ['--from', '2024-01-01T00:00:00Z', '--to', '2024-01-01T00:10:00Z'];

describe('loadgate slo check --from/--to', () => {
  it('--profile smoke skips the capacity-only objectives; client objectives read k6 series', async () => {
    const prometheus = await startFakePrometheus({ [SERVED]: ONE, [CHECKS]: ONE });
    const out = join(dir, 'smoke');
    try {
      const code = await main([
        'check',
        '--spec',
        spec,
        '--prometheus',
        prometheus.url,
        ...WINDOW,
        '--profile',
        'smoke',
        '--var',
        'testid=op-1',
        '--out',
        out,
        '--quiet',
      ]);
      expect(code).toBe(0);
      const verdict = JSON.parse(await readFile(join(out, 'slo.json'), 'utf8'));
      expect(verdict).toMatchObject({ status: 'pass', profile: 'smoke' });
      expect(verdict.objectives.map((r: { status: string }) => r.status)).toEqual([
        'pass',
        'pass',
        'skipped',
      ]);
      expect(verdict.objectives[2]).toMatchObject({ skippedBecause: 'profile' });
      // Nothing was asked about the skipped HPA.
      expect(prometheus.requests.map((r) => r.query).sort()).toEqual([CHECKS, SERVED].sort());
    } finally {
      await prometheus.close();
    }
  });

  it('refuses an unknown --profile', async () => {
    const error = await main(['check', '--spec', spec, ...WINDOW, '--profile', 'smok']).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain("unknown profile 'smok'");
  });
});

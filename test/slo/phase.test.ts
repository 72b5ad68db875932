// `phase: plateau`: an objective judged over one stage of the run (run.json's
// stages), so the ramps do not dilute a capacity verdict; a run without that
// stage gives no data, named, never a silent whole-window judgement.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../slo/index.ts';
import type { RunRecord } from '../../run-dir/record.ts';
import { startFakePrometheus, type FakePrometheus } from './fake-prometheus.ts';

const at = (s: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + s * 1000).toISOString();
const record: RunRecord = {
  id: 'capacity-20260101-000000-abcd',
  profile: 'capacity',
  target: 'http://127.0.0.1:8080',
  engine: 'builtin',
  scripts: ['k6-bundles/mix.js'],
  startedAt: at(0),
  endedAt: at(480),
  exitCode: 0,
  interrupted: false,
  stages: [
    { name: 'ramp-up', start: at(0), end: at(120) },
    { name: 'plateau', start: at(120), end: at(420) },
    { name: 'ramp-down', start: at(420), end: at(480) },
  ],
};

let dir: string;
let prometheus: FakePrometheus;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-phase-'));
  // The plateau's p95 is fine; over the whole run (ramps included) it is not: the windows differ.
  const answers = new Proxy({} as Record<string, unknown>, {
    get: (_, key) =>
      typeof key === 'string' && key.startsWith('histogram_quantile')
        ? {
            status: 'success',
            data: {
              resultType: 'vector',
              result: [{ metric: {}, value: [0, key.includes('[5m]') ? '0.4' : '1.4'] }],
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

async function judge(objectives: object[], run: RunRecord) {
  const spec = join(dir, 'spec.yaml');
  await writeFile(
    spec,
    JSON.stringify({ apiVersion: 'loadgate/v1', kind: 'SLO', metadata: { name: 'p' }, objectives }),
  );
  return runCheck({ spec, prometheusUrl: prometheus.url, run, outDir: dir, profile: run.profile });
}

const P95 = { name: 'p95', kind: 'latency', bound: 1 };

describe('phase', () => {
  it('judges the objective over its stage only: the plateau, 5 minutes, not the ramps', async () => {
    const { verdict } = await judge(
      [
        { ...P95, phase: 'plateau' },
        { ...P95, name: 'p95-all' },
      ],
      record,
    );
    const [plateau, all] = verdict.objectives;
    expect(plateau).toMatchObject({ status: 'pass', measured: '400 ms', phase: 'plateau' });
    expect(plateau!.query).toContain('[5m]');
    expect(all).toMatchObject({ status: 'fail', measured: '1.4 s' });
    expect(all!.query).toContain('[8m]');
  });

  it('gives no data, naming the stages, when the run has no such stage or records none', async () => {
    const { verdict } = await judge([{ ...P95, phase: 'soak' }], record);
    expect(verdict.objectives[0]).toMatchObject({
      status: 'no-data',
      failed: true,
      message: 'phase soak: no such stage in this run (its stages: ramp-up, plateau, ramp-down)',
    });
    const { stages: _, ...old } = record;
    const before = await judge([{ ...P95, phase: 'plateau' }], old);
    expect(before.verdict.objectives[0]!.message).toMatch(
      /^phase plateau: the run records no stages/,
    );
  });
});

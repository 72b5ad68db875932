// runCheck judges the run it is handed: the main job passes the record it just
// wrote, in memory, and the profile judged; nothing is read back from run.json.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../run-dir/record.ts';
import { runCheck } from '../../slo/index.ts';
import { startFakePrometheus } from './fake-prometheus.ts';

const ONE = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [0, '1'] }] },
};

const record: RunRecord = {
  id: 'smoke-20240101-000000-abcd',
  profile: 'smoke',
  target: 'http://127.0.0.1:8080',
  engine: 'builtin',
  scripts: ['k6-bundles/mix.js'],
  startedAt: '2024-01-01T00:00:00.000Z',
  endedAt: '2024-01-01T00:10:00.000Z',
  exitCode: 0,
  interrupted: false,
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-slo-run-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('runCheck on a run record', () => {
  it("judges the record's window and the profile it is given, without a run.json", async () => {
    const spec = join(dir, 'spec.yaml');
    await writeFile(
      spec,
      JSON.stringify({
        apiVersion: 'loadgate/v1',
        kind: 'SLO',
        // Labels pushed metrics only: the judged profile is the one passed in.
        metadata: { name: 'run', profile: 'capacity' },
        objectives: [
          { name: 'targets-up', kind: 'promql', query: 'sum(up)', op: '>=', bound: 1 },
          {
            name: 'heavy-only',
            kind: 'promql',
            query: 'sum(up)',
            op: '>=',
            bound: 1,
            profiles: ['capacity'],
          },
        ],
      }),
    );
    const prometheus = await startFakePrometheus({ 'sum(up)': ONE });
    try {
      const { exitCode, verdict } = await runCheck({
        spec,
        prometheusUrl: prometheus.url,
        run: record,
        runDir: dir,
        profile: record.profile,
      });
      expect(existsSync(join(dir, 'run.json'))).toBe(false);
      expect(exitCode).toBe(0);
      expect(verdict).toMatchObject({ run: record.id, profile: 'smoke' });
      expect(verdict.window).toMatchObject({
        loadStart: record.startedAt,
        end: record.endedAt,
      });
      expect(verdict.objectives.map((o) => [o.name, o.status])).toEqual([
        ['targets-up', 'pass'],
        ['heavy-only', 'skipped'],
      ]);
      expect(existsSync(join(dir, 'slo.json'))).toBe(true);
    } finally {
      await prometheus.close();
    }
  });
});

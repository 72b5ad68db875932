// Golden in/out cases, one directory per objective kind under golden/:
//   spec.yaml     the spec; an objective named `<what>.<status>` must end with that status
//   answers.json  recorded Prometheus API answers, keyed by query (`rules` for /api/v1/rules)
//   run/          optional run directory (summary*.json) for client objectives
//   run.json      optional run record: the run judged, for its profile (the window stays fixed)
//   expected.json the objectives of slo.json (rewrite with UPDATE_GOLDEN=1, then review the diff)
// The window is fixed: 2024-01-01T00:00:00Z → 00:10:00Z.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readRunRecord } from '../../run-dir/record.ts';
import { runCheck } from '../../slo/index.ts';
import { startFakePrometheus } from './fake-prometheus.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
const cases = (await readdir(GOLDEN, { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'loadgate-slo-golden-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(scratch, { recursive: true, force: true });
});

describe.each(cases)('golden %s', (name) => {
  it('judges every objective as recorded', async () => {
    const dir = join(GOLDEN, name);
    const answers = JSON.parse(await readFile(join(dir, 'answers.json'), 'utf8'));
    const prometheus = await startFakePrometheus(answers);
    const out = join(scratch, name);
    const runDir = existsSync(join(dir, 'run')) ? join(out, 'run') : undefined;
    if (runDir) await cp(join(dir, 'run'), runDir, { recursive: true });
    const run = existsSync(join(dir, 'run.json')) ? await readRunRecord(dir) : undefined;
    try {
      const { verdict } = await runCheck({
        spec: join(dir, 'spec.yaml'),
        prometheusUrl: prometheus.url,
        run,
        runDir,
        profile: run?.profile,
        from: new Date('2024-01-01T00:00:00Z'),
        to: new Date('2024-01-01T00:10:00Z'),
        outDir: out,
        // queue-drain deadlines lie in the past: never wait.
        now: () => new Date('2024-06-01T00:00:00Z'),
      });
      for (const r of verdict.objectives) {
        const wanted = r.name.slice(r.name.lastIndexOf('.') + 1);
        expect({ objective: r.name, status: r.status, message: r.message }).toMatchObject({
          objective: r.name,
          status: wanted,
        });
      }
      const file = join(dir, 'expected.json');
      const actual = JSON.stringify(verdict.objectives, null, 2) + '\n';
      if (process.env.UPDATE_GOLDEN) await writeFile(file, actual);
      expect(JSON.parse(actual)).toEqual(JSON.parse(await readFile(file, 'utf8')));
    } finally {
      await prometheus.close();
    }
  });
});

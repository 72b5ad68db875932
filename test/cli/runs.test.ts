// `loadgate runs`: a results directory with a passing, a failing, an
// interrupted and a broken run (and a directory that is no run), newest
// first, each with its verdict; the broken ones are listed, never a crash.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/commands/runs.ts';
import { verdict } from '../report/fixture.ts';
import { InputError } from '../../core/errors.ts';

let results: string;

async function writeRun(
  id: string,
  minute: number,
  over: { exitCode?: number; interrupted?: boolean; slo?: 'pass' | 'fail' } = {},
) {
  const dir = join(results, id);
  await mkdir(dir);
  const start = Date.parse('2026-11-24T10:00:00.000Z') + minute * 60_000;
  await writeFile(
    join(dir, 'run.json'),
    JSON.stringify({
      id,
      profile: 'smoke',
      target: 'http://127.0.0.1:8080',
      engine: 'builtin',
      scripts: ['k6-bundles/mix.js'],
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(start + 62_000).toISOString(),
      exitCode: over.exitCode ?? 0,
      interrupted: over.interrupted ?? false,
    }),
  );
  if (over.slo)
    await writeFile(
      join(dir, 'slo.json'),
      JSON.stringify({
        ...verdict,
        status: over.slo,
        score: over.slo === 'pass' ? 1 : 0.5,
        exitCode: over.slo === 'pass' ? 0 : 1,
      }),
    );
}

beforeAll(async () => {
  results = await mkdtemp(join(tmpdir(), 'loadgate-runs-'));
  await writeRun('smoke-a-pass', 0, { slo: 'pass' });
  await writeRun('smoke-b-fail', 1, { slo: 'fail' });
  await writeRun('smoke-c-interrupted', 2, { exitCode: 105, interrupted: true });
  await mkdir(join(results, 'smoke-d-broken'));
  await writeFile(join(results, 'smoke-d-broken', 'run.json'), '{"id": "smoke-d-br');
  await mkdir(join(results, 'not-a-run'));
  // Without a record, a directory is dated by its mtime: between b and c, and the oldest.
  const at = (minute: number) => new Date(Date.parse('2026-11-24T10:00:00.000Z') + minute * 60_000);
  await utimes(join(results, 'smoke-d-broken'), at(1.5), at(1.5));
  await utimes(join(results, 'not-a-run'), at(-10), at(-10));
  await writeFile(join(results, '.gitkeep'), '');
});
afterAll(() => rm(results, { recursive: true, force: true }));

async function runs(argv: string[]) {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((stdout += String(c)), true));
  try {
    return { code: await main(argv), stdout };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('loadgate runs', () => {
  it('lists the runs newest first with their verdict, and the unreadable ones as such', async () => {
    const { code, stdout } = await runs(['--results', results]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RUN +PROFILE +TARGET +ENGINE +LENGTH +VERDICT$/);
    const byId = (id: string) => lines.find((l) => l.startsWith(id + ' '))!;
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual([
      'smoke-c-interrupted',
      'smoke-d-broken',
      'smoke-b-fail',
      'smoke-a-pass',
      'not-a-run',
    ]);
    expect(byId('smoke-a-pass')).toMatch(
      /smoke +http:\/\/127\.0\.0\.1:8080 +builtin +1m02s +PASS \(exit 0, SLO pass\)$/,
    );
    expect(byId('smoke-b-fail')).toMatch(/FAIL \(exit 1, SLO fail\)$/);
    expect(byId('smoke-c-interrupted')).toMatch(/INTERRUPTED \(exit 105\)$/);
    expect(byId('smoke-d-broken')).toMatch(/UNREADABLE \(run\.json unreadable: not JSON/);
    expect(byId('not-a-run')).toMatch(/UNREADABLE \(no run\.json\)$/);
    expect(lines).toHaveLength(6);
  });

  it('--json gives the same runs as data', async () => {
    const { stdout } = await runs(['--results', results, '--json']);
    const list = JSON.parse(stdout) as Record<string, unknown>[];
    expect(list.map((r) => [r.id, r.verdict ?? r.problem])).toEqual([
      ['smoke-c-interrupted', 'INTERRUPTED'],
      ['smoke-d-broken', expect.stringMatching(/^run\.json unreadable: not JSON/)],
      ['smoke-b-fail', 'FAIL'],
      ['smoke-a-pass', 'PASS'],
      ['not-a-run', 'no run.json'],
    ]);
    const pass = list.find((r) => r.id === 'smoke-a-pass')!;
    expect(pass).toMatchObject({
      profile: 'smoke',
      engine: 'builtin',
      durationMs: 62_000,
      exitCode: 0,
      slo: 'pass',
    });
    expect(
      list
        .filter((r) => 'problem' in r)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['not-a-run', 'smoke-d-broken']);
  });

  it('says so for an empty results directory, and refuses one that does not exist', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'loadgate-runs-empty-'));
    expect((await runs(['--results', empty])).stdout).toBe(`no runs in ${empty}\n`);
    await rm(empty, { recursive: true });
    await expect(runs(['--results', empty])).rejects.toBeInstanceOf(InputError);
  });
});

// run.json: what `loadgate run` writes is what the SLO checker and the report
// read back, and a bad one is bad input that names the file.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RUN_FILES } from '../../run-dir/files.ts';
import { readRunRecord, writeRunRecord, type RunRecord } from '../../run-dir/record.ts';
import { ExitError, InputError } from '../../core/errors.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-run-dir-'));
  dirs.push(dir);
  return dir;
}

const record: RunRecord = {
  id: 'smoke-20261124-100000-abcd',
  profile: 'smoke',
  target: 'http://127.0.0.1:8080',
  engine: 'builtin',
  scripts: ['k6-bundles/mix.js'],
  startedAt: '2026-11-24T10:00:00.000Z',
  endedAt: '2026-11-24T10:00:12.000Z',
  exitCode: 0,
  interrupted: false,
  prometheusUrl: 'http://127.0.0.1:9090',
};

async function rejection(promise: Promise<unknown>): Promise<ExitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as ExitError;
}

describe('the run record', () => {
  it('reads back what was written, as indented JSON in run.json', async () => {
    const dir = await scratch();
    expect(await writeRunRecord(dir, record)).toEqual(record);
    expect(await readRunRecord(dir)).toEqual(record);
    const text = await readFile(join(dir, RUN_FILES.record), 'utf8');
    expect(text).toBe(JSON.stringify(record, null, 2) + '\n');
  });

  it('refuses to write an invalid record: that is a bug, not input', async () => {
    const dir = await scratch();
    await expect(writeRunRecord(dir, { ...record, startedAt: 'yesterday' })).rejects.toThrow(
      /startedAt/,
    );
  });

  it('is bad input (exit 2) naming the file and every problem when invalid', async () => {
    const dir = await scratch();
    const file = join(dir, 'run.json');
    await writeFile(file, JSON.stringify({ id: 'x', engine: 'jmeter' }));
    const invalid = await rejection(readRunRecord(dir));
    expect(invalid.code).toBe(2);
    expect(invalid.message).toContain(`${file} is not a run record`);
    expect(invalid.message).toMatch(/✖ .* → at engine/);
    expect(invalid.message).toMatch(/→ at startedAt/);

    await writeFile(file, '{"id": "cut sh');
    const cut = await rejection(readRunRecord(dir));
    expect(cut.code).toBe(2);
    expect(cut.message).toContain(`${file} is not a run record:\nnot JSON`);
  });

  it('is bad input when the directory has none', async () => {
    const dir = await scratch();
    const missing = await rejection(readRunRecord(dir));
    expect(missing.code).toBe(2);
    expect(missing.message).toBe(`${dir} has no run.json`);
    expect(missing.hint).toContain('loadgate run');
  });
});

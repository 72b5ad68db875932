import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/commands/report.ts';
import { writeRunDir } from '../report/fixture.ts';
import { ExitError } from '../../core/errors.ts';

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function runDir(opts?: Parameters<typeof writeRunDir>[0]): Promise<string> {
  const dir = await writeRunDir(opts);
  dirs.push(dir);
  return dir;
}

/** main() with stdout captured. */
async function report(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, stdout };
}

async function exitError(promise: Promise<unknown>): Promise<ExitError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExitError);
  return error as ExitError;
}

describe('loadgate report <run-dir>', () => {
  it('writes report.html and prints its path', async () => {
    const dir = await runDir();
    const { code, stdout } = await report([dir]);
    expect(code).toBe(0);
    expect(stdout).toBe(join(dir, 'report.html') + '\n');
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    // Self-contained: nothing to fetch, ever.
    expect(html).not.toMatch(/(?:src|href)=|@import|url\(/i);
  });

  it('refuses a directory that is not a run, with a hint', async () => {
    const missing = await exitError(report([join(tmpdir(), 'no-such-run-dir')]));
    expect(missing.code).toBe(2);
    expect(missing.hint).toContain('loadgate report results/<run-id>');

    const empty = await mkdtemp(join(tmpdir(), 'loadgate-report-'));
    dirs.push(empty);
    const noRun = await exitError(report([empty]));
    expect(noRun.code).toBe(2);
    expect(noRun.message).toContain('has no run.json');
  });

  it('names what is wrong in a bad run.json', async () => {
    const dir = await runDir();
    await writeFile(join(dir, 'run.json'), JSON.stringify({ id: 'x', engine: 'jmeter' }));
    const error = await exitError(report([dir]));
    expect(error.code).toBe(2);
    expect(error.message).toMatch(/✖ .* → at engine/);
    expect(error.message).toMatch(/→ at startedAt/);
  });

  it('still writes the report when slo.json is cut short, and says so', async () => {
    const dir = await runDir();
    await writeFile(join(dir, 'slo.json'), '{"apiVersion":"loadgate/v1","kind":"SLOV');
    expect((await report([dir])).code).toBe(0);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('slo.json is unreadable (not JSON');
  });

  it('rejects unknown flags and extra arguments; --help prints usage', async () => {
    expect((await exitError(report(['--open']))).code).toBe(2);
    expect((await exitError(report(['a', 'b']))).code).toBe(2);
    expect((await exitError(report([]))).code).toBe(2);
    const help = await report(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: loadgate report <run-dir>');
  });
});

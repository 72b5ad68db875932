import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main as run } from '../../cli/commands/run.ts';
import { ExitError } from '../../core/errors.ts';
import { createDirectory } from '../../run-dir/create.ts';

// A results directory that cannot be made is bad input, said at once and
// before any load (issue 10 item 8).

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-create-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(tmp, { recursive: true, force: true });
});

describe('createDirectory', () => {
  it('makes the directory and its missing parents', async () => {
    await createDirectory(join(tmp, 'a/b/c'), '--results x');
    expect(existsSync(join(tmp, 'a/b/c'))).toBe(true);
    await createDirectory(join(tmp, 'a/b/c'), '--results x'); // already there: fine
  });

  it('refuses a path through a file, naming the file (exit 2)', async () => {
    await writeFile(join(tmp, 'file'), '');
    await expect(createDirectory(join(tmp, 'file/run'), '--results r')).rejects.toMatchObject({
      code: 2,
      message: `--results r: ${join(tmp, 'file')} is a file, not a directory`,
    });
  });

  // Node's recursive mkdir retries this one for ever at full CPU: the test's timeout says so.
  it('refuses a place nothing can be created in, at once (exit 2)', async () => {
    await expect(createDirectory('/proc/nope/results', '--results /proc/nope')).rejects.toThrow(
      /--results \/proc\/nope: cannot create \/proc\/nope \(ENOENT\)/,
    );
  }, 10_000);
});

describe('loadgate run --results', () => {
  it.each([
    ['a file', () => join(tmp, 'file')],
    ['under /proc', () => '/proc/nope'],
  ])(
    'naming %s exits 2 before the platform starts',
    async (_what, results) => {
      await writeFile(join(tmp, 'file'), '');
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const error = await run(['smoke', '--results', results()]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExitError);
      expect((error as ExitError).code).toBe(2);
      // Nothing started: the platform and the engine announce themselves on stderr.
      expect(stderr).not.toHaveBeenCalled();
    },
    10_000,
  );
});

import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirectory } from '../../run-dir/create.ts';

// A results directory that cannot be made is bad input, said at once and
// before any load (issue 10 item 8).

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-create-'));
});
afterEach(async () => {
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

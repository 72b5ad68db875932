import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main as run } from '../../cli/commands/run.ts';
import { ExitError } from '../../core/errors.ts';

// `loadgate run --results` that cannot be made is exit 2 before anything
// starts (issue 10 item 8; run-dir/create.ts does the making).

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-results-arg-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(tmp, { recursive: true, force: true });
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

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runTest } from '../../engine/runner.ts';

// A VU whose script allocates without end (issue 10 item 18). Before: in an
// iteration the VU died with a WARN and the run exited 0; in init V8 aborted
// the whole process (134) with no summary. Now each VU thread has a heap limit
// (LOADGATE_VU_HEAP_MB, small here), and reaching it ends the test with 107,
// a message naming the VU and the limit, and the summary.

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-vu-memory-'));
  vi.stubEnv('LOADGATE_VU_HEAP_MB', '64');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(tmp, { recursive: true, force: true });
});

describe('a VU out of memory', () => {
  it.each(['iteration', 'init'])(
    'in its %s: exit 107, the VU and the limit named, summary written',
    async (at) => {
      const summaryFile = join(tmp, `${at}.json`);
      let stderr = '';
      const outcome = await runTest({
        script: join(import.meta.dirname, 'scripts/memory-hog.js'),
        env: { OOM_AT: at, SUMMARY_FILE: summaryFile },
        overrides: {},
        outputs: [],
        quiet: true,
        stdout: () => undefined,
        stderr: (text) => void (stderr += text),
      });
      expect(outcome.exitCode, stderr).toBe(107);
      expect(stderr).toMatch(/VU 1 ran out of memory: .*64 MB.*LOADGATE_VU_HEAP_MB/);
      expect(JSON.parse(await readFile(summaryFile, 'utf8'))).toHaveProperty('iterations');
    },
    60_000,
  );
});

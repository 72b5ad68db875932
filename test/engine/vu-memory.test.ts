import { build } from 'esbuild';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runTest } from '../../engine/runner.ts';

// A VU whose script allocates without end (issue 10 item 18). Before: in an
// iteration the VU died with a WARN and the run exited 0; in init V8 aborted
// the whole process (134) with no summary. Now each VU thread has a heap limit
// (LOADGATE_VU_HEAP_MB, small here), and reaching it ends the test with 107,
// a message naming the VU and the limit, and the summary.

const VUS = 20;
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

// A VU carries the script, not its source map (issue 11, VU density). The
// bundle's inline map is most of a bundle (500 of the browse bundle's 560 KB)
// and was copied twice into every VU's heap (workerData, then the wrapped
// source); a script whose map holds 4 MB of sources made each VU cost ~20 MB.
describe('a script with a large source map', () => {
  it('costs each VU thread no copy of it', async () => {
    const dir = await mkdtemp(join(tmp, 'large-map-'));
    const filler = Array.from(
      { length: 40_000 },
      (_, i) => `// line ${i} of a long comment, kept only in the source map\n`,
    );
    await writeFile(
      join(dir, 'lib.ts'),
      `${filler.join('')}export const pause = (): number => Number(__ENV.PAUSE ?? '0.1');\n`,
    );
    await writeFile(
      join(dir, 'main.ts'),
      [
        "import { sleep } from 'k6';",
        "import { pause } from './lib.ts';",
        `export const options = { vus: ${VUS}, duration: '2s' };`,
        'export default function (): void { sleep(pause()); }',
      ].join('\n'),
    );
    await build({
      entryPoints: [join(dir, 'main.ts')],
      bundle: true,
      minify: true,
      format: 'esm',
      sourcemap: 'linked',
      external: ['k6'],
      outfile: join(dir, 'bundle.js'),
      logLevel: 'silent',
    });
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
    const outcome = await runTest({
      script: join(dir, 'bundle.js'),
      env: {},
      overrides: {},
      outputs: [],
      noSummary: true,
      stdout: () => undefined,
      stderr: () => undefined,
    }).finally(() => clearInterval(sampler));
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary?.metrics.vus_max?.values.max).toBe(VUS);
    // An idle VU thread is ~7 MB (bench/density.ts); the map would add ~11 MB to each.
    expect((peak - before) / VUS / 2 ** 20).toBeLessThan(12);
  }, 60_000);
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../core/errors.ts';
import { runTest } from '../../engine/runner.ts';

// Exit 104 is for options the engine cannot run, and only for them: a bug met
// while resolving the options is a bug (70 at the top-level catch).

// The seam for "a bug while resolving the options": bindThresholds throws a
// TypeError while `bug.on`, else does its real work.
const bug = vi.hoisted(() => ({ on: false }));
vi.mock('../../engine/thresholds.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../engine/thresholds.ts')>();
  return {
    ...real,
    bindThresholds: (...args: Parameters<typeof real.bindThresholds>) => {
      if (bug.on) throw new TypeError('a bug, not an option');
      return real.bindThresholds(...args);
    },
  };
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-options-errors-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function script(options: string): Promise<string> {
  const path = join(dir, `${Math.random().toString(16).slice(2)}.js`);
  await writeFile(path, `export const options = ${options};\nexport default function () {}\n`);
  return path;
}

const quietRun = (path: string) => {
  let stderr = '';
  const outcome = runTest({
    script: path,
    env: {},
    overrides: {},
    outputs: [],
    noSummary: true,
    stdout: () => undefined,
    stderr: (t) => void (stderr += t),
  });
  return { outcome, stderr: () => stderr };
};

describe('options resolution', () => {
  it('reports genuinely invalid options as 104', async () => {
    const run = quietRun(await script("{ thresholds: { http_reqs: ['count<<1'] } }"));
    expect((await run.outcome).exitCode).toBe(EXIT.invalidConfig);
    expect(run.stderr()).toContain("invalid threshold 'count<<1'");
  });

  it('reports an invalid duration in the options (delayAbortEval) as 104', async () => {
    const options =
      "{ thresholds: { http_reqs: [{ threshold: 'count<1', delayAbortEval: 'soon' }] } }";
    const run = quietRun(await script(options));
    expect((await run.outcome).exitCode).toBe(EXIT.invalidConfig);
    expect(run.stderr()).toContain("invalid duration 'soon'");
  });

  it('lets a bug propagate (exit 70 at the top) instead of calling it invalid options', async () => {
    bug.on = true;
    try {
      const run = quietRun(await script('{}'));
      await expect(run.outcome).rejects.toThrow(TypeError);
    } finally {
      bug.on = false;
    }
  });
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findK6, k6Command } from '../../engine/real-k6.ts';
import { runTest } from '../../engine/runner.ts';

/**
 * `--quiet` hides the progress, not the end-of-test summary: k6 0.49 and
 * current k6 (v1.x) both print it to stdout unless --no-summary.
 */
const script = join(import.meta.dirname, 'conformance', 'quiet.js');
const k6 = findK6();

/** What the built-in engine writes to stdout, as `loadgate k6 run` would. */
async function builtinStdout(flags: { quiet?: boolean; noSummary?: boolean }): Promise<string> {
  let out = '';
  const r = await runTest({
    script,
    env: {},
    overrides: {},
    outputs: [],
    ...flags,
    stdout: (t) => void (out += t),
    stderr: () => undefined,
  });
  expect(r.exitCode).toBe(0);
  return out;
}

/** What real k6 writes to stdout for the same flags. */
function k6Stdout(flags: { quiet?: boolean; noSummary?: boolean }): Promise<string> {
  const { args } = k6Command({ script, ...flags });
  return new Promise((resolve, reject) => {
    const child = spawn(k6!, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`k6 exited ${code}`)),
    );
  });
}

const summaryLine = /iterations\.+: 2\b/;

for (const { label, stdout, skip } of [
  { label: 'built-in engine', stdout: builtinStdout, skip: false },
  { label: 'real k6 (requires k6 on PATH)', stdout: k6Stdout, skip: k6 === undefined },
]) {
  describe(`--quiet: ${label}`, () => {
    it.skipIf(skip)('still prints the end-of-test summary', async () => {
      expect(await stdout({ quiet: true })).toMatch(summaryLine);
    });

    it.skipIf(skip)('prints none with --no-summary', async () => {
      expect(await stdout({ quiet: true, noSummary: true })).not.toMatch(summaryLine);
    });
  });
}

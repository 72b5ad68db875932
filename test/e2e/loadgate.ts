// The e2e tests' way to run loadgate as a user does: `bin/loadgate.mjs` in a
// child process, judged by its exit code, its output and its results folder.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';

export type Outcome = { code: number | null; stdout: string; stderr: string; output: string };

export function loadgate(
  args: string[],
  options: {
    env?: Record<string, string>;
    /** SIGINT this long after the engine started, as a user's Ctrl-C would. */
    interruptAfterMs?: number;
  } = {},
): Promise<Outcome> {
  let { interruptAfterMs } = options;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/loadgate.mjs', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (chunk) => ((stdout += chunk), (output += chunk)));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      output += chunk;
      if (interruptAfterMs && /engine: /.test(stderr)) {
        setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
        interruptAfterMs = undefined;
      }
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, output }));
  });
}

/** The one run a test wrote under `results`. */
export async function onlyRunDir(results: string): Promise<string> {
  const runs = await readdir(results);
  expect(runs).toHaveLength(1);
  return join(results, runs[0]!);
}

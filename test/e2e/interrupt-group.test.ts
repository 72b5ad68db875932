// Ctrl-C in a terminal, or a CI job's cancel, signals the whole process group,
// not just loadgate: every helper process the CLI has gets SIGINT at the same
// moment. The run must still end as an interrupted run (105) with its partial
// results, whoever else received the signal (issue 10 item 6).
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, listen, type Gateway } from '../../infra/local/gateway/app.ts';

let dir: string;
let gateway: Gateway;
let target: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-group-'));
  gateway = createGateway({ dataDir: join(dir, 'gateway'), bcryptCost: 4 });
  target = await listen(gateway);
});
afterAll(async () => {
  await gateway.close();
  await rm(dir, { recursive: true, force: true });
});

/** `loadgate run` as the leader of its own process group; SIGINT to the group once the load runs. */
function runAndInterruptGroup(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/loadgate.mjs', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
      // A cold start: nothing transformed ahead, as on a fresh machine.
      env: { ...process.env, TSX_DISABLE_CACHE: '1' },
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!sent && /engine: /.test(stderr)) {
        sent = true;
        setTimeout(() => process.kill(-child.pid!, 'SIGINT'), 1500);
      }
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Runs `loadgate run smoke --journey browse …extra`, interrupts its group, and checks the partial run. */
async function expectPartialRun(name: string, extra: string[]): Promise<void> {
  const results = join(dir, name);
  const { code, stderr } = await runAndInterruptGroup([
    'run',
    'smoke',
    '--journey',
    'browse',
    ...extra,
    '--results',
    results,
    '-e',
    'SMOKE_DURATION=30s',
  ]);
  expect(stderr).not.toContain('unexpected error');
  expect(code, stderr).toBe(105);
  const [run] = await readdir(results);
  const files = await readdir(join(results, run!));
  expect(files).toEqual(expect.arrayContaining(['run.json', 'report.html']));
}

describe('Ctrl-C to the process group', () => {
  it(
    'ends the run with 105 and its partial results, not a crash',
    () => expectPartialRun('target', ['--target', target, '--no-slo']),
    90_000,
  );

  it(
    'does the same on the local platform, whose processes got the signal too',
    () => expectPartialRun('platform', []),
    120_000,
  );
});

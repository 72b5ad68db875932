import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers.ts';

/**
 * `loadgate platform` in the foreground: it prints its URLs, and Ctrl-C (the
 * whole process group gets SIGINT) or SIGTERM stops every process it started
 * and closes every port.
 */

const BIN = join(import.meta.dirname, '../../bin/loadgate.mjs');

/** Every descendant pid of `pid`, from /proc's children lists. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter(Boolean).map(Number)) {
      out.push(child, ...descendants(child));
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startCli(): Promise<{ child: ChildProcess; urls: URL[]; stdout: () => string }> {
  const child = spawn(
    process.execPath,
    [BIN, 'platform', '--min', '2', '--max', '2', '--sync-period', '1000'],
    {
      detached: true, // its own process group, as a terminal would give it
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  await waitFor(
    'the platform URLs',
    async () => {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
      return stdout.includes('Ctrl-C') ? true : undefined;
    },
    // Twenty workers (every service's pool at its min): slow on a busy machine.
    150_000,
  );
  const urls = [...stdout.matchAll(/http:\/\/127\.0\.0\.1:\d+/g)].map((m) => new URL(m[0]));
  return { child, urls, stdout: () => stdout };
}

async function stopsCleanly(send: (child: ChildProcess) => void): Promise<void> {
  const { child, urls } = await startCli();
  expect(urls).toHaveLength(4); // gateway, metrics, admin, prometheus
  expect((await fetch(`${urls[0]!.origin}/health`)).status).toBe(200);
  const pids = descendants(child.pid!);
  // 2 workers + prometheus, at least (tsx may add esbuild helpers).
  expect(pids.length).toBeGreaterThanOrEqual(3);

  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  send(child);
  expect(await exited).toBe(0);
  await waitFor(
    'every child process gone',
    async () => (pids.every((pid) => !alive(pid)) ? true : undefined),
    15_000,
  );
  for (const url of urls) expect(await portOpen(Number(url.port))).toBe(false);
}

describe('loadgate platform', () => {
  it('stops everything on Ctrl-C (SIGINT to the process group)', async () => {
    await stopsCleanly((child) => process.kill(-child.pid!, 'SIGINT'));
  }, 200_000);

  it('stops everything on SIGTERM', async () => {
    await stopsCleanly((child) => child.kill('SIGTERM'));
  }, 200_000);

  it('rejects an unknown flag with exit code 2 and a hint', async () => {
    const child = spawn(process.execPath, [BIN, 'platform', '--bogus'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--bogus/);
    expect(stderr).toMatch(/--help/);
  });
});

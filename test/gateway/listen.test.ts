// The gateway takes a burst of new connections as a cluster's ingress does:
// thousands of VUs opening their keep-alive connection at the same instant
// (a constant-vus start) must not overflow its accept queue, whose overflow
// is dropped SYNs, connects retried for seconds, and resets. Read off the
// kernel itself: `ss` shows a listening socket's backlog.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { startGateway, type Running } from './helpers.ts';

let running: Running | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const hasSs = (() => {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

it.skipIf(process.platform !== 'linux' || !hasSs)(
  'listens with a backlog of 4,096 (Node leaves 511), as far as net.core.somaxconn allows',
  async () => {
    running = await startGateway();
    const port = new URL(running.url).port;
    // LISTEN <Recv-Q> <Send-Q = the backlog> 127.0.0.1:<port> …
    const line = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim();
    const backlog = Number(line.split(/\s+/)[2]);
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(backlog).toBe(Math.min(4096, somaxconn));
  },
);

import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitError } from '../../core/errors.ts';
import { runCheck } from '../../slo/index.ts';

// A Prometheus that accepts connections and never answers (a hung server, a
// proxy that swallows requests). Before, every query waited its own timeout
// three times over behind the concurrency limit: 109 s for one query with the
// default 30 s, then "unreachable (23)". Now the first silence stops the check.

let server: Server;
let url: string;
let dir: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = await mkdtemp(join(tmpdir(), 'loadgate-silent-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('a Prometheus that never answers', () => {
  // 24 objectives, 8 queries at a time, 1 s each: waiting each one out (with
  // retries) would take far longer than this test's timeout.
  it('stops the whole check at the first silence: exit 3, saying how long it waited', async () => {
    const spec = join(dir, 'spec.yaml');
    const objectives = Array.from({ length: 24 }, (_, i) => ({
      name: `q${i}`,
      kind: 'promql',
      query: `vector(${i})`,
      bound: 100,
    }));
    await writeFile(
      spec,
      JSON.stringify({
        apiVersion: 'loadgate/v1',
        kind: 'SLO',
        metadata: { name: 'silent' },
        defaults: { timeout: '1s' },
        objectives,
      }),
    );
    const error = await runCheck({ spec, prometheusUrl: url, last: '5m' }).catch((e) => e);
    expect(error).toBeInstanceOf(ExitError);
    expect(error).toMatchObject({
      code: 3,
      message: `Prometheus at ${url} did not answer within 1 s`,
    });
    expect((error as ExitError).hint).toContain('defaults.timeout');
  }, 15_000);
});

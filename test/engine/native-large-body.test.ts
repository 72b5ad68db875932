// Bodies far larger than usual through native/http1.c, the VU threads' own
// HTTP path: a discarded body is counted, not held (an endless body with
// responseType 'none' took RSS to 7 GB), and a body no string can hold fails
// the request instead of coming back as the response head (issue 10 items 14, 15).
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADDON = fileURLToPath(new URL('../../build/Release/http1.node', import.meta.url));
const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(MiB, 'x');

type Result =
  | { ok: true; status: number; bytesReceived: number; bodyLength: number; rssGrowth: number }
  | { ok: false; code: string; message: string };

/** One GET in a worker thread (the addon blocks its thread, as in a VU), bodyMode 0/1/2. */
function get(port: number, path: string, bodyMode: 0 | 1 | 2): Promise<Result> {
  const code = `
const { parentPort, workerData: { addon: file, port, path, bodyMode } } = require('node:worker_threads');
const addon = require(file);
const req = Buffer.from('GET ' + path + ' HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n', 'latin1');
const before = process.memoryUsage().rss;
const fd = addon.connect('127.0.0.1', port, 5000);
try {
  const r = addon.exchange(fd, req, false, 60000, bodyMode);
  const body = r[2];
  parentPort.postMessage({ ok: true, status: r[0], bytesReceived: r[3],
    bodyLength: body === undefined ? -1 : (body.length ?? body.byteLength),
    rssGrowth: process.memoryUsage().rss - before });
} catch (e) {
  parentPort.postMessage({ ok: false, code: e.code, message: e.message });
} finally { addon.close(fd); }`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, {
      eval: true,
      workerData: { addon: ADDON, port, path, bodyMode },
    });
    worker.once('message', (m: Result) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

let server: Server;
let port: number;
const sockets = new Set<Socket>();

/** Writes `n` chunks of 1 MiB, chunked or as one Content-Length body, respecting backpressure. */
function stream(socket: Socket, n: number, chunked: boolean): void {
  let sent = 0;
  const pump = () => {
    while (sent < n) {
      const piece = chunked
        ? Buffer.concat([Buffer.from(`${MiB.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')])
        : CHUNK;
      sent++;
      if (!socket.write(piece)) return void socket.once('drain', pump);
    }
    if (chunked) socket.write('0\r\n\r\n');
  };
  pump();
}

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', (bytes) => {
      const path = bytes.toString('latin1').split(' ')[1]!;
      const [kind, size] = path.slice(1).split('/') as [string, string];
      const n = Number(size);
      if (kind === 'chunked') {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        stream(socket, n, true);
      } else {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${n * MiB}\r\n\r\n`);
        stream(socket, n, false);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('native HTTP, bodies of hundreds of MiB', () => {
  it.each(['chunked', 'length'])(
    'counts a discarded %s body without holding it',
    async (kind) => {
      const r = await get(port, `/${kind}/700`, 0);
      expect(r).toMatchObject({ ok: true, status: 200, bodyLength: -1 });
      if (!r.ok) return;
      expect(r.bytesReceived).toBeGreaterThan(700 * MiB);
      // Held, 700 MiB of body would be at least that much more memory.
      expect(r.rssGrowth).toBeLessThan(256 * MiB);
    },
    60_000,
  );

  it.each(['chunked', 'length'])(
    'fails a %s text body past the longest string, instead of handing back a wrong one',
    async (kind) => {
      const r = await get(port, `/${kind}/513`, 1);
      expect(r).toMatchObject({ ok: false, code: 'EFBIG' });
      if (!r.ok) expect(r.message).toContain("responseType: 'none'");
    },
    60_000,
  );

  it('still hands over a large body it can hold, whole', async () => {
    const r = await get(port, '/chunked/64', 2);
    expect(r).toMatchObject({ ok: true, status: 200, bodyLength: 64 * MiB });
  }, 60_000);
});

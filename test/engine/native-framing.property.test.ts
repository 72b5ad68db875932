// native/http1.c's framing under generated responses (fast-check, bounded):
// any body, framed by Content-Length or by chunks of any sizes, cut into TCP
// writes at any points, reads back byte for byte; and any bytes at all are a
// response or one of the addon's errors, never a crash or a hang.
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADDON = fileURLToPath(new URL('../../build/Release/http1.node', import.meta.url));
const bounded = { numRuns: 80, interruptAfterTimeLimit: 20_000 };

/** One worker thread holding the addon (it blocks its thread, as in a VU), one request at a time. */
let worker: Worker;
let server: Server;
let port: number;
/** What the server sends next: the bytes, in these writes. */
let next: Buffer[] = [];
const sockets = new Set<Socket>();

type Reply = { ok: true; status: number; body: number[] } | { ok: false; code: string };

function exchange(): Promise<Reply> {
  return new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(port);
  });
}

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', async () => {
      for (const piece of next) {
        socket.write(piece);
        await new Promise((r) => setImmediate(r));
      }
      socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const addon = require(workerData);
     const req = Buffer.from('GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n', 'latin1');
     parentPort.on('message', (port) => {
       let fd;
       try {
         fd = addon.connect('127.0.0.1', port, 5000);
         const r = addon.exchange(fd, req, false, 5000, 2);
         parentPort.postMessage({ ok: true, status: r[0], body: [...new Uint8Array(r[2])] });
       } catch (e) {
         parentPort.postMessage({ ok: false, code: e.code });
       } finally {
         if (fd !== undefined) addon.close(fd);
       }
     });`,
    { eval: true, workerData: ADDON },
  );
});
afterAll(async () => {
  await worker.terminate();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** Cuts `bytes` at the given fractions (sorted, deduplicated), as TCP may. */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) out.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  return out;
}

const splits = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 });

describe('native HTTP framing', () => {
  it('reads any Content-Length or chunked body back exactly, however it is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
        splits,
        async (body, chunked, sizes, at) => {
          let framed: Buffer;
          if (chunked) {
            const parts: Buffer[] = [];
            for (let i = 0, k = 0; i < body.length; k++) {
              const n = Math.min(sizes[k % sizes.length]!, body.length - i);
              parts.push(
                Buffer.from(`${n.toString(16)}\r\n`),
                Buffer.from(body.subarray(i, i + n)),
                Buffer.from('\r\n'),
              );
              i += n;
            }
            framed = Buffer.concat([
              Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'),
              ...parts,
              Buffer.from('0\r\n\r\n'),
            ]);
          } else {
            framed = Buffer.concat([
              Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`),
              Buffer.from(body),
            ]);
          }
          next = cut(framed, at);
          const reply = await exchange();
          expect(reply).toEqual({ ok: true, status: 200, body: [...body] });
        },
      ),
      bounded,
    );
  }, 60_000);

  it('answers any bytes at all with a response or one of its errors', async () => {
    const known = new Set(['EPROTO', 'ECLOSED', 'ECONNRESET', 'ETIMEDOUT', 'EFBIG']);
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
      // Near-valid heads: the parser's edge cases.
      fc
        .tuple(
          fc.constantFrom(
            'HTTP/1.1 200 OK',
            'HTTP/1.0 204 No',
            'HTTP/1.1 2000 X',
            'HTTP/1.1 20',
            'HTTP/2 200',
          ),
          fc.array(
            fc.constantFrom(
              'Content-Length: 3',
              'Content-Length: -1',
              'Content-Length: 99999999999999999',
              'Transfer-Encoding: chunked',
              'Connection: close',
              'X:',
              ':',
            ),
            { maxLength: 4 },
          ),
          fc.constantFrom('', 'abc', '3\r\nabc\r\n0\r\n\r\n', 'zz\r\n', 'ffffffffffffffffffff\r\n'),
        )
        .map(([line, headers, rest]) =>
          Buffer.from(`${[line, ...headers].join('\r\n')}\r\n\r\n${rest}`),
        ),
    );
    await fc.assert(
      fc.asyncProperty(garbage, splits, async (bytes, at) => {
        next = cut(bytes, at);
        const reply = await exchange();
        if (!reply.ok) expect(known).toContain(reply.code);
        else expect(reply.status).toBeGreaterThanOrEqual(100);
      }),
      bounded,
    );
  }, 60_000);
});

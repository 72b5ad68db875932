/**
 * native/http1.c, the blocking HTTP/1.1 addon of the VU threads, seen from JavaScript.
 *
 * connect() and exchange() block their thread, so the addon runs in a Worker (as in a VU
 * thread) while the raw node:net servers run here: each test controls the exact bytes, how
 * they are split, when they come and how the connection ends.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';

const ADDON = fileURLToPath(new URL('../../build/Release/http1.node', import.meta.url));

/* ---- the addon, in a worker ------------------------------------------------------------- */

/** What exchange() returns, by name (its array order is the addon's contract). */
interface Response {
  status: number;
  head: string;
  body: string | ArrayBuffer | undefined;
  /** Object.prototype.toString of the body, taken in the worker. */
  bodyType: string;
  bytesReceived: number;
  keepAlive: boolean;
  sentMs: number;
  firstByteMs: number;
  endMs: number;
}

type Outcome =
  { ok: true; value: unknown } | { ok: false; code: string | undefined; message: string };

/*
 * Prelude of every worker: `addon`, `data` (workerData.data), and helpers for the snippets.
 * request(method, extra) builds a request head; decode() names exchange()'s result;
 * once(port, opts) is one request on a fresh connection, closed afterwards.
 */
const PRELUDE = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.addon);
const data = workerData.data;
const request = (method, extra = '') =>
  Buffer.from(method + ' / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n' + extra + '\\r\\n', 'latin1');
const decode = (r) => ({
  status: r[0], head: r[1], body: r[2], bodyType: Object.prototype.toString.call(r[2]),
  bytesReceived: r[3], keepAlive: r[4], sentMs: r[5], firstByteMs: r[6], endMs: r[7],
});
const exchange = (fd, opts = {}) => {
  const method = opts.method || 'GET';
  return decode(addon.exchange(fd, request(method), method === 'HEAD',
    opts.timeoutMs ?? 5000, opts.bodyMode ?? 1));
};
const once = (port, opts = {}) => {
  const fd = addon.connect('127.0.0.1', port, 5000);
  try { return exchange(fd, opts); } finally { addon.close(fd); }
};
`;

/** Runs `snippet` (a function body that returns a structured-cloneable value) in a worker. */
function inWorker(snippet: string, data: unknown = {}): Promise<Outcome> {
  const code = `${PRELUDE}
try {
  const value = (() => { ${snippet} })();
  parentPort.postMessage({ ok: true, value });
} catch (e) {
  parentPort.postMessage({ ok: false, code: e && e.code, message: String(e && e.message) });
}`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { addon: ADDON, data } });
    worker.once('message', (outcome: Outcome) => {
      resolve(outcome);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (exitCode) =>
      reject(new Error(`worker exited (${exitCode}) without answer`)),
    );
  });
}

/** The response, or a test failure naming the error the addon threw. */
function answer(outcome: Outcome): Response {
  if (!outcome.ok) throw new Error(`addon threw ${outcome.code}: ${outcome.message}`);
  return outcome.value as Response;
}

/** The thrown error, or a test failure showing the response that came instead. */
function failure(outcome: Outcome): { code: string | undefined; message: string } {
  if (outcome.ok) throw new Error(`expected an error, got ${JSON.stringify(outcome.value)}`);
  return outcome;
}

interface FetchOptions {
  method?: 'GET' | 'HEAD';
  timeoutMs?: number;
  bodyMode?: 0 | 1 | 2;
}

/** One request on a fresh connection to 127.0.0.1:port, from a worker. */
const fetchOnce = (port: number, opts: FetchOptions = {}): Promise<Outcome> =>
  inWorker('return once(data.port, data.opts);', { port, opts });

/** Rejects when `promise` has not settled after `ms`: the guard of the interruption tests. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still blocked after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/* ---- raw servers ------------------------------------------------------------------------ */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Called once per request head read on a connection (index counts from 0 per connection). */
type Handler = (socket: Socket, requestHead: string, index: number) => void | Promise<void>;

interface RawServer {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Every request head, in arrival order. */
  requests: string[];
}

const servers: Server[] = [];
const sockets = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();

afterEach(async () => {
  for (const t of timers) clearInterval(t);
  timers.clear();
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback TCP server that hands each request head (no request bodies here) to `handler`. */
async function serve(handler: Handler): Promise<RawServer> {
  const state: RawServer = { port: 0, connections: 0, requests: [] };
  const server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {}); // resets are part of several tests
    let pending = '';
    let index = 0;
    socket.on('data', (bytes: Buffer) => {
      pending += bytes.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        state.requests.push(head);
        void handler(socket, head, index++);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.port = (server.address() as { port: number }).port;
  return state;
}

/** A server that answers every request with the same bytes, in one write. */
const serveBytes = (wire: string | Buffer) => serve((socket) => void socket.write(wire));

/** Writes `pieces` one after the other, `delayMs` apart, so each arrives in its own read. */
async function dribble(socket: Socket, pieces: (string | Buffer)[], delayMs = 20): Promise<void> {
  for (const piece of pieces) {
    if (socket.destroyed) return;
    socket.write(piece);
    await sleep(delayMs);
  }
}

/** A server that answers `wire` on the first bytes, then reads one buffer every 20 ms. */
async function slowReader(wire: string): Promise<{ port: number }> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => void socket.write(wire));
    // One read (at most 64 KB) per tick: pausing in 'data' stops libuv's read loop.
    socket.on('data', () => socket.pause());
    const timer = setInterval(() => socket.resume(), 20);
    timers.add(timer);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port };
}

/** A port nothing listens on: one that was free a moment ago. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Deterministic pseudo-random numbers (xorshift), so a failure replays identically. */
function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** The chunked encoding of `pieces`, sizes in uppercase hex, then `tail` (last chunk, trailers). */
function chunked(pieces: Buffer[], tail = '0\r\n\r\n'): Buffer {
  const parts: Buffer[] = [];
  for (const p of pieces) {
    parts.push(Buffer.from(`${p.length.toString(16).toUpperCase()}\r\n`), p, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(tail));
  return Buffer.concat(parts);
}

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const bytesOf = (body: Response['body']) => Buffer.from(body as ArrayBuffer);

/* ---- the tests -------------------------------------------------------------------------- */

const built = existsSync(ADDON);
const suite = built ? describe : describe.skip;

suite(
  built
    ? 'native http1 addon (build/Release/http1.node)'
    : `native http1 addon — SKIPPED: ${ADDON} is missing (npm install builds it with node-gyp)`,
  () => {
    describe('Content-Length bodies', () => {
      it('decodes status, head, body and counts every byte received', async () => {
        const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Thing: a b\r\n\r\nhello world';
        const { port } = await serveBytes(wire);
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({
          status: 200,
          head: 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Thing: a b',
          body: 'hello world',
          bodyType: '[object String]',
          bytesReceived: wire.length,
          keepAlive: true,
        });
      });

      it('decodes the body as UTF-8 text in bodyMode 1', async () => {
        const body = Buffer.from('héllo €, ünïcödé ✓');
        const head = `HTTP/1.1 201 Created\r\nContent-Length: ${body.length}\r\n\r\n`;
        const { port } = await serveBytes(Buffer.concat([Buffer.from(head), body]));
        const res = answer(await fetchOnce(port));
        expect(res.status).toBe(201);
        expect(res.body).toBe('héllo €, ünïcödé ✓');
        expect(res.bytesReceived).toBe(head.length + body.length);
      });

      it.each([1, 2, 3])(
        'reassembles a response dribbled in small writes, head split %i byte(s) into its blank line',
        async (cut) => {
          const head = 'HTTP/1.1 200 OK\r\nContent-Length: 26\r\nX-Split: yes\r\n\r\n';
          const at = head.length - 4 + cut; // inside the final "\r\n\r\n"
          const body = 'abcdefghijklmnopqrstuvwxyz';
          const { port } = await serve((socket) =>
            dribble(socket, [
              'HTTP/1.',
              head.slice(7, 20),
              head.slice(20, at),
              head.slice(at) + body.slice(0, 3),
              body.slice(3, 4),
              body.slice(4, 20),
              body.slice(20),
            ]),
          );
          const res = answer(await fetchOnce(port));
          expect(res).toMatchObject({
            status: 200,
            head: head.slice(0, -4),
            body,
            bytesReceived: head.length + body.length,
            keepAlive: true,
          });
        },
      );

      it('reassembles a response written one byte at a time', async () => {
        const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nbytes';
        const { port } = await serve((socket) => dribble(socket, [...wire], 2));
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({ status: 200, body: 'bytes', bytesReceived: wire.length });
      });

      it('returns an exact ArrayBuffer in bodyMode 2, however the bytes look', async () => {
        // Every byte value, invalid UTF-8 and a CRLF CRLF inside the body included.
        const body = Buffer.concat([
          Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)),
          Buffer.from('\r\n\r\nHTTP/1.1 200 OK\r\n\r\n\xff\xfe', 'latin1'),
        ]);
        const head = `HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`;
        const { port } = await serve((socket) =>
          dribble(socket, [head, body.subarray(0, 500), body.subarray(500)]),
        );
        const res = answer(await fetchOnce(port, { bodyMode: 2 }));
        expect(res.bodyType).toBe('[object ArrayBuffer]');
        expect(bytesOf(res.body).equals(body)).toBe(true);
        expect(res.bytesReceived).toBe(head.length + body.length);
      });

      it('discards the body in bodyMode 0 but still counts its bytes', async () => {
        const wire = `HTTP/1.1 200 OK\r\nContent-Length: 4000\r\n\r\n${'z'.repeat(4000)}`;
        const { port } = await serveBytes(wire);
        const res = answer(await fetchOnce(port, { bodyMode: 0 }));
        expect(res).toMatchObject({ status: 200, bodyType: '[object Undefined]' });
        expect(res.body).toBeUndefined();
        expect(res.bytesReceived).toBe(wire.length);
        expect(res.head).toBe('HTTP/1.1 200 OK\r\nContent-Length: 4000');
      });

      it('handles a large Content-Length body (3 MB) across many reads', async () => {
        const rnd = prng(7);
        const body = Buffer.from(Array.from({ length: 3 << 20 }, () => 97 + ((rnd() * 26) | 0)));
        const head = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`;
        const { port } = await serveBytes(Buffer.concat([Buffer.from(head), body]));
        const res = answer(await fetchOnce(port));
        expect((res.body as string).length).toBe(body.length);
        expect(sha256(res.body as string)).toBe(sha256(body));
        expect(res.bytesReceived).toBe(head.length + body.length);
      });

      it('does not offer the connection for reuse when bytes follow the body', async () => {
        // Whatever follows was read and thrown away: the connection is out of step.
        const { port } = await serveBytes(
          'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n',
        );
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({ status: 200, body: 'ok', keepAlive: false });
      });
    });

    describe('chunked bodies', () => {
      it('decodes chunk extensions, uppercase hex sizes and trailers', async () => {
        const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
        const body =
          '5;ext=1\r\nhello\r\n' +
          'A;name="quoted;value"\r\n, chunked!\r\n' +
          '1e\r\n the end of a 30-byte chunk...\r\n' +
          '0\r\nX-Trailer: yes\r\nX-Other: 2\r\n\r\n';
        const { port } = await serveBytes(head + body);
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({
          status: 200,
          head: head.slice(0, -4),
          body: 'hello, chunked! the end of a 30-byte chunk...',
          bytesReceived: head.length + body.length,
          keepAlive: true,
        });
      });

      it('decodes a body over 1 MB in many chunks, split at random points', async () => {
        const rnd = prng(42);
        const pieces: Buffer[] = [];
        let total = 0;
        while (total < 1.5 * 2 ** 20) {
          const n = 1 + ((rnd() * 6000) | 0);
          pieces.push(Buffer.from(Array.from({ length: n }, () => 65 + ((rnd() * 58) | 0))));
          total += n;
        }
        const body = Buffer.concat(pieces);
        const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
        const wire = Buffer.concat([Buffer.from(head), chunked(pieces)]);
        // Writes of 1..3000 bytes, so size lines, data and CRLFs all get cut somewhere.
        const { port } = await serve(async (socket) => {
          for (let at = 0, n = 0; at < wire.length; at += n) {
            n = 1 + ((rnd() * 3000) | 0);
            socket.write(wire.subarray(at, at + n));
            if (rnd() < 0.02) await sleep(1);
          }
        });
        const res = answer(await fetchOnce(port));
        expect(res.status).toBe(200);
        expect((res.body as string).length).toBe(body.length);
        expect(sha256(res.body as string)).toBe(sha256(body));
        expect(res.bytesReceived).toBe(wire.length);
        expect(res.keepAlive).toBe(true);
      });

      it('returns the exact bytes in bodyMode 2, CRLFs and size-like text in the data included', async () => {
        const pieces = [
          Buffer.from('0\r\n\r\n'), // looks like the last chunk, but is data
          Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
          Buffer.from('\r\n'),
        ];
        const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
        const encoded = chunked(pieces);
        const { port } = await serve((socket) =>
          dribble(socket, [
            head,
            encoded.subarray(0, 4),
            encoded.subarray(4, 100),
            encoded.subarray(100),
          ]),
        );
        const res = answer(await fetchOnce(port, { bodyMode: 2 }));
        expect(res.bodyType).toBe('[object ArrayBuffer]');
        expect(bytesOf(res.body).equals(Buffer.concat(pieces))).toBe(true);
        expect(res.bytesReceived).toBe(head.length + encoded.length);
      });

      it('counts the wire bytes, not the decoded ones, in bodyMode 0', async () => {
        const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
        const encoded = chunked([Buffer.from('abc'), Buffer.from('x'.repeat(300))]);
        const { port } = await serveBytes(Buffer.concat([Buffer.from(head), encoded]));
        const res = answer(await fetchOnce(port, { bodyMode: 0 }));
        expect(res.body).toBeUndefined();
        expect(res.bytesReceived).toBe(head.length + encoded.length);
        expect(res.keepAlive).toBe(true);
      });

      it('decodes an empty chunked body', async () => {
        const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n';
        const { port } = await serveBytes(wire);
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({ body: '', bytesReceived: wire.length, keepAlive: true });
      });

      it('prefers chunked framing over a Content-Length header', async () => {
        const wire =
          'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nchunky\r\n0\r\n\r\n';
        const { port } = await serveBytes(wire);
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({ body: 'chunky', bytesReceived: wire.length });
      });
    });

    describe('responses without a body', () => {
      it('reads no body after a HEAD, even with a Content-Length, and the connection serves the next request', async () => {
        const headWire = 'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n';
        const getWire = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nGET';
        const server = await serve(
          (socket, req) => void socket.write(req.startsWith('HEAD') ? headWire : getWire),
        );
        const outcome = await inWorker(
          `const fd = addon.connect('127.0.0.1', data.port, 5000);
           try {
             return [exchange(fd, { method: 'HEAD', timeoutMs: 3000 }), exchange(fd)];
           } finally { addon.close(fd); }`,
          { port: server.port },
        );
        const [head, get] = answer(outcome) as unknown as Response[];
        expect(head).toMatchObject({
          status: 200,
          head: headWire.slice(0, -4),
          body: '',
          bytesReceived: headWire.length,
          keepAlive: true,
        });
        expect(get).toMatchObject({ status: 200, body: 'GET', bytesReceived: getWire.length });
        expect(server.connections).toBe(1);
      });

      it.each([
        ['204', 'HTTP/1.1 204 No Content\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n'],
        ['304', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\nETag: "x"\r\n\r\n'],
      ])('reads no body after a %s and keeps the connection', async (status, wire) => {
        const next = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext';
        const server = await serve((socket, _req, index) => void socket.write(index ? next : wire));
        const outcome = await inWorker(
          `const fd = addon.connect('127.0.0.1', data.port, 5000);
           try { return [exchange(fd, { timeoutMs: 3000 }), exchange(fd)]; }
           finally { addon.close(fd); }`,
          { port: server.port },
        );
        const [first, second] = answer(outcome) as unknown as Response[];
        expect(first).toMatchObject({
          status: Number(status),
          head: wire.slice(0, -4),
          body: '',
          bytesReceived: wire.length,
          keepAlive: true,
        });
        expect(second).toMatchObject({ status: 200, body: 'next' });
        expect(server.connections).toBe(1);
      });
    });

    describe('interim (1xx) responses', () => {
      it('skips a 100 Continue sent on its own, and counts its bytes', async () => {
        const interim = 'HTTP/1.1 100 Continue\r\n\r\n';
        const final = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone';
        const { port } = await serve((socket) => dribble(socket, [interim, final], 50));
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({
          status: 200,
          head: 'HTTP/1.1 200 OK\r\nContent-Length: 4',
          body: 'done',
          bytesReceived: interim.length + final.length,
          keepAlive: true,
        });
      });

      it('skips several interim responses arriving in the same read as the final one', async () => {
        const interim =
          'HTTP/1.1 100 Continue\r\n\r\n' +
          'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n';
        const final = 'HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\n\r\nmissing';
        const { port } = await serveBytes(interim + final);
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({
          status: 404,
          head: 'HTTP/1.1 404 Not Found\r\nContent-Length: 7',
          body: 'missing',
          bytesReceived: interim.length + final.length,
        });
      });
    });

    describe('keep-alive', () => {
      it('reads a body without framing until the server closes, and gives the connection up', async () => {
        const head =
          'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Type: text/plain\r\n\r\n';
        const pieces = ['first part, ', 'second part, ', 'last part'];
        const { port } = await serve(async (socket) => {
          await dribble(socket, [head, ...pieces]);
          socket.end();
        });
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({
          status: 200,
          head: head.slice(0, -4),
          body: pieces.join(''),
          bytesReceived: head.length + pieces.join('').length,
          keepAlive: false,
        });
      });

      it.each([
        [
          'Connection: close',
          'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok',
          false,
        ],
        [
          'Connection: Close (any case)',
          'HTTP/1.1 200 OK\r\nconnection: Close\r\nContent-Length: 2\r\n\r\nok',
          false,
        ],
        ['HTTP/1.0', 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', false],
        [
          'HTTP/1.0 with Connection: keep-alive',
          'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok',
          true,
        ],
        ['HTTP/1.1 without Connection', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', true],
      ])('%s → keepAlive %s', async (_name, wire, keepAlive) => {
        const { port } = await serveBytes(wire);
        const res = answer(await fetchOnce(port));
        expect(res).toMatchObject({
          status: 200,
          body: 'ok',
          bytesReceived: wire.length,
          keepAlive,
        });
      });

      it('gets two responses from two exchanges on the same connection', async () => {
        const server = await serve((socket, _req, index) => {
          const body = index === 0 ? 'first response' : 'second';
          socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        });
        const outcome = await inWorker(
          `const fd = addon.connect('127.0.0.1', data.port, 5000);
           try { return [exchange(fd), exchange(fd)]; } finally { addon.close(fd); }`,
          { port: server.port },
        );
        const [first, second] = answer(outcome) as unknown as Response[];
        expect(first).toMatchObject({ body: 'first response', keepAlive: true });
        expect(second).toMatchObject({ body: 'second', keepAlive: true });
        expect(server.connections).toBe(1);
        expect(server.requests).toHaveLength(2);
      });

      it('reuses a connection after a chunked response that came in pieces', async () => {
        const server = await serve((socket, _req, index) =>
          index === 0
            ? dribble(socket, [
                'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r',
                '\nabc\r\n0\r\n',
                '\r\n',
              ])
            : void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ndef'),
        );
        const outcome = await inWorker(
          `const fd = addon.connect('127.0.0.1', data.port, 5000);
           try { return [exchange(fd), exchange(fd)]; } finally { addon.close(fd); }`,
          { port: server.port },
        );
        const [first, second] = answer(outcome) as unknown as Response[];
        expect(first).toMatchObject({ body: 'abc', keepAlive: true });
        expect(second).toMatchObject({ body: 'def', keepAlive: true });
        expect(server.connections).toBe(1);
      });
    });

    describe('connect', () => {
      it('refuses a closed port with ECONNREFUSED', async () => {
        const port = await closedPort();
        const err = failure(
          await inWorker(`return addon.connect('127.0.0.1', data.port, 2000);`, { port }),
        );
        expect(err.code).toBe('ECONNREFUSED');
      });

      it('reports an unknown host as ENOTFOUND, or EAI_AGAIN when no resolver answers', async () => {
        // .invalid never resolves (RFC 6761): a resolver says NXDOMAIN (ENOTFOUND). On a
        // machine without a reachable DNS server getaddrinfo() can only say "try again"
        // (EAI_AGAIN), which the addon passes on as such; both are k6 DNS errors.
        const err = failure(
          await inWorker(`return addon.connect('no-such-host.invalid', 80, 5000);`),
        );
        expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(err.code);
        expect(err.message).toContain('no-such-host.invalid');
      });

      it('tries every address of a name: localhost reaches a server on 127.0.0.1 only', async () => {
        const { port } = await serveBytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi');
        const res = answer(
          await inWorker(
            `const fd = addon.connect('localhost', data.port, 5000);
             try { return exchange(fd); } finally { addon.close(fd); }`,
            { port },
          ),
        );
        expect(res).toMatchObject({ status: 200, body: 'hi' });
      });

      it('rejects bad arguments with EINVAL', async () => {
        const outcomes = await Promise.all([
          inWorker(`return addon.connect(42, 80, 1000);`),
          inWorker(`return addon.connect('127.0.0.1', 80);`),
          inWorker(`return addon.exchange(0, 'GET / HTTP/1.1\\r\\n\\r\\n', false, 1000, 1);`),
          inWorker(`return addon.watch(new Int32Array(4), 0, new Float64Array(4), 0);`),
          inWorker(`return addon.watch(new Int32Array(4), 9, new Int32Array(4), 0);`),
        ]);
        for (const outcome of outcomes) expect(failure(outcome).code).toBe('EINVAL');
      });
    });

    describe('errors during an exchange', () => {
      it('times out with ETIMEDOUT when the server never answers', async () => {
        const { port } = await serve(() => {});
        expect(failure(await fetchOnce(port, { timeoutMs: 300 })).code).toBe('ETIMEDOUT');
      });

      it('times out with ETIMEDOUT when the body never ends', async () => {
        const { port } = await serve(
          (socket) => void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this'),
        );
        expect(failure(await fetchOnce(port, { timeoutMs: 300 })).code).toBe('ETIMEDOUT');
      });

      it('times out with ETIMEDOUT when the body keeps trickling past the timeout', async () => {
        // One byte every 10 ms: every read returns data before its 50 ms slice ends, so
        // only a deadline checked after data, too, ends this request on time.
        const { port } = await serve((socket) => {
          socket.write('HTTP/1.1 200 OK\r\n\r\n');
          let sent = 0;
          const timer = setInterval(() => {
            if (++sent > 400) {
              clearInterval(timer);
              socket.end();
            } else socket.write('x');
          }, 10);
          timers.add(timer);
        });
        expect(failure(await fetchOnce(port, { timeoutMs: 300 })).code).toBe('ETIMEDOUT');
      });

      it('times out with ETIMEDOUT while a slow reader takes a large request in', async () => {
        // The server reads a little every 20 ms: every send() moves some bytes before its
        // 50 ms slice ends, so only a deadline checked between sends ends the upload on time.
        // It answers at once, so a client that ignored the deadline would see a 200 in the end.
        const { port } = await slowReader('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        const outcome = await inWorker(
          `const size = 16 << 20;
           const req = Buffer.concat([
             Buffer.from('POST / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: ' + size + '\\r\\n\\r\\n'),
             Buffer.alloc(size, 97),
           ]);
           const fd = addon.connect('127.0.0.1', data.port, 5000);
           try { return decode(addon.exchange(fd, req, false, 500, 1)); } finally { addon.close(fd); }`,
          { port },
        );
        expect(failure(outcome).code).toBe('ETIMEDOUT');
      });

      it('reports ECLOSED when the server closes before sending anything', async () => {
        const { port } = await serve((socket) => void socket.end());
        const err = failure(await fetchOnce(port));
        expect(err.code).toBe('ECLOSED');
      });

      it.each([
        ['garbage instead of a status line', 'hello\r\n\r\n'],
        ['a status line without a status code', 'HTTP/1.1 OK\r\n\r\n'],
        ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n'],
        [
          'a bad chunk size',
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n',
        ],
      ])('reports EPROTO for %s', async (_name, wire) => {
        const { port } = await serveBytes(wire);
        expect(failure(await fetchOnce(port)).code).toBe('EPROTO');
      });

      it('reports EPROTO for a head that never ends (over 64 KB of headers)', async () => {
        const wire = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(80 * 1024)}\r\n`;
        const { port } = await serveBytes(wire);
        expect(failure(await fetchOnce(port)).code).toBe('EPROTO');
      });

      it.each([
        ['in the middle of the head', 'HTTP/1.1 200 OK\r\nContent-Le'],
        [
          'in the middle of a Content-Length body',
          'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf',
        ],
        [
          'in the middle of a chunked body',
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel',
        ],
        [
          'after the last chunk, before the trailers end',
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n',
        ],
        ['after a 100 Continue', 'HTTP/1.1 100 Continue\r\n\r\n'],
      ])('reports EPROTO when the server closes %s', async (_name, wire) => {
        const { port } = await serve((socket) => void socket.end(wire));
        expect(failure(await fetchOnce(port)).code).toBe('EPROTO');
      });

      it('reports ECONNRESET (or ECLOSED) when the server resets the connection', async () => {
        // An RST usually surfaces as ECONNRESET from recv(); should the kernel hand the
        // addon an end of stream first, it says ECLOSED. Either way: no response, no hang.
        const { port } = await serve((socket) => void socket.resetAndDestroy());
        expect(['ECONNRESET', 'ECLOSED']).toContain(failure(await fetchOnce(port)).code);
      });
    });

    describe('watch(): stopping a request in flight', () => {
      /** Starts a 30 s exchange in a worker that watches ctrl[1] and counters[3]. */
      async function blockedExchange(server: (socket: Socket) => void) {
        let arrived!: () => void;
        const requestSeen = new Promise<void>((r) => (arrived = r));
        const { port } = await serve((socket) => {
          server(socket);
          arrived();
        });
        const ctrl = new Int32Array(new SharedArrayBuffer(16));
        const counters = new Int32Array(new SharedArrayBuffer(16));
        const result = inWorker(
          `addon.watch(new Int32Array(data.ctrl), 1, new Int32Array(data.counters), 3);
           return once(data.port, { timeoutMs: 30000 });`,
          { port, ctrl: ctrl.buffer, counters: counters.buffer },
        );
        await requestSeen;
        return { ctrl, counters, result };
      }

      it('throws EINTERRUPTED when the stop slot becomes 2 (hard stop)', async () => {
        const { ctrl, result } = await blockedExchange(() => {});
        Atomics.store(ctrl, 1, 2);
        const outcome = await within(result, 10_000, 'exchange after a hard stop');
        expect(failure(outcome)).toMatchObject({ code: 'EINTERRUPTED' });
      });

      it('throws EINTERRUPTED when the aborted slot becomes non-zero (test.abort())', async () => {
        const { counters, result } = await blockedExchange(() => {});
        Atomics.store(counters, 3, 1);
        const outcome = await within(result, 10_000, 'exchange after an abort');
        expect(failure(outcome)).toMatchObject({ code: 'EINTERRUPTED' });
      });

      it('interrupts a body that keeps arriving', async () => {
        const { ctrl, result } = await blockedExchange((socket) => {
          socket.write('HTTP/1.1 200 OK\r\n\r\n');
          const timer = setInterval(() => socket.write('x'), 10);
          timers.add(timer);
        });
        await sleep(100);
        Atomics.store(ctrl, 1, 2);
        const outcome = await within(result, 10_000, 'streaming exchange after a hard stop');
        expect(failure(outcome)).toMatchObject({ code: 'EINTERRUPTED' });
      });

      it('lets a request finish when the stop slot holds another value (graceful stop)', async () => {
        let respond!: () => void;
        const { ctrl, result } = await blockedExchange((socket) => {
          respond = () => void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate');
        });
        Atomics.store(ctrl, 1, 1);
        Atomics.store(ctrl, 0, 2); // a neighbouring slot: not the one watched
        await sleep(200); // several 50 ms slices: the worker has looked at the flags
        respond();
        const res = answer(await within(result, 10_000, 'exchange after a graceful stop'));
        expect(res).toMatchObject({ status: 200, body: 'late' });
      });
    });

    describe('timings', () => {
      it('reports sentMs ≤ firstByteMs ≤ endMs, all from the call', async () => {
        const { port } = await serve((socket) =>
          dribble(socket, ['HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab', 'cd', 'ef']),
        );
        const res = answer(await fetchOnce(port));
        expect(res.body).toBe('abcdef');
        expect(res.sentMs).toBeGreaterThanOrEqual(0);
        expect(res.firstByteMs).toBeGreaterThanOrEqual(res.sentMs);
        expect(res.endMs).toBeGreaterThanOrEqual(res.firstByteMs);
      });

      it('counts a server delay in firstByteMs', async () => {
        const { port } = await serve(async (socket) => {
          await sleep(200);
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!');
        });
        const res = answer(await fetchOnce(port));
        expect(res.firstByteMs).toBeGreaterThanOrEqual(150);
        expect(res.endMs).toBeGreaterThanOrEqual(res.firstByteMs);
        expect(res.sentMs).toBeLessThanOrEqual(res.firstByteMs);
      });
    });
  },
);

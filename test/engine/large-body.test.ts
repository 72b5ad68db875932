import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, UndiciExchanger } from '../../engine/undici-exchange.ts';

// A body larger than any string V8 can make, through the main thread's undici
// (every https:// request, http.batch, LOADGATE_NATIVE_HTTP=0). It crashed the
// whole process with ERR_STRING_TOO_LONG; now that request alone fails.

let server: Server;
let url: string;
const MiB = Buffer.alloc(1024 * 1024, 'x');

beforeAll(async () => {
  server = createServer((req, res) => {
    // Endless chunked text until the client goes away, or 1 MiB for /small.
    res.writeHead(200, { 'content-type': 'text/plain' });
    if (req.url === '/small') return res.end(MiB);
    let closed = false;
    res.on('close', () => (closed = true));
    const pump = () => {
      while (!closed && res.write(MiB));
      if (!closed) res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('a response body past what a VU can hold', () => {
  it('fails that request with an error naming the limit, and the next one works', async () => {
    const client = new UndiciExchanger();
    try {
      const request = (path: string, responseType: 'text' | 'binary') =>
        client.exchange({
          method: 'GET',
          url: url + path,
          headers: {},
          body: null,
          timeoutMs: 60_000,
          responseType,
        });
      const huge = await request('/endless', 'text');
      expect(huge).toMatchObject({ status: 0, body: null });
      expect(huge.error).toContain(`larger than ${MAX_BODY_BYTES} bytes`);
      const small = await request('/small', 'text');
      expect(small).toMatchObject({ status: 200, error: '' });
      expect((small.body as string).length).toBe(MiB.length);
    } finally {
      await client.close();
    }
  }, 60_000);
});

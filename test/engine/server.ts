import { createServer, type Server } from 'node:http';

/** The trivial loopback server the conformance scripts call. */
export async function startTestServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') return res.end('hello');
    if (url === '/json') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ a: { b: [1, 2] } }));
    }
    if (url === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(Buffer.concat(chunks)));
      return;
    }
    if (url === '/redirect') {
      res.writeHead(302, { location: '/' });
      return res.end();
    }
    if (url === '/cookie/set') {
      res.setHeader('set-cookie', 'session=abc; Path=/');
      return res.end('set');
    }
    if (url === '/cookie/echo') return res.end(req.headers.cookie ?? '');
    const status = /^\/status\/(\d+)$/.exec(url);
    if (status) {
      res.statusCode = Number(status[1]);
      return res.end('status');
    }
    res.statusCode = 404;
    res.end('not found');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

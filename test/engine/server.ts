import { createServer, type RequestListener, type Server } from 'node:http';

export type TestServer = { url: string; server: Server; close(): Promise<void> };

/** Serves `handler` on a loopback port; `close()` also drops keep-alive connections. */
export async function serve(handler: RequestListener): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The trivial loopback server the conformance scripts call. */
export async function startTestServer(): Promise<TestServer> {
  const s = await serve((req, res) => {
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
  s.server.keepAliveTimeout = 60_000;
  return s;
}

// A stand-in for the Prometheus HTTP API that serves recorded answers, keyed
// by the PromQL text (`rules` for /api/v1/rules). A query without a recorded
// answer gets Prometheus' own bad_data error, so a test that drifts from its
// recording fails visibly instead of passing on a default.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Answers = Record<string, unknown>;

export type FakePrometheus = {
  url: string;
  requests: { path: string; query?: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
};

export async function startFakePrometheus(
  answers: Answers,
  options: { status?: number } = {},
): Promise<FakePrometheus> {
  const requests: FakePrometheus['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const params = new URLSearchParams(body || url.search);
      const query = params.get('query') ?? undefined;
      requests.push({ path: url.pathname, query, headers: req.headers });
      const key = url.pathname === '/api/v1/rules' ? 'rules' : (query ?? '');
      const answer = answers[key];
      res.setHeader('content-type', 'application/json');
      if (options.status) {
        res.statusCode = options.status;
        res.end(JSON.stringify({ status: 'error', errorType: 'internal', error: 'fake failure' }));
      } else if (answer === undefined) {
        res.statusCode = 400;
        res.end(
          JSON.stringify({
            status: 'error',
            errorType: 'bad_data',
            error: `no recorded answer for ${key}`,
          }),
        );
      } else {
        const recorded = answer as { httpStatus?: number };
        res.statusCode = recorded.httpStatus ?? 200;
        res.end(JSON.stringify(answer));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

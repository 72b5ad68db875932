import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';

// The gateway's hop to a service pool, as an ingress or an API gateway does
// it: the request streamed as it comes (uploads included), the answer
// streamed back with its status and headers. Connections are kept alive per
// pool; the services recycle them (maxRequestsPerSocket) so new pods get a
// share, as they would behind a Kubernetes Service.

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade']);

function endToEnd(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const out: IncomingMessage['headers'] = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/** Forwards `req` to the pool on 127.0.0.1:`port`; resolves with the status sent to the client. */
export function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  service: string,
): Promise<number> {
  return new Promise((resolve) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        headers: endToEnd(req.headers),
        agent,
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        res.writeHead(status, endToEnd(answer.headers));
        answer.pipe(res);
        res.once('close', () => resolve(status));
        answer.once('error', () => res.destroy());
      },
    );
    upstream.once('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        resolve(res.statusCode);
        return;
      }
      const body = JSON.stringify({
        message: `Bad gateway: ${service} unavailable (${error.message})`,
      });
      res.writeHead(502, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      resolve(502);
    });
    // The client went away: so does the hop.
    req.once('aborted', () => upstream.destroy());
    req.pipe(upstream);
  });
}

// Performs VUs' HTTP exchanges on the main thread with undici: https,
// http.batch's parallel requests, and every request when the native addon
// is not built. One hop each: redirects, cookies and metrics are the VU's
// (engine/vu/http-client.ts). Phases come from undici's handler callbacks:
// blocked = dispatch → socket write (includes a new connection's set-up),
// sending = write → request sent, waiting = sent → response headers,
// receiving = headers → end of body. connecting/tls_handshaking are measured
// by the connector and charged to the next request written on that origin.
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { addHeader, classify, errorExchange } from './exchange.ts';
import type { Exchange, ExchangeRequest, Timings } from './protocol.ts';

const TEXT = new TextDecoder();

/**
 * The largest body a VU is handed, just under V8's longest string (~512 MiB
 * of text): past it a request fails on its own (k6 error 1000), instead of
 * a string that cannot be made taking the whole process down.
 */
export const MAX_BODY_BYTES = 512 * 1024 * 1024 - 64;

export class UndiciExchanger {
  private agent: Agent;
  private connectCost = new Map<string, { connecting: number; tls: number }>();

  constructor(opts: { insecureSkipTLSVerify?: boolean; noConnectionReuse?: boolean } = {}) {
    const base = buildConnector({ rejectUnauthorized: !opts.insecureSkipTLSVerify });
    const cost = this.connectCost;
    this.agent = new Agent({
      pipelining: opts.noConnectionReuse ? 0 : 1,
      connect(options, callback) {
        const t0 = performance.now();
        base(options, (err, socket) => {
          if (!err) {
            const dt = performance.now() - t0;
            const key = `${options.protocol}//${options.hostname}:${options.port}`;
            const c = cost.get(key) ?? { connecting: 0, tls: 0 };
            if (options.protocol === 'https:') c.tls += dt;
            else c.connecting += dt;
            cost.set(key, c);
          }
          // undici's connector callback types are stricter than its behaviour.
          (callback as (e: Error | null, s: unknown) => void)(err, socket);
        });
      },
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** One hop; never rejects: failures come back as k6 errors with status 0. */
  exchange(req: ExchangeRequest): Promise<Exchange> {
    let target: URL;
    try {
      target = new URL(req.url);
    } catch {
      return Promise.resolve(errorExchange(`invalid URL '${req.url}'`, 1020));
    }
    const { method, headers, body } = req;
    const origin = target.origin;
    const path = target.pathname + target.search;
    const bodyBytes =
      body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    let sent = method.length + path.length + 12 + bodyBytes;
    for (const k in headers) sent += k.length + headers[k]!.length + 4;
    return new Promise((resolve) => {
      const t0 = performance.now();
      let tConnect = t0;
      let tSent = t0;
      let tHeaders = t0;
      let status = 0;
      let statusText = '';
      let rawHeaders: Buffer[] = [];
      const chunks: Buffer[] = [];
      let kept = 0;
      let received = 0;
      let settled = false;
      let abort: ((e: Error) => void) | undefined;
      let costs = { connecting: 0, tls: 0 };
      const timer = setTimeout(() => abort?.(new Error('request timeout')), req.timeoutMs);
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const tEnd = performance.now();
        if (tHeaders === t0) tHeaders = tEnd;
        if (tSent === t0) tSent = Math.min(tConnect, tHeaders);
        const timings: Timings = {
          blocked: tConnect - t0,
          connecting: costs.connecting,
          tls_handshaking: costs.tls,
          sending: Math.max(0, tSent - tConnect),
          waiting: Math.max(0, tHeaders - tSent),
          receiving: Math.max(0, tEnd - tHeaders),
          duration: Math.max(0, tEnd - tConnect),
        };
        const hdrs: Record<string, string> = {};
        const setCookies: string[] = [];
        for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
          const name = rawHeaders[i]!.toString('latin1');
          const value = rawHeaders[i + 1]!.toString('latin1');
          received += name.length + value.length + 4;
          addHeader(hdrs, setCookies, name, value);
        }
        const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        received += buf.length + (status ? 15 + statusText.length : 0);
        let responseBody: string | ArrayBuffer | null = null;
        try {
          if (req.responseType === 'text') responseBody = TEXT.decode(buf);
          else if (req.responseType === 'binary')
            responseBody = buf.buffer.slice(
              buf.byteOffset,
              buf.byteOffset + buf.byteLength,
            ) as ArrayBuffer;
        } catch (e) {
          // Thrown inside undici's callbacks, this would be an unhandled 'error' event.
          error ??= new Error(
            `response body of ${buf.length} bytes cannot be held: ${(e as Error).message}`,
          );
        }
        if (error) {
          const [text, code] = classify(error);
          resolve({
            ...errorExchange(text, code, status === 0 ? 0 : sent),
            timings,
            received,
          });
          return;
        }
        resolve({
          status,
          statusText,
          proto: 'HTTP/1.1',
          headers: hdrs,
          setCookies,
          body: responseBody,
          timings,
          sent,
          received,
          error: '',
          errorCode: status >= 400 ? 1000 + status : 0,
        });
      };
      const handler: Dispatcher.DispatchHandler = {
        onConnect(abortFn: (e: Error) => void) {
          abort = abortFn;
          tConnect = performance.now();
        },
        onRequestSent() {
          tSent = performance.now();
        },
        onHeaders(code: number, raw: Buffer[], _resume: () => void, text: string) {
          if (tConnect === t0) tConnect = performance.now();
          tHeaders = performance.now();
          status = code;
          statusText = text;
          rawHeaders = raw;
          return true;
        },
        onData(chunk: Buffer) {
          if (req.responseType === 'none') {
            received += chunk.length;
            return true;
          }
          kept += chunk.length;
          if (kept > MAX_BODY_BYTES) {
            // Stop reading: the request fails, the process and the other VUs go on.
            chunks.length = 0;
            abort?.(
              new Error(
                `response body larger than ${MAX_BODY_BYTES} bytes, not kept (use responseType: 'none' to only count it)`,
              ),
            );
            return false;
          }
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          finish();
        },
        onError(err: Error) {
          finish(err);
        },
      } as Dispatcher.DispatchHandler;
      const key = `${target.protocol}//${target.hostname}:${target.port || (target.protocol === 'https:' ? 443 : 80)}`;
      const origConnect = handler.onConnect!.bind(handler);
      handler.onConnect = (a: (e?: Error) => void) => {
        origConnect(a);
        const c = this.connectCost.get(key);
        if (c) {
          costs = c;
          this.connectCost.delete(key);
        }
      };
      try {
        this.agent.dispatch({ origin, path, method, headers, body: body ?? undefined }, handler);
      } catch (e) {
        finish(e as Error);
      }
    });
  }
}

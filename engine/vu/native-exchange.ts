// HTTP in the VU's own thread, through the native addon (native/http1.c):
// the VU writes on its own keep-alive connections and blocks in read(), as
// a k6 VU does; no hand-off to the main thread. Plain http:// only.
import { createRequire } from 'node:module';
import { addHeader, classify, errorExchange } from '../exchange.ts';
import type { Exchange, ExchangeRequest } from '../protocol.ts';

type Addon = {
  connect(host: string, port: number, timeoutMs: number): number;
  /** [status, head, body, bytesReceived, keepAlive, sentMs, firstByteMs, endMs] */
  exchange(
    fd: number,
    request: Uint8Array,
    isHead: boolean,
    timeoutMs: number,
    bodyMode: 0 | 1 | 2,
  ): [number, string, string | ArrayBuffer | undefined, number, boolean, number, number, number];
  close(fd: number): void;
  watch(ctrl: Int32Array, stopIndex: number, counters: Int32Array, abortedIndex: number): void;
};

/** Errors after which a request on a reused connection is sent again on a new one. */
const STALE = new Set(['ECLOSED', 'ECONNRESET', 'EPIPE']);
const BODY_MODE = { none: 0, text: 1, binary: 2 } as const;
const ILLEGAL = /[\r\n\0]/;

export class NativeExchanger {
  /** Idle keep-alive connections by "host:port". */
  private idle = new Map<string, number[]>();

  private constructor(
    private addon: Addon,
    private reuse: boolean,
  ) {}

  /** Loads the addon; the VU's stop flags let a hard stop interrupt a request in flight. */
  static load(
    path: string,
    stop: { ctrl: Int32Array; stopIndex: number; counters: Int32Array; abortedIndex: number },
    reuse: boolean,
  ): NativeExchanger {
    const addon = createRequire(path)(path) as Addon;
    addon.watch(stop.ctrl, stop.stopIndex, stop.counters, stop.abortedIndex);
    return new NativeExchanger(addon, reuse);
  }

  /** One hop. Throws only when interrupted (code EINTERRUPTED); failures are k6 errors. */
  exchange(req: ExchangeRequest, target: URL): Exchange {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || 80);
    const key = `${host}:${port}`;
    const wire = serialize(req, target);
    if (typeof wire === 'string') return errorExchange(wire, 1000);
    const t0 = performance.now();
    for (let attempt = 0; ; attempt++) {
      const pooled = attempt === 0 ? this.idle.get(key)?.pop() : undefined;
      let fd = pooled ?? -1;
      let connecting = 0;
      if (fd < 0) {
        const tc = performance.now();
        try {
          fd = this.addon.connect(host, port, req.timeoutMs);
        } catch (e) {
          return fail(e as Error, 0);
        }
        connecting = performance.now() - tc;
      }
      // k6's blocked: waiting for a connection; the connect itself is `connecting`.
      const spent = performance.now() - t0;
      const blocked = spent - connecting;
      let r: ReturnType<Addon['exchange']>;
      try {
        r = this.addon.exchange(
          fd,
          wire,
          req.method === 'HEAD',
          // One timeout covers the whole request, as in k6: connect included.
          Math.max(1, req.timeoutMs - spent),
          BODY_MODE[req.responseType],
        );
      } catch (e) {
        this.addon.close(fd);
        const code = (e as { code?: string }).code ?? '';
        if (pooled !== undefined && STALE.has(code)) continue;
        return fail(e as Error, code === 'ECLOSED' || code === 'EPROTO' ? wire.length : 0);
      }
      const [status, head, body, received, keepAlive, sentMs, firstByteMs, endMs] = r;
      if (keepAlive && this.reuse) {
        const list = this.idle.get(key);
        if (list) list.push(fd);
        else this.idle.set(key, [fd]);
      } else this.addon.close(fd);
      const headers: Record<string, string> = {};
      const setCookies: string[] = [];
      const lines = head.split('\r\n');
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i]!;
        const colon = line.indexOf(':');
        if (colon > 0)
          addHeader(headers, setCookies, line.slice(0, colon), line.slice(colon + 1).trim());
      }
      const statusLine = lines[0]!;
      return {
        status,
        statusText: statusLine.slice(13),
        proto: statusLine.slice(0, 8),
        headers,
        setCookies,
        body: body ?? null,
        timings: {
          blocked,
          connecting,
          tls_handshaking: 0,
          sending: sentMs,
          waiting: firstByteMs - sentMs,
          receiving: endMs - firstByteMs,
          duration: endMs,
        },
        sent: wire.length,
        received,
        error: '',
        errorCode: status >= 400 ? 1000 + status : 0,
      };
    }
  }

  close(): void {
    for (const fds of this.idle.values()) for (const fd of fds) this.addon.close(fd);
    this.idle.clear();
  }
}

function fail(error: Error, sent: number): Exchange {
  if ((error as { code?: string }).code === 'EINTERRUPTED') throw error;
  const [text, code] = classify(error);
  return errorExchange(text, code, sent);
}

/** The request as bytes on the wire, or why it cannot be sent. */
function serialize(req: ExchangeRequest, target: URL): Uint8Array | string {
  const body =
    req.body === null
      ? undefined
      : typeof req.body === 'string'
        ? Buffer.from(req.body, 'utf8')
        : req.body;
  let head = `${req.method} ${target.pathname}${target.search} HTTP/1.1\r\n`;
  let hasHost = false;
  for (const name in req.headers) {
    const value = req.headers[name]!;
    if (ILLEGAL.test(name) || ILLEGAL.test(value)) return `invalid header '${name}'`;
    const lower = name.toLowerCase();
    // Framing is ours to write: the body we send decides it.
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (lower === 'host') hasHost = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasHost) head += `Host: ${target.host}\r\n`;
  if (body) head += `Content-Length: ${body.byteLength}\r\n`;
  else if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH')
    head += 'Content-Length: 0\r\n';
  head += '\r\n';
  if (!body) return Buffer.from(head, 'latin1');
  const wire = Buffer.allocUnsafe(head.length + body.byteLength);
  wire.write(head, 0, 'latin1');
  wire.set(body, head.length);
  return wire;
}

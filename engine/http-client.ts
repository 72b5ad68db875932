import { Agent, buildConnector, type Dispatcher } from 'undici';
import type { Metric, Registry, Tags } from './metrics.ts';
import type { ExpectedStatus, HttpRequestSpec, HttpResponseData, Timings } from './protocol.ts';

/**
 * Performs the VUs' HTTP requests on the main thread with undici and emits
 * k6's http_* metrics. Phases come from undici's handler callbacks: blocked =
 * dispatch → socket write (includes a new connection's set-up), sending =
 * write → request sent, waiting = sent → response headers, receiving =
 * headers → end of body. connecting/tls_handshaking are measured by the
 * connector and charged to the next request written on that origin.
 */
type Cookie = { name: string; value: string; domain: string; path: string; expires: number };

const TEXT = new TextDecoder();

export class HttpClient {
  private agent: Agent;
  private jars = new Map<number, { iteration: number; cookies: Cookie[] }>();
  private connectCost = new Map<string, { connecting: number; tls: number }>();
  private m: Record<string, Metric>;

  constructor(
    private registry: Registry,
    opts: {
      insecureSkipTLSVerify?: boolean;
      noConnectionReuse?: boolean;
      noCookiesReset?: boolean;
    } = {},
  ) {
    const base = buildConnector({ rejectUnauthorized: !opts.insecureSkipTLSVerify });
    const cost = this.connectCost;
    this.noCookiesReset = opts.noCookiesReset === true;
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
    this.m = Object.fromEntries(
      [
        'http_reqs',
        'http_req_duration',
        'http_req_blocked',
        'http_req_connecting',
        'http_req_tls_handshaking',
        'http_req_sending',
        'http_req_waiting',
        'http_req_receiving',
        'http_req_failed',
        'data_sent',
        'data_received',
      ].map((n) => [n, registry.get(n)]),
    );
  }
  private noCookiesReset: boolean;

  async close(): Promise<void> {
    await this.agent.close();
  }

  perform(vuId: number, specs: HttpRequestSpec[]): Promise<HttpResponseData[]> {
    return Promise.all(specs.map((s) => this.one(vuId, s)));
  }

  private jar(vuId: number, iteration: number): Cookie[] {
    let jar = this.jars.get(vuId);
    if (!jar || (jar.iteration !== iteration && !this.noCookiesReset)) {
      jar = { iteration, cookies: [] };
      this.jars.set(vuId, jar);
    }
    return jar.cookies;
  }

  private async one(vuId: number, spec: HttpRequestSpec): Promise<HttpResponseData> {
    const jar = this.jar(vuId, spec.iteration);
    let url = spec.url;
    let method = spec.method;
    let body = spec.body;
    for (let hop = 0; ; hop++) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return errorResponse(url, `invalid URL '${url}'`, 1020);
      }
      let headers = spec.headers;
      const cookie = [
        ...(jar.length ? cookiesFor(jar, target).map((c) => `${c.name}=${c.value}`) : []),
        ...Object.entries(spec.cookies).map(([k, v]) => `${k}=${v}`),
      ].join('; ');
      if (cookie) headers = { ...headers, Cookie: cookie };
      const res = await this.exchange(target, method, headers, body, spec);
      storeCookies(jar, target, res.setCookies);
      this.record(spec, method, url, res);
      const location = res.data.headers.Location;
      if (res.data.status >= 300 && res.data.status < 400 && location && hop < spec.maxRedirects) {
        url = new URL(location, url).toString();
        if (
          res.data.status === 303 ||
          ((res.data.status === 301 || res.data.status === 302) && method === 'POST')
        ) {
          method = method === 'HEAD' ? 'HEAD' : 'GET';
          body = null;
        }
        continue;
      }
      return res.data;
    }
  }

  private exchange(
    target: URL,
    method: string,
    headers: Record<string, string>,
    body: string | Uint8Array | null,
    spec: HttpRequestSpec,
  ): Promise<{ data: HttpResponseData; setCookies: string[]; sent: number; received: number }> {
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
      let received = 0;
      let settled = false;
      let abort: ((e: Error) => void) | undefined;
      let costs = { connecting: 0, tls: 0 };
      const timer = setTimeout(() => abort?.(new Error('request timeout')), spec.timeoutMs);
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
          const name = canonical(rawHeaders[i]!.toString('latin1'));
          const value = rawHeaders[i + 1]!.toString('latin1');
          received += name.length + value.length + 4;
          if (name === 'Set-Cookie') setCookies.push(value);
          hdrs[name] = hdrs[name] === undefined ? value : `${hdrs[name]}, ${value}`;
        }
        const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        received += buf.length + (status ? 15 + statusText.length : 0);
        let responseBody: string | ArrayBuffer | null = null;
        if (spec.responseType === 'text') responseBody = TEXT.decode(buf);
        else if (spec.responseType === 'binary')
          responseBody = buf.buffer.slice(
            buf.byteOffset,
            buf.byteOffset + buf.byteLength,
          ) as ArrayBuffer;
        const [errText, errCode] = error
          ? classify(error)
          : status >= 400
            ? ['', 1000 + status]
            : ['', 0];
        resolve({
          data: {
            status: error ? 0 : status,
            status_text: status ? `${status} ${statusText}` : '',
            proto: status ? 'HTTP/1.1' : '',
            url: target.toString(),
            headers: hdrs,
            body: error ? null : responseBody,
            timings,
            error: errText,
            error_code: errCode,
            remote_ip: target.hostname.replace(/^\[|\]$/g, ''),
            remote_port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
            cookies: parseCookies(setCookies),
          },
          setCookies,
          sent: error && status === 0 ? 0 : sent,
          received,
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
          if (spec.responseType !== 'none') chunks.push(chunk);
          else received += chunk.length;
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

  private record(
    spec: HttpRequestSpec,
    method: string,
    url: string,
    res: { data: HttpResponseData; sent: number; received: number },
  ): void {
    const now = Date.now();
    const d = res.data;
    const tags: Tags = {
      ...spec.tags,
      method,
      url,
      name: spec.tags.name ?? url,
      status: String(d.status),
      proto: d.proto,
    };
    if (d.error_code) tags.error_code = String(d.error_code);
    const expected = spec.expected ? isExpected(d.status, spec.expected) : undefined;
    if (expected !== undefined) tags.expected_response = String(expected);
    const r = this.registry;
    const m = this.m;
    r.add(m.http_reqs!, 1, tags, now);
    r.add(m.http_req_duration!, d.timings.duration, tags, now);
    r.add(m.http_req_blocked!, d.timings.blocked, tags, now);
    r.add(m.http_req_connecting!, d.timings.connecting, tags, now);
    r.add(m.http_req_tls_handshaking!, d.timings.tls_handshaking, tags, now);
    r.add(m.http_req_sending!, d.timings.sending, tags, now);
    r.add(m.http_req_waiting!, d.timings.waiting, tags, now);
    r.add(m.http_req_receiving!, d.timings.receiving, tags, now);
    if (expected !== undefined) r.add(m.http_req_failed!, expected ? 0 : 1, tags, now);
    const dataTags: Tags = { ...spec.tags };
    delete dataTags.name;
    if (res.sent) r.add(m.data_sent!, res.sent, dataTags, now);
    if (res.received) r.add(m.data_received!, res.received, dataTags, now);
  }
}

function isExpected(status: number, expected: ExpectedStatus[]): boolean {
  return expected.some((e) =>
    typeof e === 'number' ? e === status : status >= e.min && status <= e.max,
  );
}

const canonicalNames = new Map<string, string>();

/** Go's canonical header form, as k6 shows response headers: content-type → Content-Type. */
function canonical(name: string): string {
  let c = canonicalNames.get(name);
  if (c === undefined) {
    c = name
      .toLowerCase()
      .replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
    // Header names repeat; the bound keeps hostile servers from growing it forever.
    if (canonicalNames.size < 10_000) canonicalNames.set(name, c);
  }
  return c;
}

/** k6's error codes for network failures (https://grafana.com/docs/k6/latest/javascript-api/error-codes/). */
export function classify(error: Error): [string, number] {
  const code = (error as { code?: string }).code ?? '';
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? '';
  const c = code || cause;
  if (
    error.message === 'request timeout' ||
    c === 'UND_ERR_HEADERS_TIMEOUT' ||
    c === 'UND_ERR_BODY_TIMEOUT'
  )
    return ['request timeout', 1050];
  if (c === 'ENOTFOUND') return [`lookup: no such host: ${error.message}`, 1101];
  if (c === 'EAI_AGAIN') return [`lookup failed: ${error.message}`, 1100];
  if (c === 'ECONNREFUSED') return [`dial: connection refused`, 1212];
  if (c === 'UND_ERR_CONNECT_TIMEOUT' || c === 'ETIMEDOUT') return ['dial: i/o timeout', 1211];
  if (c === 'ECONNRESET' || c === 'UND_ERR_SOCKET') return ['connection reset by peer', 1220];
  if (c === 'EPIPE') return ['write: broken pipe', 1201];
  if (c === 'ERR_TLS_CERT_ALTNAME_INVALID') return [`tls: ${error.message}`, 1311];
  if (
    c === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    c === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    c === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    c === 'DEPTH_ZERO_SELF_SIGNED_CERT'
  )
    return [`tls: certificate signed by unknown authority`, 1310];
  if (/^ERR_(SSL|TLS)_/.test(c)) return [`tls: ${error.message}`, 1300];
  return [error.message, 1000];
}

/** A response that never came: k6's shape with status 0, the error and its code. */
export function errorResponse(url: string, error: string, code: number): HttpResponseData {
  return {
    status: 0,
    status_text: '',
    proto: '',
    url,
    headers: {},
    body: null,
    timings: {
      blocked: 0,
      connecting: 0,
      tls_handshaking: 0,
      sending: 0,
      waiting: 0,
      receiving: 0,
      duration: 0,
    },
    error,
    error_code: code,
    remote_ip: '',
    remote_port: 0,
    cookies: {},
  };
}

function parseSetCookie(header: string, url: URL): Cookie | undefined {
  const [pair, ...attrs] = header.split(';');
  const eq = pair!.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie: Cookie = {
    name: pair!.slice(0, eq).trim(),
    value: pair!.slice(eq + 1).trim(),
    domain: url.hostname,
    path: '/',
    expires: Infinity,
  };
  for (const attr of attrs) {
    const [k, v = ''] = attr.split('=').map((s) => s.trim());
    const key = k!.toLowerCase();
    if (key === 'path' && v) cookie.path = v;
    else if (key === 'domain' && v) cookie.domain = v.replace(/^\./, '');
    else if (key === 'max-age') cookie.expires = Date.now() + Number(v) * 1000;
    else if (key === 'expires' && cookie.expires === Infinity) cookie.expires = Date.parse(v);
  }
  return cookie;
}

function storeCookies(jar: Cookie[], url: URL, headers: string[]): void {
  for (const h of headers) {
    const c = parseSetCookie(h, url);
    if (!c) continue;
    const i = jar.findIndex((x) => x.name === c.name && x.domain === c.domain && x.path === c.path);
    if (i >= 0) jar.splice(i, 1);
    if (c.expires > Date.now()) jar.push(c);
  }
}

function cookiesFor(jar: Cookie[], url: URL): Cookie[] {
  const now = Date.now();
  return jar.filter(
    (c) =>
      c.expires > now &&
      (url.hostname === c.domain || url.hostname.endsWith(`.${c.domain}`)) &&
      url.pathname.startsWith(c.path),
  );
}

function parseCookies(headers: string[]): Record<string, { name: string; value: string }[]> {
  const out: Record<string, { name: string; value: string }[]> = {};
  for (const h of headers) {
    const [pair] = h.split(';');
    const eq = pair!.indexOf('=');
    if (eq <= 0) continue;
    const name = pair!.slice(0, eq).trim();
    (out[name] ??= []).push({ name, value: pair!.slice(eq + 1).trim() });
  }
  return out;
}

// The `k6/http` module: builds request specs from k6's arguments, performs
// them (./http-client.ts) and wraps the answers in k6's Response.
import { parseDuration } from '../k6-duration.ts';
import { CookieJar, requestCookies } from './cookies.ts';
import {
  parseUrl,
  perform,
  performAsync,
  vuCookieJar,
  type ExpectedStatus,
  type HttpRequestSpec,
  type HttpResponseData,
} from './http-client.ts';
import { currentTags, vu } from './state.ts';
import { stringTags } from './k6.ts';
import { parseDocument } from './html-lazy.ts';
import type { Selection } from './html.ts';

type Params = {
  headers?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  timeout?: string | number;
  responseType?: 'text' | 'binary' | 'none';
  redirects?: number;
  cookies?: Record<string, unknown>;
  responseCallback?: ResponseCallback | null;
  jar?: CookieJar | null;
  auth?: string;
  compression?: string;
};
type ResponseCallback = { expected: ExpectedStatus[] };
type Body = string | ArrayBuffer | ArrayBufferView | Record<string, unknown> | null | undefined;

class FileData {
  constructor(
    readonly data: string | ArrayBuffer | ArrayBufferView,
    readonly filename: string,
    readonly content_type: string,
  ) {}
}

export function file(
  data: string | ArrayBuffer,
  filename?: string,
  contentType?: string,
): FileData {
  return new FileData(data, filename ?? `${Date.now()}`, contentType ?? 'application/octet-stream');
}

export function expectedStatuses(...statuses: ExpectedStatus[]): ResponseCallback {
  for (const s of statuses)
    if (!(
      typeof s === 'number' ||
      (typeof s === 'object' && typeof s.min === 'number' && typeof s.max === 'number')
    ))
      throw new Error('expectedStatuses takes status codes or {min, max} objects');
  return { expected: statuses };
}

let responseCallback: ResponseCallback | null = expectedStatuses({ min: 200, max: 399 });
export function setResponseCallback(cb: ResponseCallback | null): void {
  responseCallback = cb;
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function encodeBody(body: Body, headers: Record<string, string>): string | Uint8Array | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return bytes(body);
  const entries = Object.entries(body);
  if (entries.some(([, v]) => v instanceof FileData)) {
    const boundary = `----loadgate${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
    const parts: Uint8Array[] = [];
    for (const [name, value] of entries) {
      if (value instanceof FileData) {
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: ${value.content_type}\r\n\r\n`,
          ),
        );
        parts.push(bytes(value.data));
        parts.push(Buffer.from('\r\n'));
      } else
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(value)}\r\n`,
          ),
        );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    setDefault(headers, 'Content-Type', `multipart/form-data; boundary=${boundary}`);
    return Buffer.concat(parts);
  }
  setDefault(headers, 'Content-Type', 'application/x-www-form-urlencoded');
  return new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString();
}

function setDefault(headers: Record<string, string>, name: string, value: string): void {
  if (!Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase()))
    headers[name] = value;
}

type UrlArg = string | { url: string; name: string };

function buildSpec(
  method: string,
  urlArg: UrlArg,
  body: Body,
  params: Params | null | undefined,
): HttpRequestSpec {
  const p = params ?? {};
  let url = typeof urlArg === 'object' && urlArg ? urlArg.url : String(urlArg);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.headers ?? {}))
    if (v !== undefined && v !== null) headers[k] = String(v);
  // Only URLs with user info need their own URL object; an invalid one throws here.
  const parsed = url.includes('@') ? new URL(url) : void parseUrl(url);
  if (parsed && (parsed.username || parsed.password)) {
    setDefault(
      headers,
      'Authorization',
      `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`,
    );
    parsed.username = '';
    parsed.password = '';
    url = parsed.toString();
  }
  setDefault(
    headers,
    'User-Agent',
    typeof vu.options.userAgent === 'string'
      ? vu.options.userAgent
      : 'k6/0.49.0 (https://k6.io/) loadgate',
  );
  const urlName = typeof urlArg === 'object' && urlArg ? urlArg.name : undefined;
  // Most requests carry just the VU's tags: share that object (see currentTags).
  let tags = currentTags();
  if (p.tags || urlName) {
    const own = { ...tags, ...stringTags(p.tags) };
    if (urlName && !own.name) own.name = urlName;
    tags = own;
  }
  const callback = p.responseCallback !== undefined ? p.responseCallback : responseCallback;
  const discard = vu.options.discardResponseBodies === true;
  return {
    method: method.toUpperCase(),
    url,
    headers,
    body: encodeBody(body, headers),
    timeoutMs: p.timeout !== undefined ? parseDuration(p.timeout) : 60_000,
    maxRedirects:
      p.redirects ?? (typeof vu.options.maxRedirects === 'number' ? vu.options.maxRedirects : 10),
    responseType: p.responseType ?? (discard ? 'none' : 'text'),
    tags,
    expected: callback ? callback.expected : null,
    cookies: requestCookies(p.cookies),
    jar: requestJar(p.jar),
  };
}

function requestJar(jar: unknown): CookieJar | undefined {
  if (jar === undefined || jar === null) return undefined;
  if (jar instanceof CookieJar) return jar;
  throw new TypeError('params.jar must be a CookieJar: http.cookieJar() or new http.CookieJar()');
}

export { CookieJar };

/** The VU's jar: the one requests use unless params.jar says otherwise. */
export function cookieJar(): CookieJar {
  if (vu.inInit) throw new Error('http.cookieJar() is not available in the init context');
  return vuCookieJar();
}

export class Response {
  status!: number;
  status_text!: string;
  proto!: string;
  url!: string;
  headers!: Record<string, string>;
  body!: string | ArrayBuffer | null;
  timings!: HttpResponseData['timings'];
  error!: string;
  error_code!: number;
  remote_ip!: string;
  remote_port!: number;
  cookies!: HttpResponseData['cookies'];
  request: { method: string; url: string; headers: Record<string, string[]>; body: string };

  constructor(data: HttpResponseData, spec: HttpRequestSpec) {
    Object.assign(this, data);
    const headers: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(spec.headers)) headers[k] = [v];
    this.request = {
      method: spec.method,
      url: spec.url,
      headers,
      body: typeof spec.body === 'string' ? spec.body : '',
    };
  }

  json(selector?: string): unknown {
    if (typeof this.body !== 'string')
      throw new Error('the response has no text body to parse (responseType is binary or none)');
    let value: unknown;
    try {
      value = JSON.parse(this.body);
    } catch (e) {
      throw new Error(`cannot parse the response body as JSON: ${(e as Error).message}`);
    }
    if (!selector) return value;
    for (const part of selector.split('.')) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return value;
  }

  /** The body as a k6/html Selection (links resolve against the response URL); html(selector) = html().find(selector). */
  html(selector?: string): Selection {
    if (typeof this.body !== 'string' && !(this.body instanceof ArrayBuffer))
      throw new Error('the response has no body to parse as HTML (responseType is none)');
    const doc = parseDocument(this.body, this.url);
    return selector === undefined ? doc : doc.find(selector);
  }
}

function wrap(reqs: HttpRequestSpec[], answers = perform(reqs)): Response[] {
  return answers.map((a, i) => {
    const res = new Response(a, reqs[i]!);
    if (a.error && vu.options.throw === true) throw new Error(a.error);
    return res;
  });
}

export function request(
  method: string,
  url: UrlArg,
  body?: Body,
  params?: Params | null,
): Response {
  if (vu.inInit) throw new Error('making requests in the init context is not supported');
  return wrap([buildSpec(method, url, body, params)])[0]!;
}

/**
 * k6's http.asyncRequest: the VU goes on (its event loop runs) while the
 * request is under way, on the main thread's connections.
 */
export async function asyncRequest(
  method: string,
  url: UrlArg,
  body?: Body,
  params?: Params | null,
): Promise<Response> {
  if (vu.inInit) throw new Error('making requests in the init context is not supported');
  const specs = [buildSpec(method, url, body, params)];
  return wrap(specs, await performAsync(specs))[0]!;
}

type BatchItem =
  | UrlArg
  | [string, UrlArg, Body?, Params?]
  | { method?: string; url: UrlArg; body?: Body; params?: Params };

export function batch(
  items: BatchItem[] | Record<string, BatchItem>,
): Response[] | Record<string, Response> {
  if (vu.inInit) throw new Error('making requests in the init context is not supported');
  const keys = Object.keys(items);
  const specs = keys.map((k) => {
    const item = (items as Record<string, BatchItem>)[k]!;
    if (
      typeof item === 'string' ||
      (typeof item === 'object' &&
        !Array.isArray(item) &&
        'name' in item &&
        !('method' in item) &&
        !('params' in item) &&
        !('body' in item) &&
        Object.keys(item).length === 2)
    )
      return buildSpec('GET', item as UrlArg, null, null);
    if (Array.isArray(item)) return buildSpec(item[0], item[1], item[2], item[3]);
    const o = item as { method?: string; url: UrlArg; body?: Body; params?: Params };
    return buildSpec(o.method ?? 'GET', o.url, o.body, o.params);
  });
  const responses = wrap(specs);
  if (Array.isArray(items)) return responses;
  return Object.fromEntries(keys.map((k, i) => [k, responses[i]!]));
}

/** http.url`…${x}…`: the URL with a `name` tag that groups the dynamic parts. */
export function url(
  strings: TemplateStringsArray,
  ...values: unknown[]
): { url: string; name: string } {
  let full = '';
  let name = '';
  strings.forEach((s, i) => {
    full += s;
    name += s;
    if (i < values.length) {
      full += String(values[i]);
      name += '${}';
    }
  });
  return { url: full, name };
}

const http = {
  request,
  asyncRequest,
  get: (u: UrlArg, params?: Params) => request('GET', u, null, params),
  head: (u: UrlArg, params?: Params) => request('HEAD', u, null, params),
  post: (u: UrlArg, body?: Body, params?: Params) => request('POST', u, body, params),
  put: (u: UrlArg, body?: Body, params?: Params) => request('PUT', u, body, params),
  patch: (u: UrlArg, body?: Body, params?: Params) => request('PATCH', u, body, params),
  del: (u: UrlArg, body?: Body, params?: Params) => request('DELETE', u, body, params),
  options: (u: UrlArg, body?: Body, params?: Params) => request('OPTIONS', u, body, params),
  batch,
  file,
  url,
  expectedStatuses,
  setResponseCallback,
  cookieJar,
  CookieJar,
};
export const { get, head, post, put, patch, del, options } = http;
export default http;

// A VU's HTTP requests, k6-style: the cookie jar, redirects, and k6's http_*
// metrics, all in the VU's thread. Each hop goes through one of two
// transports: the native addon in this thread (a single http:// request),
// or undici on the main thread (https, http.batch's parallel requests,
// http.asyncRequest, or when the addon is not built).
import { errorExchange } from '../exchange.ts';
import type { Tags } from '../metrics.ts';
import { CTRL, GLOBAL, type Exchange, type ExchangeRequest, type Timings } from '../protocol.ts';
import {
  CookieJar,
  cookieHeader,
  responseCookies,
  storeSetCookies,
  type RequestCookie,
  type ResponseCookie,
} from './cookies.ts';
import { NativeExchanger } from './native-exchange.ts';
import {
  checkInterrupt,
  ctrl,
  emitTagged,
  flush,
  internTags,
  tagKey,
  globalCounters,
  nativeHttpPath,
  remoteExchange,
  remoteExchangeAsync,
  vu,
} from './state.ts';

export type ExpectedStatus = number | { min: number; max: number };

export type HttpRequestSpec = ExchangeRequest & {
  maxRedirects: number;
  /** VU tags + params.tags; method/url/status/… are added per hop. */
  tags: Readonly<Tags>;
  /** null: setResponseCallback(null), no http_req_failed sample. */
  expected: ExpectedStatus[] | null;
  /** params.cookies: sent with every hop, never stored. */
  cookies: RequestCookie[];
  /** params.jar; the VU's jar when undefined. */
  jar: CookieJar | undefined;
};

/** k6's Response fields. */
export type HttpResponseData = {
  status: number;
  status_text: string;
  proto: string;
  url: string;
  headers: Record<string, string>;
  body: string | ArrayBuffer | null;
  timings: Timings;
  error: string;
  error_code: number;
  remote_ip: string;
  remote_port: number;
  cookies: Record<string, ResponseCookie[]>;
};

type Hop = {
  spec: HttpRequestSpec;
  url: string;
  target: URL;
  method: string;
  body: ExchangeRequest['body'];
  hop: number;
};

let native: NativeExchanger | null | undefined;
function nativeExchanger(): NativeExchanger | null {
  if (native === undefined) {
    const path = nativeHttpPath();
    native = path
      ? NativeExchanger.load(
          path,
          { ctrl, stopIndex: CTRL.stop, counters: globalCounters, abortedIndex: GLOBAL.aborted },
          vu.options.noConnectionReuse !== true,
        )
      : null;
  }
  return native;
}

/** The jar of this VU (http.cookieJar()); a new one at each iteration, as in k6, unless noCookiesReset. */
let jar = new CookieJar();
let jarIteration = -1;
export function vuCookieJar(): CookieJar {
  if (jarIteration !== vu.iterationInInstance && vu.options.noCookiesReset !== true)
    jar = new CookieJar();
  jarIteration = vu.iterationInInstance;
  return jar;
}

const parsed = new Map<string, URL>();
/** new URL(), remembered: scripts request the same URLs again and again. Throws on an invalid one. */
export function parseUrl(url: string): URL {
  let u = parsed.get(url);
  if (!u) {
    u = new URL(url);
    if (parsed.size >= 1024) parsed.clear();
    parsed.set(url, u);
  }
  return u;
}

/** One round of exchanges: every request still under way, one hop each. */
type Round = { requests: ExchangeRequest[]; targets: URL[] };

/**
 * The requests' hops, round by round: it yields each round's exchanges and
 * takes their answers back (cookies, metrics, redirects in between), so the
 * blocking http.request() and the promise-based http.asyncRequest() share it.
 */
function* rounds(specs: HttpRequestSpec[]): Generator<Round, HttpResponseData[], Exchange[]> {
  const results: HttpResponseData[] = new Array(specs.length);
  let pending: { index: number; hop: Hop }[] = [];
  specs.forEach((spec, index) => {
    let target: URL;
    try {
      target = parseUrl(spec.url);
    } catch {
      results[index] = responseData(errorExchange(`invalid URL '${spec.url}'`, 1020), spec.url);
      return;
    }
    pending.push({
      index,
      hop: { spec, url: spec.url, target, method: spec.method, body: spec.body, hop: 0 },
    });
  });
  const vuJar = vuCookieJar();
  while (pending.length) {
    const answers = yield {
      requests: pending.map(({ hop }) => request(hop, hop.spec.jar ?? vuJar)),
      targets: pending.map(({ hop }) => hop.target),
    };
    const next: typeof pending = [];
    pending.forEach(({ index, hop }, i) => {
      const answer = answers[i]!;
      if (answer.setCookies.length)
        storeSetCookies(hop.spec.jar ?? vuJar, hop.target, answer.setCookies);
      record(hop, answer);
      const redirect = redirectOf(hop, answer);
      if (redirect) next.push({ index, hop: redirect });
      else results[index] = responseData(answer, hop.url, hop.target);
    });
    pending = next;
    flush();
  }
  return results;
}

/** Performs the requests (in parallel when several: http.batch), blocking, and records their metrics. */
export function perform(specs: HttpRequestSpec[]): HttpResponseData[] {
  checkInterrupt();
  const hops = rounds(specs);
  let step = hops.next();
  while (!step.done) step = hops.next(exchangeNow(step.value));
  return step.value;
}

/** The same without blocking the VU (http.asyncRequest): every hop goes through the main thread. */
export async function performAsync(specs: HttpRequestSpec[]): Promise<HttpResponseData[]> {
  checkInterrupt();
  const hops = rounds(specs);
  let step = hops.next();
  while (!step.done) step = hops.next(await remoteExchangeAsync(step.value.requests));
  return step.value;
}

/** A single http:// hop in this thread (native addon); anything else through the main thread. */
function exchangeNow(round: Round): Exchange[] {
  const transport =
    round.requests.length === 1 && round.targets[0]!.protocol === 'http:'
      ? nativeExchanger()
      : null;
  if (!transport) return remoteExchange(round.requests);
  try {
    return [transport.exchange(round.requests[0]!, round.targets[0]!)];
  } catch (e) {
    checkInterrupt(); // the addon was interrupted by a hard stop or test.abort()
    throw e;
  }
}

function request(hop: Hop, jar: CookieJar): ExchangeRequest {
  const { spec } = hop;
  const cookie = cookieHeader(jar, hop.target, spec.cookies);
  return {
    method: hop.method,
    url: hop.url,
    headers: cookie ? withCookies(spec.headers, cookie) : spec.headers,
    body: hop.body,
    timeoutMs: spec.timeoutMs,
    responseType: spec.responseType,
  };
}

/** The headers with the cookies added: after those of a Cookie header the script set, as Go does. */
function withCookies(headers: Record<string, string>, cookie: string): Record<string, string> {
  const own = Object.keys(headers).find((k) => k.toLowerCase() === 'cookie');
  return own
    ? { ...headers, [own]: headers[own] ? `${headers[own]}; ${cookie}` : cookie }
    : { ...headers, Cookie: cookie };
}

/** The next hop when the answer is a redirect to follow, as Go's client does. */
function redirectOf(hop: Hop, answer: Exchange): Hop | undefined {
  const location = answer.headers.Location;
  if (answer.status < 300 || answer.status >= 400 || !location || hop.hop >= hop.spec.maxRedirects)
    return undefined;
  let target: URL;
  try {
    target = new URL(location, hop.url);
  } catch {
    return undefined;
  }
  const rewrite =
    answer.status === 303 ||
    ((answer.status === 301 || answer.status === 302) && hop.method === 'POST');
  return {
    spec: hop.spec,
    url: target.toString(),
    target,
    method: rewrite ? (hop.method === 'HEAD' ? 'HEAD' : 'GET') : hop.method,
    body: rewrite ? null : hop.body,
    hop: hop.hop + 1,
  };
}

function responseData(answer: Exchange, url: string, target?: URL): HttpResponseData {
  return {
    status: answer.status,
    status_text: answer.status ? `${answer.status} ${answer.statusText}` : '',
    proto: answer.proto,
    url: target ? target.toString() : url,
    headers: answer.headers,
    body: answer.error ? null : answer.body,
    timings: answer.timings,
    error: answer.error,
    error_code: answer.errorCode,
    remote_ip: target && answer.status ? target.hostname.replace(/^\[|\]$/g, '') : '',
    remote_port:
      target && answer.status
        ? Number(target.port || (target.protocol === 'https:' ? 443 : 80))
        : 0,
    cookies: answer.setCookies.length ? responseCookies(answer.setCookies) : {},
  };
}

/** k6's http_* samples for one hop, all on one interned tag set. */
function record(hop: Hop, answer: Exchange): void {
  const now = Date.now();
  const { spec, method, url } = hop;
  const expected = spec.expected ? isExpected(answer.status, spec.expected) : undefined;
  // The key is built from the parts; the tag object only on a first sight.
  const base = tagKey(spec.tags);
  const id = internTags(
    `${base}\u0001${method}\u0001${url}\u0001${answer.status}\u0001${answer.proto}\u0001${answer.errorCode}\u0001${expected}`,
    () => {
      const tags: Tags = {
        ...spec.tags,
        method,
        url,
        name: spec.tags.name ?? url,
        status: String(answer.status),
        proto: answer.proto,
      };
      if (answer.errorCode) tags.error_code = String(answer.errorCode);
      if (expected !== undefined) tags.expected_response = String(expected);
      return tags;
    },
  );
  const t = answer.timings;
  emitTagged('http_reqs', 1, id, now);
  emitTagged('http_req_duration', t.duration, id, now);
  emitTagged('http_req_blocked', t.blocked, id, now);
  emitTagged('http_req_connecting', t.connecting, id, now);
  emitTagged('http_req_tls_handshaking', t.tls_handshaking, id, now);
  emitTagged('http_req_sending', t.sending, id, now);
  emitTagged('http_req_waiting', t.waiting, id, now);
  emitTagged('http_req_receiving', t.receiving, id, now);
  if (expected !== undefined) emitTagged('http_req_failed', expected ? 0 : 1, id, now);
  if (answer.sent || answer.received) {
    const dataId = internTags(`${base}\u0002data`, () => {
      const tags: Tags = { ...spec.tags };
      delete tags.name;
      return tags;
    });
    if (answer.sent) emitTagged('data_sent', answer.sent, dataId, now);
    if (answer.received) emitTagged('data_received', answer.received, dataId, now);
  }
}

function isExpected(status: number, expected: ExpectedStatus[]): boolean {
  return expected.some((e) =>
    typeof e === 'number' ? e === status : status >= e.min && status <= e.max,
  );
}

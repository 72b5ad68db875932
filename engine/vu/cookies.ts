// k6's cookies: the CookieJar of `k6/http` (http.cookieJar(), new
// http.CookieJar(), params.jar), request-scoped cookies (params.cookies) and
// Response.cookies. The jar follows RFC 6265 as k6's does (Go's
// net/http/cookiejar without a public suffix list): host-only and domain
// cookies, default paths and path matching, Secure only over https, Max-Age
// before Expires, longest path first.
import { isIP } from 'node:net';

/** A request-scoped cookie (params.cookies); `replace` hides the jar's cookies of that name. */
export type RequestCookie = { name: string; value: string; replace: boolean };

/**
 * A Response.cookies entry as k6 gives it: Go's http.Cookie parsed from the
 * Set-Cookie header (k6's HTTPCookie, its fields snake_case in JS). Absent
 * attributes keep Go's zero values, as in k6.
 */
export type ResponseCookie = {
  name: string;
  value: string;
  /** The Domain attribute as written ('' when absent). */
  domain: string;
  /** The Path attribute as written ('' when absent). */
  path: string;
  http_only: boolean;
  secure: boolean;
  /** Seconds; 0 without Max-Age, -1 for Max-Age=0 or below (Go's http.Cookie). */
  max_age: number;
  /** Milliseconds since the epoch; NO_EXPIRES without a (valid) Expires. */
  expires: number;
};

/**
 * k6's `expires` for a cookie without a valid Expires attribute: Go's zero
 * time.Time, whose UnixNano() overflows int64 (-6795364578871345152 ns),
 * divided by 10^6 as k6 does.
 */
export const NO_EXPIRES = -6795364578871;

/** CookieJar.set()'s options, as documented for k6. */
export type CookieOptions = {
  domain?: string;
  path?: string;
  /** RFC 1123 date, e.g. 'Mon, 02 Jan 2006 15:04:05 GMT'. */
  expires?: string;
  max_age?: number;
  secure?: boolean;
  http_only?: boolean;
};

/** A cookie to store, from a Set-Cookie header or CookieJar.set(). */
type SetCookie = {
  name: string;
  value: string;
  /** The Domain attribute ('' when absent). */
  domain: string;
  /** The Path attribute ('' when absent). */
  path: string;
  secure: boolean;
  httpOnly: boolean;
  maxAge?: number;
  expires?: number;
};

type Entry = {
  name: string;
  value: string;
  domain: string;
  /** No Domain attribute: sent to this very host only, not to its subdomains. */
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  /** Milliseconds since the epoch; Infinity for a session cookie. */
  expires: number;
  /** Creation order: equal paths are sent oldest first (RFC 6265 5.4). */
  created: number;
};

let created = 0;
let entriesOf: (jar: CookieJar) => Entry[];

export class CookieJar {
  // Private: scripts see only k6's four methods.
  readonly #entries: Entry[] = [];

  static {
    entriesOf = (jar) => jar.#entries;
  }

  /** The cookies the jar would send to url: name → values, longest path first. */
  cookiesForURL(url: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const c of matching(this.#entries, jarUrl(url))) (out[c.name] ??= []).push(c.value);
    return out;
  }

  /** Stores a cookie as if url had answered with a Set-Cookie header. */
  set(url: string, name: string, value: string, options?: CookieOptions | null): void {
    const o = options ?? {};
    let expires: number | undefined;
    if (o.expires !== undefined && o.expires !== null && o.expires !== '') {
      expires = Date.parse(String(o.expires));
      if (Number.isNaN(expires))
        throw new Error(
          `unable to parse "expires" date string "${String(o.expires)}" (expected RFC 1123, e.g. 'Mon, 02 Jan 2006 15:04:05 GMT')`,
        );
    }
    store(this.#entries, jarUrl(url), {
      name: String(name),
      value: String(value),
      domain: o.domain ? String(o.domain) : '',
      path: o.path ? String(o.path) : '',
      secure: Boolean(o.secure),
      httpOnly: Boolean(o.http_only),
      maxAge:
        o.max_age === undefined || o.max_age === null ? undefined : Math.trunc(Number(o.max_age)),
      expires,
    });
  }

  /** Deletes every cookie the jar would send to url. */
  clear(url: string): void {
    const doomed = new Set(matching(this.#entries, jarUrl(url)));
    removeWhere(this.#entries, (e) => doomed.has(e));
  }

  /** Deletes the cookies named name that the jar would send to url. */
  delete(url: string, name: string): void {
    const doomed = new Set(matching(this.#entries, jarUrl(url)));
    removeWhere(this.#entries, (e) => doomed.has(e) && e.name === String(name));
  }
}

/** Stores the Set-Cookie headers of a response from url. */
export function storeSetCookies(jar: CookieJar, url: URL, headers: readonly string[]): void {
  for (const h of headers) {
    const c = parseSetCookie(h);
    if (c) store(entriesOf(jar), url, c);
  }
}

/**
 * The cookie pairs of a request's Cookie header: the request's own cookies
 * first, then the jar's for url, but not those a replacing own cookie names.
 */
export function cookieHeader(jar: CookieJar, url: URL, own: readonly RequestCookie[]): string {
  const entries = entriesOf(jar);
  if (!entries.length && !own.length) return '';
  const pairs = own.map((c) => `${c.name}=${wireValue(c.value)}`);
  if (entries.length) {
    const replaced = own.some((c) => c.replace)
      ? new Set(own.filter((c) => c.replace).map((c) => c.name))
      : undefined;
    for (const c of matching(entries, url))
      if (!replaced?.has(c.name)) pairs.push(`${c.name}=${wireValue(c.value)}`);
  }
  return pairs.join('; ');
}

/** Response.cookies: name → the response's Set-Cookie cookies of that name. */
export function responseCookies(headers: readonly string[]): Record<string, ResponseCookie[]> {
  const out: Record<string, ResponseCookie[]> = {};
  for (const h of headers) {
    const c = parseSetCookie(h);
    if (!c) continue;
    (out[c.name] ??= []).push({
      name: c.name,
      value: c.value,
      domain: c.domain,
      path: c.path,
      http_only: c.httpOnly,
      secure: c.secure,
      max_age: c.maxAge === undefined ? 0 : c.maxAge <= 0 ? -1 : c.maxAge,
      expires: c.expires ?? NO_EXPIRES,
    });
  }
  return out;
}

/** params.cookies: `name: value` or `name: { value, replace }`. */
export function requestCookies(cookies: Record<string, unknown> | undefined): RequestCookie[] {
  const out: RequestCookie[] = [];
  if (!cookies) return out;
  for (const [name, v] of Object.entries(cookies)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'object') {
      const { value, replace } = v as { value?: unknown; replace?: unknown };
      out.push({
        name,
        value: value === undefined ? '' : String(value),
        replace: Boolean(replace),
      });
    } else out.push({ name, value: String(v), replace: false });
  }
  return out;
}

function jarUrl(url: string): URL {
  try {
    return new URL(String(url));
  } catch {
    throw new TypeError(`invalid URL '${String(url)}'`);
  }
}

function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/** The host as cookies see it: no port, no IPv6 brackets, no trailing dot, lower case. */
function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** RFC 6265 5.1.4: the directory of the request path. */
function defaultPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** RFC 6265 5.1.4: /api matches /api and /api/x, not /apiary. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  return (
    requestPath === cookiePath ||
    (requestPath.startsWith(cookiePath) &&
      (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'))
  );
}

/** RFC 6265 5.3 step 6: the domain a cookie is stored for, or undefined to reject it. */
function cookieDomain(
  attribute: string,
  host: string,
): { domain: string; hostOnly: boolean } | undefined {
  if (!attribute) return { domain: host, hostOnly: true };
  let domain = attribute.toLowerCase();
  // An IP address has no subdomains: only itself, as a host-only cookie.
  if (isIP(host)) return domain === host ? { domain, hostOnly: true } : undefined;
  if (domain.startsWith('.')) domain = domain.slice(1);
  if (!domain || domain.startsWith('.') || domain.endsWith('.')) return undefined;
  if (host !== domain && !host.endsWith(`.${domain}`)) return undefined; // another site's
  return { domain, hostOnly: false };
}

function store(entries: Entry[], url: URL, c: SetCookie): void {
  if (!isHttp(url) || !c.name) return;
  const at = cookieDomain(c.domain, hostOf(url));
  if (!at) return;
  const path = c.path.startsWith('/') ? c.path : defaultPath(url.pathname);
  const now = Date.now();
  const expires =
    c.maxAge !== undefined
      ? c.maxAge <= 0
        ? -Infinity
        : now + c.maxAge * 1000
      : (c.expires ?? Infinity);
  const i = entries.findIndex(
    (e) => e.name === c.name && e.domain === at.domain && e.path === path,
  );
  // A replaced cookie keeps its place in the order (RFC 6265 5.3 step 11).
  const order = i >= 0 ? entries[i]!.created : ++created;
  if (i >= 0) entries.splice(i, 1);
  if (expires <= now) return; // an expiry in the past deletes
  entries.push({
    name: c.name,
    value: c.value,
    domain: at.domain,
    hostOnly: at.hostOnly,
    path,
    secure: c.secure,
    httpOnly: c.httpOnly,
    expires,
    created: order,
  });
}

/** RFC 6265 5.4: the cookies to send to url, longest path first, then oldest first. */
function matching(entries: Entry[], url: URL): Entry[] {
  if (!entries.length || !isHttp(url)) return [];
  const now = Date.now();
  removeWhere(entries, (e) => e.expires <= now);
  const host = hostOf(url);
  const path = url.pathname || '/';
  const https = url.protocol === 'https:';
  return entries
    .filter(
      (e) =>
        (e.hostOnly ? host === e.domain : host === e.domain || host.endsWith(`.${e.domain}`)) &&
        pathMatches(path, e.path) &&
        (https || !e.secure),
    )
    .sort((a, b) => b.path.length - a.path.length || a.created - b.created);
}

function removeWhere(entries: Entry[], doomed: (e: Entry) => boolean): void {
  let kept = 0;
  for (const e of entries) if (!doomed(e)) entries[kept++] = e;
  entries.length = kept;
}

/** RFC 6265 4.1.1: DQUOTEs around a value are not part of it. */
function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}

/** Go's textproto.TrimString: ASCII whitespace only. */
const trim = (s: string) => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
/** RFC 2616 token characters: what Go accepts in a cookie name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Go's validCookieValueByte: printable ASCII but DQUOTE, semicolon and backslash. */
const COOKIE_VALUE = /^[\x20\x21\x23-\x3a\x3c-\x5b\x5d-\x7e]*$/;

/**
 * A Set-Cookie header as Go's http.ParseSetCookie (k6's parser) reads it:
 * undefined when Go drops the cookie (no `=`, a name that is not a token, a
 * value with a forbidden byte). An attribute Go cannot parse is ignored.
 */
function parseSetCookie(header: string): SetCookie | undefined {
  const parts = trim(header).split(';');
  const pair = trim(parts[0]!);
  const eq = pair.indexOf('=');
  if (eq < 0) return undefined;
  const name = trim(pair.slice(0, eq));
  const value = unquote(pair.slice(eq + 1));
  if (!TOKEN.test(name) || !COOKIE_VALUE.test(value)) return undefined;
  const c: SetCookie = { name, value, domain: '', path: '', secure: false, httpOnly: false };
  for (let i = 1; i < parts.length; i++) {
    const attr = trim(parts[i]!);
    if (!attr) continue;
    const e = attr.indexOf('=');
    const key = (e < 0 ? attr : attr.slice(0, e)).toLowerCase();
    const val = e < 0 ? '' : attr.slice(e + 1);
    if (!COOKIE_VALUE.test(val)) continue;
    if (key === 'domain') c.domain = val;
    else if (key === 'path') c.path = val;
    else if (key === 'max-age') {
      // Go's strconv.Atoi, and no leading zero on a non-zero number.
      if (/^[+-]?\d+$/.test(val) && !(Number(val) !== 0 && val.startsWith('0')))
        c.maxAge = Number(val);
    } else if (key === 'expires') c.expires = goCookieTime(val);
    else if (key === 'secure') c.secure = true;
    else if (key === 'httponly') c.httpOnly = true;
  }
  return c;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const EXPIRES =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2})([ -])(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\2(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))? (?:[A-Z]{3,5}|ChST|MeST)$/;

/**
 * An Expires value in ms, read as Go reads it: RFC 1123 (`Mon, 02 Jan 2006
 * 15:04:05 MST`) or `Mon, 02-Jan-2006 15:04:05 MST`, a zone abbreviation
 * counting as UTC; anything else is no Expires at all (undefined).
 */
function goCookieTime(value: string): number | undefined {
  const m = EXPIRES.exec(value);
  if (!m) return undefined;
  const [day, year, hour, minute, second] = [m[1], m[4], m[5], m[6], m[7]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const month = MONTHS.indexOf(m[3]!);
  const at = new Date(0);
  at.setUTCFullYear(year, month, day);
  at.setUTCHours(hour, minute, second, 0);
  // Go refuses out-of-range fields (31 Feb, 24:00) rather than rolling them over.
  if (at.getUTCDate() !== day || at.getUTCHours() !== hour || second > 59) return undefined;
  if (minute > 59) return undefined;
  // UnixNano() / 10^6: a fraction of a second is truncated to the millisecond.
  return at.getTime() + Number((m[8] ?? '').padEnd(3, '0').slice(0, 3));
}

/**
 * A value as it goes into the Cookie header, as k6 (Go) writes it: bytes
 * that would break the header are dropped, and a value with a space or a
 * comma is quoted.
 */
function wireValue(value: string): string {
  if (/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/.test(value)) return value;
  const clean = value.replace(/[^\x20-\x7e]|["\\;]/g, '');
  return /[ ,]/.test(clean) ? `"${clean}"` : clean;
}

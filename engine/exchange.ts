// What both HTTP transports share (undici on the main thread, the native
// addon in VU threads): k6's error codes, header names as k6 shows them,
// and the shape of a response that never came.
import type { Exchange } from './protocol.ts';

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

/** A hop that got no response: status 0, the error and its k6 code. */
export function errorExchange(error: string, code: number, sent = 0): Exchange {
  return {
    status: 0,
    statusText: '',
    proto: '',
    headers: {},
    setCookies: [],
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
    sent,
    received: 0,
    error,
    errorCode: code,
  };
}

const canonicalNames = new Map<string, string>();

/** Go's canonical header form, as k6 shows response headers: content-type → Content-Type. */
export function canonical(name: string): string {
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

/** Adds one response header the way k6 shows them; Set-Cookie values are also kept apart. */
export function addHeader(
  headers: Record<string, string>,
  setCookies: string[],
  rawName: string,
  value: string,
): void {
  const name = canonical(rawName);
  if (name === 'Set-Cookie') setCookies.push(value);
  headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
}

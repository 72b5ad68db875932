import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Params } from './router.ts';

/** Field errors as in the API contract: `{ field: ["msg", …] }`. */
export type FieldErrors = Record<string, string[]>;

/** A response a handler wants sent; `json` is a pre-serialised body (hot-path caches). */
export interface Reply {
  status: number;
  body?: unknown;
  json?: string;
  headers?: Record<string, string>;
}

/** Thrown by handlers for every 4xx; the app turns it into `{message, errors?}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Everything a handler knows about the request being served. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  params: Params;
  /** Raw query string, without `?` (parsed only by the handlers that need it). */
  query: string;
  /** Set by the app for routes that require a bearer token. */
  userId: number;
}

export const MAX_JSON_BYTES = 1024 * 1024;

/** The request body must be JSON: 415 otherwise, 413 above 1 MB, 400 when malformed. */
export async function readJson(req: IncomingMessage, limit = MAX_JSON_BYTES): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new HttpError(415, 'Content-Type must be application/json');
  }
  const text = await readBody(req, limit);
  if (text.length === 0) throw new HttpError(400, 'Request body is empty');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Malformed JSON body');
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering at once; the app answers 413 (see cutUnreadBody).
        req.off('data', onData);
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    req.once('error', reject);
  });
}

/** Time a client gets to read our early answer before its connection is cut. */
const UNREAD_BODY_GRACE_MS = 2_000;

/**
 * After answering a request whose body we stopped reading (413, 415, …): the
 * rest is never read. No `Connection: close`: clients that are still sending
 * (undici, curl) would get EPIPE instead of our answer. Node drains small
 * bodies it never handed out by itself; whatever is still incomplete after a
 * short grace has its socket cut, so a 1 GB upload costs neither memory nor
 * a minute of reading.
 */
export function cutUnreadBody(req: IncomingMessage): void {
  setTimeout(() => {
    if (!req.complete) req.socket.destroy();
  }, UNREAD_BODY_GRACE_MS).unref();
}

export function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body larger than ${limit} bytes`);
}

/** Validate with zod; failures are the contract's 422 with one list of messages per field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    (errors[field] ??= []).push(issue.message);
  }
  throw new HttpError(422, 'The given data was invalid.', errors);
}

export function unprocessable(field: string, message: string): HttpError {
  return new HttpError(422, 'The given data was invalid.', { [field]: [message] });
}

export function notFound(what = 'Resource'): HttpError {
  return new HttpError(404, `${what} not found`);
}

/** Path ids are positive integers; anything else cannot name a resource (404). */
export function idParam(ctx: Ctx, name: string, what: string): number {
  const raw = ctx.params[name] ?? '';
  const id = raw.length <= 15 && /^[1-9]\d*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw notFound(what);
  return id;
}

export function data(body: unknown, status = 200): Reply {
  return { status, body: { data: body } };
}

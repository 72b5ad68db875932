// Shim of `k6/http`: records each request and answers from state.respond.
import { state, type ShimRequest } from './state.ts';

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  responseCallback?: { expected: number[] };
}

export function expectedStatuses(...statuses: number[]): { expected: number[] } {
  return { expected: statuses };
}

export function file(data: unknown, filename?: string, contentType?: string) {
  return { data, filename, content_type: contentType };
}

export function request(method: string, url: string, body?: unknown, params: Params = {}) {
  const req: ShimRequest = {
    method,
    url,
    body,
    headers: params.headers ?? {},
    tags: params.tags ?? {},
    expected: params.responseCallback?.expected,
  };
  state.requests.push(req);
  const answer = state.respond(req);
  const text =
    answer.body === undefined
      ? null
      : typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body);
  return {
    status: answer.status,
    body: text,
    error: answer.error ?? '',
    headers: {},
    timings: { duration: 12.5 },
    request: req,
  };
}

const get = (url: string, params?: Params) => request('GET', url, null, params);
const post = (url: string, body?: unknown, params?: Params) => request('POST', url, body, params);
const patch = (url: string, body?: unknown, params?: Params) => request('PATCH', url, body, params);
const del = (url: string, body?: unknown, params?: Params) => request('DELETE', url, body, params);

export { get, post, patch, del };
export default { request, get, post, patch, del, file, expectedStatuses };

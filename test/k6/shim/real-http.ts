// A responder for the k6 shim that sends real HTTP requests, synchronously as
// k6 does: a worker thread runs fetch() while this thread waits on Atomics.
// Lets unit tests run lib/'s journeys against a real gateway (in another process).
import { Worker } from 'node:worker_threads';
import type { ShimRequest, ShimResponse } from './state.ts';

const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ req, sab }) => {
  const flag = new Int32Array(sab, 0, 2);
  let answer;
  try {
    let body = req.body;
    if (req.multipart) {
      body = new FormData();
      for (const [name, value] of req.multipart) {
        if (typeof value === 'string') body.append(name, value);
        else body.append(name, new Blob([value.data], { type: value.type }), value.filename);
      }
    }
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: body ?? undefined });
    answer = { status: res.status, body: await res.text() };
  } catch (error) {
    answer = { status: 0, error: String(error.cause ?? error) };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(answer));
  new Uint8Array(sab, 8).set(bytes.subarray(0, sab.byteLength - 8));
  flag[1] = bytes.length;
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export interface RealHttp {
  respond: (req: ShimRequest) => ShimResponse;
  close: () => Promise<number>;
}

export function realHttp(): RealHttp {
  const worker = new Worker(WORKER, { eval: true });
  worker.unref();
  return {
    respond(req) {
      const sab = new SharedArrayBuffer(8 + 4 * 1024 * 1024);
      const flag = new Int32Array(sab, 0, 2);
      let multipart: [string, unknown][] | undefined;
      let body = req.body;
      if (body && typeof body === 'object') {
        multipart = Object.entries(body as Record<string, unknown>).map(([name, value]) => {
          if (typeof value !== 'object' || value === null) return [name, String(value)];
          const file = value as { data: ArrayBuffer; filename: string; content_type: string };
          return [name, { data: file.data, filename: file.filename, type: file.content_type }];
        });
        body = undefined;
      }
      worker.postMessage({
        req: { method: req.method, url: req.url, headers: req.headers, body, multipart },
        sab,
      });
      if (Atomics.wait(flag, 0, 0, 30_000) === 'timed-out')
        return { status: 0, error: 'request timeout' };
      const text = new TextDecoder().decode(new Uint8Array(sab, 8, flag[1]).slice());
      return JSON.parse(text) as ShimResponse;
    },
    close: () => worker.terminate(),
  };
}

import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findK6 } from '../../engine/real-k6.ts';
import { checksByName, runForPoints } from './points.ts';
import { serve, type TestServer } from './server.ts';

/**
 * http.asyncRequest (conformance/async.js): the VU keeps going while its
 * requests are under way, so two of them can wait on the server together.
 */
let tmp: string;
let server: TestServer;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-async-'));
  let waiting: ServerResponse | undefined;
  server = await serve((req, res) => {
    if (req.url === '/pair') {
      req.resume();
      if (!waiting) {
        waiting = res;
        return;
      }
      waiting.end('paired');
      waiting = undefined;
      return res.end('paired');
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/' });
      return res.end();
    }
    if (req.url === '/cookie/set') {
      res.setHeader('set-cookie', 'session=abc; Path=/');
      return res.end('set');
    }
    if (req.url === '/cookie/echo') return res.end(req.headers.cookie ?? '');
    res.end('hello');
  });
});

afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

const names = ['two requests in flight at once', 'the POST too', 'redirect followed', 'cookie jar'];

for (const { engine, skip } of [
  { engine: 'builtin' as const, skip: false },
  { engine: 'k6' as const, skip: !findK6() },
]) {
  describe(`http.asyncRequest on ${engine === 'k6' ? 'real k6 (requires k6 on PATH)' : 'the built-in engine'}`, () => {
    it.skipIf(skip)('runs requests together, with redirects and the cookie jar', async () => {
      const r = await runForPoints(join(import.meta.dirname, 'conformance', 'async.js'), {
        engine,
        env: { BASE_URL: server.url },
        outDir: tmp,
      });
      expect(r.exitCode).toBe(0);
      const checks = checksByName(r.points);
      expect(Object.keys(checks).sort()).toEqual([...names].sort());
      for (const name of names) expect(checks[name], name).toEqual([1, 1]);
    });
  });
}

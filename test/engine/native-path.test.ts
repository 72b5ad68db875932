import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeAddon } from '../../engine/native-addon.ts';
import { runForPoints } from './points.ts';
import { serve, type TestServer } from './server.ts';

/**
 * The built-in engine's in-thread HTTP path (native/http1.c through
 * engine/vu/native-exchange.ts), seen from a k6 script: what a user would
 * notice if connection reuse, interruption or metric tagging went wrong.
 */
const native = nativeAddon();
let tmp: string;
let server: TestServer;
let base: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-native-path-'));
  server = await serve((req, res) => {
    if (req.url === '/hang') return; // never answers
    res.end(`ok ${req.url}`);
  });
  // Shorter than the script's pauses (Node closes about 1 s after it): the
  // server closes idle keep-alive connections under the VU, as real
  // gateways do (Node's default is 5 s).
  server.server.keepAliveTimeout = 100;
  base = server.url;
});

afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

async function run(name: string, source: string) {
  const script = join(tmp, `${name}.js`);
  await writeFile(script, source);
  return runForPoints(script, { env: { BASE_URL: base }, outDir: tmp });
}

describe.skipIf(!native.path)(
  `native HTTP path${native.path ? '' : ' (skipped: the addon is not built; run `npm run install`)'}`,
  () => {
    it('sends again on a new connection when the server closed the idle one', async () => {
      const r = await run(
        'stale',
        `import http from 'k6/http';
import { check, sleep } from 'k6';
export const options = { vus: 1, iterations: 1 };
export default function () {
  for (let i = 0; i < 2; i++) {
    check(http.get(__ENV.BASE_URL + '/a'), { ok: (res) => res.status === 200 && res.body === 'ok /a' });
    sleep(1.5);
  }
}
`,
      );
      expect(r.exitCode).toBe(0);
      const failed = r.points.filter((p) => p.metric === 'http_req_failed');
      expect(failed.map((p) => p.data.value)).toEqual([0, 0]);
      expect(r.points.filter((p) => p.metric === 'checks').map((p) => p.data.value)).toEqual([
        1, 1,
      ]);
    });

    it('interrupts a request in flight when gracefulStop runs out, instead of waiting for its timeout', async () => {
      const started = Date.now();
      const r = await run(
        'hang',
        `import http from 'k6/http';
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } },
};
export default function () {
  http.get(__ENV.BASE_URL + '/hang', { timeout: '120s' });
}
`,
      );
      expect(r.exitCode).toBe(0);
      // Not a performance figure: 120 s is the request timeout it must not wait for.
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(r.points.some((p) => p.metric === 'http_reqs')).toBe(false);
    });

    it('keeps every sample on its own tags past the per-VU tag-set limit', async () => {
      const n = 1300; // more than twice the 512 tag sets a VU keeps before it starts over
      const r = await run(
        'tags',
        `import http from 'k6/http';
export const options = { vus: 1, iterations: 1 };
export default function () {
  for (let i = 0; i < ${n}; i++) http.get(__ENV.BASE_URL + '/item/' + i, { tags: { i: String(i) } });
}
`,
      );
      expect(r.exitCode).toBe(0);
      const reqs = r.points.filter((p) => p.metric === 'http_reqs');
      expect(reqs).toHaveLength(n);
      for (const p of reqs) expect(p.data.tags.url).toBe(`${base}/item/${p.data.tags.i}`);
      expect(new Set(reqs.map((p) => p.data.tags.url)).size).toBe(n);
      expect(r.summary!.metrics.http_reqs!.values.count).toBe(n);
    });
  },
);

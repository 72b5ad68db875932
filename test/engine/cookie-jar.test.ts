import { mkdtemp, rm } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findK6 } from '../../engine/real-k6.ts';
import { checksByName, runForPoints } from './points.ts';
import { serve, type TestServer } from './server.ts';

/**
 * k6's cookie API (conformance/cookies.js) as a script sees it: the checks
 * it makes, each by name, must all be made and all pass, on the built-in
 * engine and, when it is installed, on real k6.
 */
let tmp: string;
let server: TestServer;
let base: string;

/**
 * /…/set?c=…: answers with each c as a Set-Cookie header; /redirect?to=…&c=…:
 * the same with a 302; anything else: the cookies received, as JSON pairs.
 */
const cookieServer: RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const set = url.searchParams.getAll('c');
  if (url.pathname === '/redirect') {
    res.writeHead(302, { location: url.searchParams.get('to') ?? '/', 'set-cookie': set });
    return res.end();
  }
  if (url.pathname.endsWith('/set')) {
    res.setHeader('set-cookie', set);
    return res.end('ok');
  }
  const cookies = (req.headers.cookie ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      const value = p.slice(eq + 1);
      // A quoted value (k6 quotes those with a space) means the value inside.
      return [p.slice(0, eq), /^".*"$/.test(value) ? value.slice(1, -1) : value];
    });
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ cookies }));
};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-cookies-'));
  server = await serve(cookieServer);
  base = server.url;
});

afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

/** Runs cookies.js; returns the exit code and each check's results, by name. */
async function run(engine: 'builtin' | 'k6', env: Record<string, string> = {}) {
  const r = await runForPoints(join(import.meta.dirname, 'conformance', 'cookies.js'), {
    engine,
    env: { BASE_URL: base, ...env },
    outDir: tmp,
  });
  return { exitCode: r.exitCode, checks: checksByName(r.points) };
}

/** The checks of the first iteration, which exercises the whole API. */
const firstIteration = [
  "Response.cookies: k6's field names, the attributes as the server wrote them",
  'Response.cookies: absent attributes have Go zero values',
  'Response.cookies: max_age in seconds, -1 for Max-Age=0, expires in ms',
  'Response.cookies: a Max-Age or Expires Go cannot parse is absent',
  'Set-Cookie lands in the VU jar',
  'without Path: the directory of the URL',
  'a path matches whole segments only',
  'Domain equal to the IP address: kept',
  'Domain of another site: refused',
  'the jar sends the cookies for the URL',
  'and not those of other paths',
  'Max-Age=0 and a past Expires delete',
  'a cookie set by a redirect goes to its target',
  'set(): sent with the next request',
  'delete(): no longer sent',
  'set() path option',
  'one name on two paths: both values, longest path first',
  'both sent, longest path first',
  'secure: https only',
  'domain option: the domain and its subdomains',
  'no domain option: that host only',
  'domain of another site: refused',
  'expires and max_age',
  'params.cookies: sent with the jar cookies',
  'params.cookies without replace: both values sent',
  'params.cookies: not stored',
  'replace: true overrides the jar cookie',
  'replace: false sends both',
  "a Cookie header of the script's own: sent with the jar cookies",
  'the jar cookie is left as it was',
  "params.jar: that jar's cookies instead of the VU jar's",
  'params.jar: Set-Cookie goes to that jar',
  "without params.jar: the VU jar's cookies",
  'http.batch: each request its own jar',
  'delete(): that cookie only',
  'clear(): every cookie for the URL',
];
const keptJar = "a script's own jar keeps its cookies";

/** Every expected check was made once and passed; no other check was made. */
function expectAllPassed(checks: Record<string, number[]>, names: string[]): void {
  expect(Object.keys(checks).sort()).toEqual([...names].sort());
  expect(Object.keys(checks).filter((n) => checks[n]!.join() !== '1')).toEqual([]);
}

const hasK6 = findK6() !== undefined;
for (const { engine, skip, label } of [
  { engine: 'builtin' as const, skip: false, label: 'built-in engine' },
  { engine: 'k6' as const, skip: !hasK6, label: 'real k6 (requires k6 on PATH)' },
]) {
  describe(`k6 cookie API: ${label}`, () => {
    it.skipIf(skip)(
      'makes every check of cookies.js, and each passes; the next iteration starts with an empty VU jar',
      async () => {
        const r = await run(engine);
        expectAllPassed(r.checks, [...firstIteration, 'the VU jar starts empty', keptJar]);
        expect(r.exitCode).toBe(0);
      },
    );

    it.skipIf(skip)('keeps the VU jar across iterations with noCookiesReset', async () => {
      const r = await run(engine, { NO_COOKIES_RESET: '1' });
      expectAllPassed(r.checks, [
        ...firstIteration,
        'noCookiesReset: the VU jar keeps its cookies',
        keptJar,
      ]);
      expect(r.exitCode).toBe(0);
    });

    it.skipIf(skip)('reports a wrong expectation as a failed check', async () => {
      const r = await run(engine, { WRONG: '1' });
      expect(r.checks['replace: true overrides the jar cookie']).toEqual([0]);
      const others = Object.entries(r.checks).filter(
        ([name]) => name !== 'replace: true overrides the jar cookie',
      );
      expect(others.length).toBe(firstIteration.length + 1);
      expect(others.every(([, values]) => values.every((v) => v === 1))).toBe(true);
      expect(r.exitCode).toBe(99); // thresholds: checks rate==1 crossed
    });
  });
}

describe('k6 cookie API: built-in engine, every request on the main thread', () => {
  it('passes the same checks with LOADGATE_NATIVE_HTTP=0 (undici builds no Cookie header of its own)', async () => {
    process.env.LOADGATE_NATIVE_HTTP = '0';
    try {
      const r = await run('builtin');
      expectAllPassed(r.checks, [...firstIteration, 'the VU jar starts empty', keptJar]);
      expect(r.exitCode).toBe(0);
    } finally {
      delete process.env.LOADGATE_NATIVE_HTTP;
    }
  });
});

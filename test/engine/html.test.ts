import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findK6 } from '../../engine/real-k6.ts';
import { checksByName, runForPoints } from './points.ts';
import { serve, type TestServer } from './server.ts';

/**
 * k6's HTML API (conformance/html.js: k6/html's parseHTML() and
 * Response.html()) as a script sees it: the checks it makes, each by name,
 * must all be made and all pass, on the built-in engine and, when it is
 * installed, on real k6.
 */
const conformance = join(import.meta.dirname, 'conformance');
let tmp: string;
let server: TestServer;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-html-'));
  const page = await readFile(join(conformance, 'page.html'), 'utf8');
  server = await serve((req, res) => {
    if (req.url === '/page') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      return res.end(page);
    }
    if (req.url === '/empty') return res.end('');
    res.statusCode = 404;
    res.end('not found');
  });
});

afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

/** Runs a script; returns the exit code and each check's results by name. */
async function run(script: string, engine: 'builtin' | 'k6', env: Record<string, string> = {}) {
  const r = await runForPoints(script, {
    engine,
    env: { BASE_URL: server.url, ...env },
    outDir: tmp,
  });
  return { exitCode: r.exitCode, checks: checksByName(r.points) };
}

const expected = [
  'Response.html(): the title',
  'Response.html(selector) is html().find(selector)',
  'parseHTML(res.body) equals res.html()',
  'parseHTML in the init context',
  'HTML5 parsing: a <tr> gets its <tbody>',
  'entities decoded in text()',
  'attr(name)',
  'attr of a missing attribute: undefined',
  'html(): the markup inside the first element',
  'text(): the text of every element',
  'size()',
  'an empty selection: size 0, text empty, attr undefined',
  'data(key): numbers, booleans, JSON',
  'data(): every data- attribute, camel-cased',
  'find(selector)',
  'children([selector])',
  'closest(selector)',
  'contents(): text nodes too',
  'parent() and parents()',
  'next(), prev(), nextAll(), prevAll()',
  'nextUntil(selector)',
  'eq(), first(), last()',
  'slice(start[, end])',
  'has(selector)',
  'is(selector)',
  'filter(selector) and filter(fn)',
  'not(selector)',
  'each(fn): index and Element',
  'map(fn): the values returned',
  'toArray(): a Selection per element',
  'get(index): an Element',
  'attributes: getAttribute, hasAttribute, className, classList',
  'id(), textContent(), innerHTML()',
  'children and siblings',
  'querySelector(), querySelectorAll()',
  'isSameNode()',
  'selection(): back to a Selection',
  'a link: its URL resolved against the response URL',
  'val(): input, checkbox without value, select, textarea',
  'serialize(): the documented example',
  'serialize(): the submittable fields, URL-encoded',
  'serializeArray(): name and value, in document order',
  'serializeObject(): name to value',
];
const wrongOne = 'val(): input, checkbox without value, select, textarea';

const hasK6 = findK6() !== undefined;
for (const { engine, skip, label } of [
  { engine: 'builtin' as const, skip: false, label: 'built-in engine' },
  { engine: 'k6' as const, skip: !hasK6, label: 'real k6 (requires k6 on PATH)' },
]) {
  describe(`k6 HTML API: ${label}`, () => {
    it.skipIf(skip)('makes every check of html.js once, and each passes', async () => {
      const r = await run(join(conformance, 'html.js'), engine);
      expect(Object.keys(r.checks).sort()).toEqual([...expected].sort());
      expect(Object.keys(r.checks).filter((n) => r.checks[n]!.join() !== '1')).toEqual([]);
      expect(r.exitCode).toBe(0);
    });

    it.skipIf(skip)('reports a wrong expectation as a failed check', async () => {
      const r = await run(join(conformance, 'html.js'), engine, { WRONG: '1' });
      expect(r.checks[wrongOne]).toEqual([0]);
      const others = Object.entries(r.checks).filter(([name]) => name !== wrongOne);
      expect(others.length).toBe(expected.length - 1);
      expect(others.every(([, values]) => values.join() === '1')).toBe(true);
      expect(r.exitCode).toBe(99); // thresholds: checks rate==1 crossed
    });
  });
}

describe('k6 HTML API: built-in engine specifics', () => {
  it('writes markup as k6 does: void elements closed, quotes escaped', async () => {
    const script = join(tmp, 'markup.js');
    await writeFile(
      script,
      `import { check } from 'k6';
import { parseHTML } from 'k6/html';
export const options = { iterations: 1 };
export default function () {
  const doc = parseHTML('<p id="p">a<br>b "c" it\\'s <img src="x.png" alt=\\'say "hi"\\'></p><pre>\\n\\nx</pre>');
  check(doc, {
    markup: (d) => d.find('#p').html() === 'a<br/>b &#34;c&#34; it&#39;s <img src="x.png" alt="say &#34;hi&#34;"/>',
    'pre keeps its leading newline': (d) => d.find('pre').html() === '\\nx' && d.find('pre').text() === '\\nx',
  });
}
`,
    );
    const r = await run(script, 'builtin');
    expect(r.checks).toEqual({ markup: [1], 'pre keeps its leading newline': [1] });
  });

  it('fails the iteration with a clear error for a selector it cannot parse, and for a body-less response', async () => {
    const script = join(tmp, 'errors.js');
    await writeFile(
      script,
      `import http from 'k6/http';
import { check } from 'k6';
import { parseHTML } from 'k6/html';
export const options = { iterations: 1 };
export default function () {
  let selector = '', body = '';
  try { parseHTML('<p></p>').find('p[');} catch (e) { selector = String(e); }
  try { http.get(__ENV.BASE_URL + '/empty', { responseType: 'none' }).html(); } catch (e) { body = String(e); }
  check(null, {
    'selector error names the selector': () => selector.includes("invalid or unsupported selector 'p['"),
    'no body: says so': () => body.includes('no body to parse as HTML'),
  });
}
`,
    );
    const r = await run(script, 'builtin');
    expect(r.checks).toEqual({
      'selector error names the selector': [1],
      'no body: says so': [1],
    });
  });
});

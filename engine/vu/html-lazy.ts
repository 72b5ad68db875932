// k6/html (./html.ts), evaluated by a VU the first time its script imports
// the module or calls Response.html(). engine/script.ts bundles it on its own
// and embeds it in the worker bundle as a string (brotli, base64): a VU that
// parses no HTML holds that string and nothing else of it (bundled like the
// rest, its classes and methods would cost every VU about half a megabyte).
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';
import type * as Zlib from 'node:zlib';
import type * as Html from './html.ts';

declare const LOADGATE_HTML_BUNDLE: string | undefined;

let html: typeof Html | undefined;
let moduleRecord: Record<string, unknown> | undefined;

function load(): typeof Html {
  if (!html) {
    if (typeof LOADGATE_HTML_BUNDLE !== 'string')
      throw new Error('k6/html is missing from the worker bundle (see engine/script.ts)');
    const require = createRequire(import.meta.url);
    // Required here, not imported: node:zlib too loads only where HTML is parsed.
    const zlib = require('node:zlib') as typeof Zlib;
    const code = zlib.brotliDecompressSync(Buffer.from(LOADGATE_HTML_BUNDLE, 'base64')).toString();
    const module: { exports: unknown } = { exports: {} };
    const fn = runInThisContext(`(function (exports, require, module) {${code}\n})`, {
      filename: 'loadgate:k6/html',
    }) as (e: unknown, r: NodeJS.Require, m: unknown) => void;
    fn(module.exports, require, module);
    html = module.exports as typeof Html;
  }
  return html;
}

/** The module as a script's require('k6/html') returns it. */
export function k6HtmlModule(): Record<string, unknown> {
  const h = load().default;
  moduleRecord ??= { __esModule: true, ...h, default: h };
  return moduleRecord;
}

/** Response.html()'s document: see ./html.ts. */
export function parseDocument(src: unknown, url: string): Html.Selection {
  return load().parseDocument(src, url);
}

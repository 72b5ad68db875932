// Turns a k6 script (ESM, imports of `k6/*` left external) into CommonJS a
// VU evaluates with its own `require`, and refuses, before any load, every
// import the engine does not implement.
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync } from 'node:zlib';

export const SUPPORTED_MODULES = [
  'k6',
  'k6/http',
  'k6/metrics',
  'k6/data',
  'k6/execution',
  'k6/encoding',
  'k6/html',
];
export const INSTALL_K6 =
  'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) and loadgate uses it automatically';

export class ScriptError extends Error {}

const externals: Plugin = {
  name: 'k6-externals',
  setup(b) {
    // k6 modules and remote (jslib) imports stay imports; the check below judges them.
    b.onResolve({ filter: /^(k6(\/.*)?|https?:\/\/.*)$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

export async function bundleScript(scriptPath: string): Promise<string> {
  let result;
  try {
    result = await build({
      entryPoints: [scriptPath],
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2020',
      write: false,
      metafile: true,
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [externals],
    });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] })
      .errors;
    const text = errors?.length
      ? errors
          .map((x) => `${x.location ? `${x.location.file}:${x.location.line}: ` : ''}${x.text}`)
          .join('\n')
      : (e as Error).message;
    throw new ScriptError(`cannot load ${scriptPath}:\n${text}`);
  }
  const unsupported = new Set<string>();
  for (const input of Object.values(result.metafile.inputs))
    for (const imp of input.imports)
      if (imp.external && !SUPPORTED_MODULES.includes(imp.path)) unsupported.add(imp.path);
  if (unsupported.size) {
    const list = [...unsupported];
    throw new ScriptError(
      `${list.map((m) => `'${m}'`).join(', ')} ${list.length > 1 ? 'are' : 'is'} not supported by the built-in engine (it implements ${SUPPORTED_MODULES.join(', ')}); ${INSTALL_K6}`,
    );
  }
  return result.outputFiles[0]!.text;
}

let workerCode: Promise<string> | undefined;

/**
 * esbuild's charset 'ascii' escapes strings and templates but leaves regular
 * expression literals as written (k6-duration.ts's `µs`); there `\uXXXX`
 * means the same character, and the whole source stays one byte per
 * character in every VU's heap.
 */
function asciiOnly(code: string): string {
  return code.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The VU worker, bundled once per process from engine/vu/worker.ts: workers
 * then start without a TypeScript loader (no tsx hooks per thread), which
 * keeps VU start-up fast and per-VU memory small.
 *
 * k6/html (engine/vu/html.ts) is bundled apart and embedded as a string that
 * a VU evaluates on first use (engine/vu/html-lazy.ts); its parser packages
 * stay external, loaded from node_modules by the VUs that parse HTML.
 */
export function workerSource(): Promise<string> {
  const vu = new URL('./vu/', import.meta.url);
  const bundle = (
    entry: string,
    define: Record<string, string>,
    minify: boolean | 'whitespace' = false,
  ) =>
    build({
      entryPoints: [fileURLToPath(new URL(entry, vu))],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      external: ['cheerio', 'cheerio/*', 'parse5', 'parse5-htmlparser2-tree-adapter', 'domhandler'],
      // createRequire(import.meta.url) then resolves from engine/vu/, as unbundled.
      define: { 'import.meta.url': JSON.stringify(new URL(entry, vu).href), ...define },
      charset: 'ascii',
      minifyWhitespace: minify !== false,
      minifySyntax: minify === true,
    }).then((r) => asciiOnly(r.outputFiles[0]!.text));
  // Minified and compressed: every VU holds that string (about 10 KB).
  // The worker itself loses only its whitespace and comments (names stay, for
  // the engine's own stack traces): one copy per VU, and one non-ASCII
  // character in a comment would double it (V8 keeps such source as UTF-16).
  workerCode ??= bundle('html.ts', {}, true).then((html) =>
    bundle(
      'worker.ts',
      { LOADGATE_HTML_BUNDLE: JSON.stringify(brotliCompressSync(html).toString('base64')) },
      'whitespace',
    ),
  );
  return workerCode;
}

import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * Turns a k6 script (ESM, imports of `k6/*` left external) into CommonJS a
 * VU evaluates with its own `require`, and refuses, before any load, every
 * import the engine does not implement.
 */
export const SUPPORTED_MODULES = [
  'k6',
  'k6/http',
  'k6/metrics',
  'k6/data',
  'k6/execution',
  'k6/encoding',
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
 * The VU worker, bundled once per process from engine/vu/worker.ts: workers
 * then start without a TypeScript loader (no tsx hooks per thread), which
 * keeps VU start-up fast and per-VU memory small.
 */
export function workerSource(): Promise<string> {
  workerCode ??= build({
    entryPoints: [fileURLToPath(new URL('./vu/worker.ts', import.meta.url))],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return workerCode;
}

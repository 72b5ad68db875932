// The pods' entry, bundled once per process: the agent (worker-agent.ts)
// then the gateway worker (gateway/worker.ts) in one ESM file that plain node
// runs. Under `--import tsx` each pod spent ~1 s of CPU on the loader and on
// transforming every module; the platform starts 20 pods at once, which on
// two cores made the quick start ~10 s longer. Bundled, a pod starts in ~0.3 s.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchDir } from './scratch.ts';

let bundle: Promise<string> | undefined;

/** The path of the bundled pod entry (built on first use, removed when this process exits). */
export function podEntry(): Promise<string> {
  bundle ??= buildPodEntry();
  return bundle;
}

async function buildPodEntry(): Promise<string> {
  const dir = await scratchDir('loadgate-platform-');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const result = await build({
    // The agent first: it must hold the worker's prom-client registry and its
    // signal handling before the gateway starts (as `--import` did).
    stdin: {
      contents: "import './worker-agent.ts';\nimport './gateway/worker.ts';\n",
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
      sourcefile: 'pod-entry.ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // Stack traces point at the TypeScript sources.
    sourcemap: 'inline',
    plugins: [
      {
        // Packages stay in node_modules, imported by absolute URL: the bundle lives
        // in $TMPDIR, away from any node_modules, and one copy of prom-client
        // (its global registry) serves both the agent and the worker.
        name: 'packages-by-absolute-url',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('node:')
              ? { path: args.path, external: true }
              : { path: import.meta.resolve(args.path), external: true },
          );
        },
      },
    ],
  });
  const file = join(dir, 'pod-entry.mjs');
  writeFileSync(file, result.outputFiles[0]!.contents);
  return file;
}

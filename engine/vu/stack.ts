// Error stacks as a script's author reads them: only the script's frames
// (the engine's and Node's mean nothing to a k6 user), each at its place in
// the sources the bundle was built from (lib/*.ts, scenarios/*.ts) when the
// bundle has a source map. engine/script.ts inlines one that esbuild chains
// to the bundle's own (k6-bundles/*.js.map), so a minified bundle's error
// points at the TypeScript line.
import { SourceMap } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

let cached: { code: string; map: SourceMap | undefined } | undefined;
function sourceMapOf(code: string): SourceMap | undefined {
  if (cached?.code !== code) {
    let map: SourceMap | undefined;
    const m = INLINE_MAP.exec(code);
    try {
      if (m) map = new SourceMap(JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')));
    } catch {
      map = undefined; // a broken map must not hide the error itself
    }
    cached = { code, map };
  }
  return cached.map;
}

function sourcePath(source: string): string {
  return source.startsWith('file://') ? fileURLToPath(source) : resolve(source);
}

/**
 * `stack` with only the script's frames, mapped through the source map.
 * `firstLineShift`: characters the engine put before the script on its
 * first line (its function wrapper).
 */
export function scriptStack(
  stack: string,
  script: { code: string; path: string; firstLineShift: number },
): string {
  const lines = stack.split('\n').filter((line) => !/node:internal|\[worker eval\]/.test(line));
  const map = sourceMapOf(script.code);
  if (!map) return lines.join('\n');
  const at = `${script.path}:`;
  return lines
    .map((line) => {
      const i = line.indexOf(at);
      if (i < 0) return line;
      const m = /^(\d+):(\d+)/.exec(line.slice(i + at.length));
      if (!m) return line;
      const row = Number(m[1]) - 1;
      const col = Number(m[2]) - 1 - (row === 0 ? script.firstLineShift : 0);
      const entry = map.findEntry(row, Math.max(0, col)) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (!entry.originalSource) return line;
      const place = `${sourcePath(entry.originalSource)}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
      return line.slice(0, i) + place + line.slice(i + at.length + m[0].length);
    })
    .join('\n');
}

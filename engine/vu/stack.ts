// Error stacks as a script's author reads them: only the script's frames
// (the engine's and Node's mean nothing to a k6 user), each at its place in
// the sources the bundle was built from (lib/*.ts, scenarios/*.ts) when the
// bundle has a source map. engine/script.ts inlines one that esbuild chains
// to the bundle's own (k6-bundles/*.js.map), so a minified bundle's error
// points at the TypeScript line.
//
// The map is most of a bundle (about 500 KB of the browse bundle's 560 KB):
// the main thread cuts it off once (splitSourceMap) and shares its bytes with
// every VU, which decodes it only when it has an error stack to map.
import { SourceMap } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const INLINE_MAP = /\n?\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/** The script without its inline source map, and the map's JSON as bytes every thread can read. */
export function splitSourceMap(code: string): { code: string; sourceMap?: SharedArrayBuffer } {
  const m = INLINE_MAP.exec(code);
  if (!m) return { code };
  const json = Buffer.from(m[1]!, 'base64');
  const sourceMap = new SharedArrayBuffer(json.byteLength);
  json.copy(new Uint8Array(sourceMap));
  return { code: code.slice(0, m.index), sourceMap };
}

const decoded = new WeakMap<SharedArrayBuffer, SourceMap | null>();
function decode(bytes: SharedArrayBuffer): SourceMap | undefined {
  let map = decoded.get(bytes);
  if (map === undefined) {
    try {
      // Copied out first: TextDecoder refuses a view of shared memory.
      const json = Buffer.from(new Uint8Array(bytes)).toString('utf8');
      map = new SourceMap(JSON.parse(json));
    } catch {
      map = null; // a broken map must not hide the error itself
    }
    decoded.set(bytes, map);
  }
  return map ?? undefined;
}

function sourcePath(source: string): string {
  return source.startsWith('file://') ? fileURLToPath(source) : resolve(source);
}

/** `stack` with only the script's frames, mapped through the script's source map (see splitSourceMap). */
export function scriptStack(
  stack: string,
  script: { path: string; sourceMap: SharedArrayBuffer | undefined },
): string {
  const lines = stack.split('\n').filter((line) => !/node:internal|\[worker eval\]/.test(line));
  const map = script.sourceMap && decode(script.sourceMap);
  if (!map) return lines.join('\n');
  const at = `${script.path}:`;
  return lines
    .map((line) => {
      const i = line.indexOf(at);
      if (i < 0) return line;
      const m = /^(\d+):(\d+)/.exec(line.slice(i + at.length));
      if (!m) return line;
      const entry = map.findEntry(Number(m[1]) - 1, Number(m[2]) - 1) as {
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

// Where the native HTTP addon (native/http1.c) is, if VUs may use it.
// `npm install` builds it with node-gyp; LOADGATE_NATIVE_HTTP=0 turns it
// off (every request then goes through the main thread's undici).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ADDON = fileURLToPath(new URL('../build/Release/http1.node', import.meta.url));

export function nativeAddon(env = process.env): { path?: string; warning?: string } {
  if (env.LOADGATE_NATIVE_HTTP === '0') return {};
  if (!existsSync(ADDON))
    return {
      warning: `the native HTTP addon is not built (${ADDON}): VUs hand every request to the main thread, which is several times slower. Build it with \`npm run install\` (needs make and g++).`,
    };
  try {
    createRequire(ADDON)(ADDON);
    return { path: ADDON };
  } catch (e) {
    return {
      warning: `the native HTTP addon does not load (${(e as Error).message}): VUs hand every request to the main thread. Rebuild it with \`npm run install\`.`,
    };
  }
}

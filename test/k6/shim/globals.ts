// k6's init-context globals for unit tests; each test sets what it needs.
import { vi } from 'vitest';

export function k6Globals(
  globals: {
    vu?: number;
    /** exec.vu.idInTest, when it is not __VU (a VU of a split test's later instance). */
    vuInTest?: number;
    iter?: number;
    env?: Record<string, string>;
    files?: Record<string, string>;
  } = {},
): void {
  vi.stubGlobal('__VU', globals.vu ?? 1);
  vi.stubGlobal('__ITER', globals.iter ?? 0);
  vi.stubGlobal('__VU_IN_TEST', globals.vuInTest);
  vi.stubGlobal('__ENV', globals.env ?? {});
  vi.stubGlobal('open', (path: string) => {
    const text = globals.files?.[path];
    if (text === undefined) throw new Error(`open(${path}): no such file`);
    return text;
  });
}

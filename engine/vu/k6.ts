// The `k6` module: check, group, sleep, fail, randomSeed.
import { blockFor, currentTags, emit, emitTagged, internTags, tagKey, vu } from './state.ts';

type Checks = Record<string, unknown>;

export function check(value: unknown, sets: Checks, tags?: Record<string, string>): boolean {
  let all = true;
  const base = tags ? { ...currentTags(), ...stringTags(tags) } : currentTags();
  const baseKey = tagKey(base);
  for (const [name, test] of Object.entries(sets)) {
    const ok = Boolean(
      typeof test === 'function' ? (test as (v: unknown) => unknown)(value) : test,
    );
    const id = internTags(`${baseKey}\u0003${name}`, () => ({ ...base, check: name }));
    emitTagged('checks', ok ? 1 : 0, id, Date.now());
    if (!ok) all = false;
  }
  return all;
}

export function group<T>(name: string, fn: () => T): T {
  if (name.includes('::')) throw new Error("group and check names may not contain '::'");
  if (vu.inInit) throw new Error('group() is not allowed in the init context');
  const parent = vu.group;
  vu.group = `${parent}::${name}`;
  const start = performance.now();
  try {
    return fn();
  } finally {
    emit('group_duration', performance.now() - start, currentTags());
    vu.group = parent;
  }
}

export function sleep(seconds: number): void {
  if (vu.inInit) throw new Error('sleep() is not allowed in the init context');
  blockFor(Number(seconds) * 1000);
}

export function fail(message?: string): never {
  throw new Error(message ?? 'fail() called');
}

/** Seeds Math.random for this VU (mulberry32, deterministic like k6's seeded source). */
export function randomSeed(seed: number): void {
  let a = Math.floor(Number(seed)) >>> 0;
  Math.random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function stringTags(tags: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (tags) for (const [k, v] of Object.entries(tags)) out[k] = String(v);
  return out;
}

export default { check, group, sleep, fail, randomSeed };

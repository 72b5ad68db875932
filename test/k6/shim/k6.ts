// Shim of the `k6` module for unit tests of lib/ (in the spirit of grafana/k6-jslib-testing).
import { state } from './state.ts';

export function check<T>(value: T, sets: Record<string, (v: T) => boolean>): boolean {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = Boolean(fn(value));
    state.checks.push({ name, ok, group: state.groups.join(' › ') });
    all &&= ok;
  }
  return all;
}

export function group<T>(name: string, fn: () => T): T {
  state.groups.push(name);
  try {
    return fn();
  } finally {
    state.groups.pop();
  }
}

export function sleep(seconds: number): void {
  state.sleeps.push(seconds);
}

export function fail(message?: string): never {
  throw new Error(message);
}

export default { check, group, sleep, fail };

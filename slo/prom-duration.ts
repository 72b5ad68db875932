// Durations are written the Prometheus way (`30s`, `5m`, `1h30m`, `500ms`) in
// specs and flags, and kept as strings in the parsed spec so the JSON Schema
// describes exactly what a user types. (engine/k6-duration.ts is k6's grammar.)
import { z } from 'zod';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION_RE = /^(?:\d+(?:ms|s|m|h|d|w))+$/;
const PART_RE = /(\d+)(ms|s|m|h|d|w)/g;

export const Duration = z
  .string()
  .regex(DURATION_RE, 'expected a duration such as 30s, 5m or 1h30m');

export function parseDuration(text: string): number {
  if (!DURATION_RE.test(text)) throw new Error(`'${text}' is not a duration (e.g. 30s, 5m, 1h30m)`);
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART_RE)) ms += Number(amount) * UNIT_MS[unit!]!;
  return ms;
}

/** The shortest Prometheus duration for a number of seconds, e.g. 5400 → `1h30m`. */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.round(seconds));
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

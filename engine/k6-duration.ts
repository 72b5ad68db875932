// k6 durations ("1m30s", "500ms"): the grammar of k6 options and of http timeouts.
// Not slo/duration.ts, which reads Prometheus durations.

/** A duration that is not in k6's grammar: wherever it came from, the input is wrong. */
export class DurationError extends Error {}

/** k6 durations: "1m30s", "500ms", "2h", "1.5s", or a number of milliseconds. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') return input;
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000; // k6: a bare string number is seconds
  let ms = 0;
  let rest = text;
  const unit = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|s|m|h|d)/;
  if (!rest) throw new DurationError(`invalid duration '${input}'`);
  while (rest) {
    const m = unit.exec(rest);
    if (!m) throw new DurationError(`invalid duration '${input}': expected e.g. 30s, 1m30s, 500ms`);
    const n = Number(m[1]);
    ms +=
      n *
      { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
        m[2]!
      ]!;
    rest = rest.slice(m[0].length);
  }
  return ms;
}

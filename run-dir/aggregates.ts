// aggregates.ndjson.gz: the client side of a run as per-second aggregates per
// journey and request name, instead of every sample (raw samples are opt-in:
// --raw-samples). Its size grows with the run's seconds and routes, not its
// requests. The built-in engine writes it (engine/outputs/aggregates.ts); the
// report reads it (report/timeline.ts). Gzipped NDJSON, one line per
// (second, journey, name) and one per second for VUs:
//   {"t":1764639424,"j":"browse","r":"GET /api/products","n":4,"f":1,"h":[[bin,count],…]}
//   {"t":1764639424,"vus":12}
// `t` is the epoch second; `n` requests; `f` failed requests; `h` the
// latency histogram: log-scale bins of BIN_BASE (ms), so p95 is within ~1 %.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';

/** Relative width of a latency bin: values in a bin differ by at most 2 %. */
export const BIN_BASE = 1.02;
const LOG_BASE = Math.log(BIN_BASE);

/** The bin of a latency in ms. */
export function latencyBin(ms: number): number {
  // ms ≤ 0 (clock granularity) lands in the lowest bin, index of 1 µs.
  return Math.floor(Math.log(Math.max(ms, 0.001)) / LOG_BASE);
}

/** A bin read back as a latency: its geometric middle, in ms. */
export function binMs(bin: number): number {
  return Math.pow(BIN_BASE, bin + 0.5);
}

export const AggregateLine = z.union([
  z.object({
    t: z.number().int(),
    j: z.string().optional(),
    r: z.string().optional(),
    n: z.number().min(0),
    f: z.number().min(0),
    h: z.array(z.tuple([z.number().int(), z.number().int().positive()])),
  }),
  z.object({ t: z.number().int(), vus: z.number().min(0) }),
]);
export type AggregateLine = z.infer<typeof AggregateLine>;

/** Streams the lines of an aggregates file; returns how many were unreadable (a run cut mid-write). */
export async function readAggregates(
  file: string,
  visit: (line: AggregateLine) => void,
): Promise<{ lines: number; badLines: number }> {
  const input = createReadStream(file).pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  let read = 0;
  let badLines = 0;
  try {
    for await (const text of lines) {
      if (!text.trim()) continue;
      let parsed;
      try {
        parsed = AggregateLine.safeParse(JSON.parse(text));
      } catch {
        badLines++;
        continue;
      }
      if (!parsed.success) {
        badLines++;
        continue;
      }
      read++;
      visit(parsed.data);
    }
  } catch {
    // A truncated gzip stream (an interrupted run): what was read stands.
    badLines++;
  }
  return { lines: read, badLines };
}

// `loadgate compare A B`: two runs side by side, for the whole run, each
// journey and each route: p50/p95/p99 latency, error ratio, throughput, the
// change, and whether the change is beyond noise. The test is a block
// bootstrap of the difference B − A (stats.ts): its standard error gives a
// Student-t interval (the error is estimated from few blocks), widened
// (Bonferroni) for the number of changes the report judges, so a report of a
// pair of equivalent runs stays clean however many routes it lists. A change
// is flagged only when that interval excludes 0 and the change is large
// enough to matter (`minChange`).
import { join } from 'node:path';
import { z } from 'zod';
import {
  readAggregateSamples,
  readRunSamples,
  type Group,
  type GroupKind,
  type RunSamples,
} from './read.ts';
import { bootstrap, quantiles, seededRandom, standardDeviation, studentQuantile } from './stats.ts';
import { RUN_FILES } from '../../run-dir/files.ts';
import { readJsonFile } from '../../run-dir/read.ts';
import { RunRecord } from '../../run-dir/record.ts';
import { InputError } from '../../core/errors.ts';
import { stat } from 'node:fs/promises';

export const CompareOptions = z.object({
  /** Length of a resampling block, shortened (down to 1 s) to give each run `minBlocks`. */
  blockMs: z.number().positive().default(5000),
  minBlocks: z.number().int().min(2).default(30),
  /** Latencies kept per group and run (a uniform sample beyond it). */
  reservoir: z.number().int().positive().default(10_000),
  resamples: z.number().int().min(50).default(500),
  seed: z.number().int().default(1),
  /** For the whole report: each interval is at confidence 1 − (1 − c)/m. */
  confidence: z.number().gt(0).lt(1).default(0.95),
  /** The smallest relative latency change flagged (0.05: 5 %). */
  minChange: z.number().min(0).default(0.05),
  /** The smallest error-ratio change flagged, in ratio points (0.001: 0.1 %). */
  minErrorChange: z.number().min(0).default(0.001),
  /** Fewer requests than this in either run (or a single block): not tested. */
  minRequests: z.number().int().min(2).default(30),
});
export type CompareOptions = z.infer<typeof CompareOptions>;

export type ChangeStatus = 'regression' | 'improvement' | 'noise' | 'untested';

export type Change = {
  a: number | null;
  b: number | null;
  /** (b − a) / a; null when a is 0 or either is unknown. */
  relative: number | null;
  /** The interval of b − a, when tested. */
  ci?: [number, number];
  status: ChangeStatus;
};

export type RowStatus = ChangeStatus | 'only in A' | 'only in B';

export type Row = {
  kind: GroupKind;
  name: string;
  requests: { a: number; b: number };
  p50: Change;
  p95: Change;
  p99: Change;
  errorRatio: Change;
  /** Requests per second over each run's length. */
  throughput: { a: number | null; b: number | null; relative: number | null };
  status: RowStatus;
};

export type RunSide = { dir: string; id: string; seconds: number; badLines: number };

export type Comparison = {
  a: RunSide;
  b: RunSide;
  rows: Row[];
  options: CompareOptions;
  /** The resampling block length used. */
  blockSeconds: number;
  /** The changes judged, and the confidence of each interval after Bonferroni. */
  tests: number;
  intervalConfidence: number;
};

const QS = [0.99, 0.95, 0.5] as const;

export async function compareRuns(
  dirA: string,
  dirB: string,
  input: Partial<CompareOptions> = {},
): Promise<Comparison> {
  const options = CompareOptions.parse(input);
  const read = { reservoir: options.reservoir };
  const [a, b] = await Promise.all([
    readSide(dirA, { ...read, seed: options.seed }),
    readSide(dirB, { ...read, seed: options.seed + 1 }),
  ]);
  const keys = [...new Set([...a.samples.groups.keys(), ...b.samples.groups.keys()])].sort(
    byRow(a.samples, b.samples),
  );
  const shortest = Math.min(a.side.seconds, b.side.seconds);
  const blockSeconds = Math.max(
    1,
    Math.min(Math.round(options.blockMs / 1000), Math.floor(shortest / options.minBlocks)),
  );
  const testable = (ga?: Group, gb?: Group) =>
    !!ga &&
    !!gb &&
    ga.count >= options.minRequests &&
    gb.count >= options.minRequests &&
    ga.seconds > 1 &&
    gb.seconds > 1;
  const tested = keys.filter((k) => testable(a.samples.groups.get(k), b.samples.groups.get(k)));
  const tests = tested.length * 4;
  const alpha = (1 - options.confidence) / Math.max(tests, 1);
  const random = seededRandom(options.seed);

  const rows = keys.map((key): Row => {
    const ga = a.samples.groups.get(key);
    const gb = b.samples.groups.get(key);
    const { kind, name } = (ga ?? gb)!;
    const qa = ga ? pointQuantiles(ga) : undefined;
    const qb = gb ? pointQuantiles(gb) : undefined;
    const ra = ga && ga.outcomes ? ga.failed / ga.outcomes : null;
    const rb = gb && gb.outcomes ? gb.failed / gb.outcomes : null;
    const changes = {
      p99: untested(qa?.[0] ?? null, qb?.[0] ?? null),
      p95: untested(qa?.[1] ?? null, qb?.[1] ?? null),
      p50: untested(qa?.[2] ?? null, qb?.[2] ?? null),
      errorRatio: untested(ra, rb),
    };
    if (ga && gb && tested.includes(key)) {
      const blocksA = ga.blocks(blockSeconds);
      const blocksB = gb.blocks(blockSeconds);
      // The standard error comes from this many blocks: t's degrees of freedom.
      const z = studentQuantile(1 - alpha / 2, Math.min(blocksA.length, blocksB.length) - 1);
      const ba = bootstrap(blocksA, QS, options.resamples, random);
      const bb = bootstrap(blocksB, QS, options.resamples, random);
      (['p99', 'p95', 'p50'] as const).forEach((q, i) => {
        const se = standardDeviation(ba.map((r, j) => bb[j]!.quantiles[i]! - r.quantiles[i]!));
        changes[q] = judge(
          changes[q],
          se,
          z,
          (c) => Math.abs(c.relative ?? 0) >= options.minChange,
        );
      });
      const errors = ba.flatMap((r, j) => {
        const x = r.errorRatio;
        const y = bb[j]!.errorRatio;
        return x === null || y === null ? [] : [y - x];
      });
      changes.errorRatio = judge(
        changes.errorRatio,
        standardDeviation(errors),
        z,
        (c) => Math.abs(c.b! - c.a!) >= options.minErrorChange,
      );
    }
    const all = [changes.p50, changes.p95, changes.p99, changes.errorRatio];
    const status: RowStatus = !ga
      ? 'only in B'
      : !gb
        ? 'only in A'
        : all.some((c) => c.status === 'regression')
          ? 'regression'
          : all.some((c) => c.status === 'improvement')
            ? 'improvement'
            : all.every((c) => c.status === 'untested')
              ? 'untested'
              : 'noise';
    const tput = (g: Group | undefined, side: RunSide) =>
      g && side.seconds > 0 ? g.count / side.seconds : null;
    const ta = tput(ga, a.side);
    const tb = tput(gb, b.side);
    return {
      kind,
      name,
      requests: { a: ga?.count ?? 0, b: gb?.count ?? 0 },
      ...changes,
      throughput: { a: ta, b: tb, relative: relative(ta, tb) },
      status,
    };
  });
  return {
    a: a.side,
    b: b.side,
    rows,
    options,
    blockSeconds,
    tests,
    intervalConfidence: 1 - alpha,
  };
}

/** A regression on any row, for --fail-on-regression. */
export function hasRegression(c: Comparison): boolean {
  return c.rows.some((r) => r.status === 'regression');
}

async function readSide(dir: string, read: { reservoir: number; seed: number }) {
  // Every sample when the run kept them, else the per-second aggregates.
  const names = [
    RUN_FILES.metrics,
    RUN_FILES.rawSamples,
    RUN_FILES.k6Samples,
    RUN_FILES.aggregates,
  ];
  let file: string | undefined;
  for (const name of names)
    if ((await stat(join(dir, name)).catch(() => undefined))?.isFile()) {
      file = join(dir, name);
      break;
    }
  if (!file)
    throw new InputError(
      `${dir} has no ${RUN_FILES.aggregates} (nor raw samples): nothing to compare`,
      'compare runs written by loadgate run, e.g. loadgate compare results/<id-a> results/<id-b>',
    );
  const samples = file.endsWith(RUN_FILES.aggregates)
    ? await readAggregateSamples(file, read)
    : await readRunSamples(file, read);
  const record = await readJsonFile(join(dir, RUN_FILES.record), RunRecord);
  const fromRecord =
    record && 'data' in record
      ? (Date.parse(record.data.endedAt) - Date.parse(record.data.startedAt)) / 1000
      : NaN;
  const fromPoints = (samples.last - samples.first) / 1000;
  const side: RunSide = {
    dir,
    id: record && 'data' in record ? record.data.id : dir,
    seconds: fromRecord > 0 ? fromRecord : fromPoints > 0 ? fromPoints : 0,
    badLines: samples.badLines,
  };
  return { samples, side };
}

/** The whole run first, then journeys, then routes, each by name. */
function byRow(a: RunSamples, b: RunSamples) {
  const order: Record<GroupKind, number> = { all: 0, journey: 1, route: 2 };
  const of = (k: string) => (a.groups.get(k) ?? b.groups.get(k))!;
  return (x: string, y: string) =>
    order[of(x).kind] - order[of(y).kind] || of(x).name.localeCompare(of(y).name);
}

function pointQuantiles(g: Group): number[] | undefined {
  const sample = g.sample();
  return sample.length ? quantiles(sample, sample.length, QS) : undefined;
}

function relative(a: number | null, b: number | null): number | null {
  return a === null || b === null || a === 0 ? null : (b - a) / a;
}

function untested(a: number | null, b: number | null): Change {
  return { a, b, relative: relative(a, b), status: 'untested' };
}

/** The interval b − a ± z·se, and what it says. */
function judge(c: Change, se: number, z: number, matters: (c: Change) => boolean): Change {
  if (c.a === null || c.b === null || !Number.isFinite(se)) return c;
  const diff = c.b - c.a;
  const ci: [number, number] = [diff - z * se, diff + z * se];
  const beyond = (ci[0] > 0 || ci[1] < 0) && matters(c);
  return { ...c, ci, status: !beyond ? 'noise' : diff > 0 ? 'regression' : 'improvement' };
}

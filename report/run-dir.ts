import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { K6Summary } from '../slo/k6-summary.ts';
import { RunRecord } from '../slo/run-record.ts';
import { Verdict } from '../slo/verdict.ts';
import { readTimelines, type Timelines } from './timeline.ts';
import { InputError } from '../core/errors.ts';
import { formatZodIssues } from '../core/zod-issues.ts';

/**
 * Everything the report shows, read from a run directory. Each input but
 * run.json may be missing (an interrupted run, a run without Prometheus):
 * what is absent is listed in `missing` so the page says so.
 */

type Group = {
  name: string;
  path: string;
  checks: { name: string; path: string; passes: number; fails: number }[];
  groups: Group[];
};

const Group: z.ZodType<Group> = z.lazy(() =>
  z.object({
    name: z.string(),
    path: z.string(),
    checks: z.array(
      z.object({ name: z.string(), path: z.string(), passes: z.number(), fails: z.number() }),
    ),
    groups: z.array(Group),
  }),
);

/** The checker's summary schema plus the checks tree and the run duration k6 measured. */
export const ReportSummary = K6Summary.extend({
  root_group: Group.optional(),
  state: z.object({ testRunDurationMs: z.number().optional() }).optional(),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export type RunData = {
  dir: string;
  run: RunRecord;
  /** By script name (`default` for a plain summary.json), sorted. */
  summaries: Map<string, ReportSummary>;
  verdict?: Verdict;
  timelines?: Timelines;
  missing: Missing;
};

/** One sentence per input that is absent or unreadable, shown where its section would be. */
export type Missing = { summary?: string; slo?: string; metrics?: string };

export async function readRunDir(dir: string): Promise<RunData> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory())
    throw new InputError(
      `${dir} is not a run directory`,
      'pass a directory written by loadgate run, e.g. loadgate report results/<run-id> (ls results/)',
    );
  const run = await readRequired(join(dir, 'run.json'), RunRecord);
  if (!run)
    throw new InputError(
      `${dir} has no run.json`,
      'pass a directory written by loadgate run, e.g. loadgate report results/<run-id> (ls results/)',
    );

  const missing: Missing = {};
  const summaries = new Map<string, ReportSummary>();
  for (const name of (await readdir(dir)).sort()) {
    const match = /^summary(?:-(.+))?\.json$/.exec(name);
    if (!match) continue;
    const summary = await readOptional(join(dir, name), ReportSummary, (why) => {
      missing.summary = `${name} is unreadable (${why}): thresholds, checks and key metrics of that script are unknown.`;
    });
    if (summary) summaries.set(match[1] ?? 'default', summary);
  }
  if (summaries.size === 0)
    missing.summary ??= run.interrupted
      ? 'No k6 summary: the run was interrupted before the engine wrote it, so thresholds, checks and key metrics are unknown.'
      : 'No k6 summary (summary.json): thresholds, checks and key metrics are unknown.';

  const verdict = await readOptional(join(dir, 'slo.json'), Verdict, (why) => {
    missing.slo = `slo.json is unreadable (${why}): the SLO verdict is unknown.`;
  });
  if (!verdict)
    missing.slo ??= run.prometheusUrl
      ? 'No SLO verdict: the SLO check did not run or did not finish for this run (slo.json absent).'
      : 'No SLO verdict: run without Prometheus (slo.json absent), so server-side objectives were not judged.';

  const metricsFile = join(dir, 'metrics.ndjson');
  const timelines = (await stat(metricsFile).catch(() => null))
    ? await readTimelines(metricsFile, Date.parse(run.startedAt))
    : undefined;
  if (!timelines) missing.metrics = 'No metrics.ndjson: the timelines cannot be drawn.';
  else if (timelines.points === 0)
    missing.metrics = 'metrics.ndjson holds no HTTP or VU points: the timelines are empty.';

  return { dir, run, summaries, verdict, timelines, missing };
}

/** A run's own files, validated; undefined when absent. */
async function readRequired<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return undefined;
  const parsed = parse(text, schema);
  if (typeof parsed === 'string') throw new InputError(`${file} is not a run record:\n${parsed}`);
  return parsed.data;
}

/**
 * A file the report can do without: absent or unreadable (a run cut
 * mid-write) gives undefined, and `unreadable` hears why.
 */
async function readOptional<T>(
  file: string,
  schema: z.ZodType<T>,
  unreadable: (why: string) => void,
): Promise<T | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = parse(text, schema);
  if (typeof parsed !== 'string') return parsed.data;
  unreadable(parsed.split('\n')[0]!);
  return undefined;
}

/** The data, or the problem as text. */
function parse<T>(text: string, schema: z.ZodType<T>): { data: T } | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { data: parsed.data } : formatZodIssues(parsed.error.issues);
}

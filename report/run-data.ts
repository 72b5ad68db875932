// Everything the report shows, gathered from a run directory through the
// run-dir readers. Each input but run.json may be missing (an interrupted run,
// a run without Prometheus): what is absent is listed in `missing` so the page
// says so instead of failing.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Verdict } from '../slo/verdict.ts';
import { readServerSeries, type ServerSeries } from './server-series.ts';
import { readAggregateTimelines, readTimelines, type Timelines } from './timeline.ts';
import { InputError } from '../core/errors.ts';
import { RUN_FILES } from '../run-dir/files.ts';
import { readJsonFile } from '../run-dir/read.ts';
import { readRunRecord, type RunRecord } from '../run-dir/record.ts';
import { readSummaries, type K6Summary } from '../run-dir/summary.ts';

export type RunData = {
  dir: string;
  run: RunRecord;
  /** By script name (`default` for a plain summary.json), in file-name order. */
  summaries: Map<string, K6Summary>;
  verdict?: Verdict;
  timelines?: Timelines;
  /** The file the timelines were read from. */
  timelineSource?: string;
  /** The server side from Prometheus, captured when the run ended. */
  server?: ServerSeries;
  missing: Missing;
};

/** One sentence per input that is absent or unreadable, shown where its section would be. */
export type Missing = { summary?: string; slo?: string; metrics?: string; server?: string };

export async function readRunData(dir: string): Promise<RunData> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory())
    throw new InputError(
      `${dir} is not a run directory`,
      'pass a directory written by loadgate run, e.g. loadgate report results/<run-id> (ls results/)',
    );
  const run = await readRunRecord(dir);

  const missing: Missing = {};
  const { byScript: summaries, unreadable } = await readSummaries(dir);
  for (const { name, problem } of unreadable)
    missing.summary = `${name} is unreadable (${firstLine(problem)}): thresholds, checks and key metrics of that script are unknown.`;
  if (summaries.size === 0)
    missing.summary ??= run.interrupted
      ? 'No k6 summary: the run was interrupted before the engine wrote it, so thresholds, checks and key metrics are unknown.'
      : 'No k6 summary (summary.json): thresholds, checks and key metrics are unknown.';

  const slo = await readJsonFile(join(dir, RUN_FILES.verdict), Verdict);
  const verdict = slo && 'data' in slo ? slo.data : undefined;
  if (slo && 'problem' in slo)
    missing.slo = `${RUN_FILES.verdict} is unreadable (${firstLine(slo.problem)}): the SLO verdict is unknown.`;
  else if (!slo)
    missing.slo = run.prometheusUrl
      ? `No SLO verdict: the SLO check did not run or did not finish for this run (${RUN_FILES.verdict} absent).`
      : `No SLO verdict: run without Prometheus (${RUN_FILES.verdict} absent), so server-side objectives were not judged.`;

  // The compact per-second aggregates, else the raw samples (gzipped, or an older run's plain file).
  const exists = async (name: string) =>
    (await stat(join(dir, name)).catch(() => null)) ? name : undefined;
  const source =
    (await exists(RUN_FILES.aggregates)) ??
    (await exists(RUN_FILES.k6Samples)) ??
    (await exists(RUN_FILES.rawSamples)) ??
    (await exists(RUN_FILES.metrics));
  const runStart = Date.parse(run.startedAt);
  const timelines =
    source === undefined
      ? undefined
      : source === RUN_FILES.aggregates
        ? await readAggregateTimelines(join(dir, source), runStart)
        : await readTimelines(join(dir, source), runStart);
  if (!timelines)
    missing.metrics = `No ${RUN_FILES.aggregates} (nor raw samples): the client-side charts cannot be drawn.`;
  else if (timelines.points === 0)
    missing.metrics = `${source} holds no HTTP or VU points: the client-side charts are empty.`;
  const timelineSource = source;

  const captured = await readServerSeries(dir);
  const server = captured && 'data' in captured ? captured.data : undefined;
  if (captured && 'problem' in captured)
    missing.server = `${RUN_FILES.serverSeries} is unreadable (${firstLine(captured.problem)}): the server-side charts cannot be drawn.`;
  else if (!captured)
    missing.server = run.prometheusUrl
      ? `No ${RUN_FILES.serverSeries}: the server side was not captured from Prometheus when the run ended.`
      : `No server-side charts: run without Prometheus (${RUN_FILES.serverSeries} absent).`;

  return { dir, run, summaries, verdict, timelines, timelineSource, server, missing };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}

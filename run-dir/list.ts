// The runs under a results directory (`loadgate runs`), newest first: each
// one's record, its SLO verdict and its outcome (outcome.ts, as the CLI and
// the report decide it). A directory that is not a usable run is listed with
// its problem, never an error: one broken run must not hide the others.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_FILES } from './files.ts';
import { runOutcome, type Outcome } from './outcome.ts';
import { readJsonFile } from './read.ts';
import { RunRecord } from './record.ts';
import { readSummaries } from './summary.ts';
import { Verdict } from '../slo/verdict.ts';
import { InputError } from '../core/errors.ts';

export type RunEntry = {
  id: string;
  dir: string;
  /** Epoch ms the list is sorted by: the run's start, else the directory's mtime. */
  sortKey: number;
} & (
  | {
      record: RunRecord;
      durationMs: number;
      /** slo.json's status, when the check ran and its file is readable. */
      slo?: Verdict['status'];
      outcome: Outcome;
      /** Files of the run that could not be read (a broken slo.json, say). */
      notes: string[];
    }
  | { problem: string }
);

/** Every sub-directory of `resultsDir`, newest first; bad input when `resultsDir` cannot be listed. */
export async function listRuns(resultsDir: string): Promise<RunEntry[]> {
  let names: string[];
  try {
    names = (await readdir(resultsDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch (error) {
    throw new InputError(
      `cannot list ${resultsDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'pass --results the directory loadgate run writes to (default: results)',
    );
  }
  const entries = await Promise.all(names.map((name) => readEntry(join(resultsDir, name), name)));
  return entries.sort((a, b) => b.sortKey - a.sortKey || b.id.localeCompare(a.id));
}

async function readEntry(dir: string, id: string): Promise<RunEntry> {
  const mtime = (await stat(dir).catch(() => undefined))?.mtimeMs ?? 0;
  const read = await readJsonFile(join(dir, RUN_FILES.record), RunRecord).catch((error: Error) => ({
    problem: error.message,
  }));
  if (!read) return { id, dir, sortKey: mtime, problem: `no ${RUN_FILES.record}` };
  if ('problem' in read)
    return {
      id,
      dir,
      sortKey: mtime,
      problem: `${RUN_FILES.record} unreadable: ${read.problem.split('\n')[0]}`,
    };
  const record = read.data;
  const notes: string[] = [];
  const slo = await readJsonFile(join(dir, RUN_FILES.verdict), Verdict);
  if (slo && 'problem' in slo) notes.push(`${RUN_FILES.verdict} unreadable`);
  const verdict = slo && 'data' in slo ? slo.data : undefined;
  const { byScript, unreadable } = await readSummaries(dir);
  for (const { name } of unreadable) notes.push(`${name} unreadable`);
  const oks = [...byScript.values()].flatMap((s) =>
    Object.values(s.metrics).flatMap((m) => Object.values(m.thresholds ?? {}).map((t) => t.ok)),
  );
  const outcome = runOutcome({
    ...record,
    thresholds: { total: oks.length, failed: oks.filter((ok) => !ok).length },
    slo: verdict,
  });
  const start = Date.parse(record.startedAt);
  return {
    id,
    dir,
    sortKey: start,
    record,
    durationMs: Date.parse(record.endedAt) - start,
    slo: verdict?.status,
    outcome,
    notes,
  };
}

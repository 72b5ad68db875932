// `loadgate runs [--results DIR] [--json]`: the past runs of a results
// directory, newest first, with what each came to (run-dir/list.ts).
import { parseCommandLine } from '../args.ts';
import { listRuns, type RunEntry } from '../../run-dir/list.ts';
import { EXIT, InputError } from '../../core/errors.ts';

const USAGE = `Usage: loadgate runs [--results DIR] [--json]

Lists the runs under DIR (default: results), newest first: id, profile,
target, engine, length and verdict (PASS, WARN, FAIL, INCONCLUSIVE, INTERRUPTED: the exit
code loadgate run gave, from run.json, the k6 summaries and slo.json). A
directory that is not a readable run is listed as such.

  --results DIR   where loadgate run wrote its runs (default: results)
  --json          one JSON array on stdout instead of the table
  -h, --help      this help`;

const HINT = "see 'loadgate runs --help'";

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      allowPositionals: true,
      options: {
        results: { type: 'string', default: 'results' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    HINT,
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  if (positionals.length)
    throw new InputError(`unexpected argument '${positionals[0]}' (use --results DIR)`, HINT);
  const runs = await listRuns(values.results);
  process.stdout.write(
    values.json
      ? JSON.stringify(runs.map(asJson), null, 2) + '\n'
      : runsTable(runs, values.results) + '\n',
  );
  return EXIT.ok;
}

function asJson(run: RunEntry) {
  if ('problem' in run) return { id: run.id, dir: run.dir, problem: run.problem };
  const { record, outcome } = run;
  return {
    id: run.id,
    dir: run.dir,
    profile: record.profile,
    target: record.target,
    engine: record.engine,
    startedAt: record.startedAt,
    durationMs: run.durationMs,
    verdict: outcome.headline,
    exitCode: outcome.exitCode,
    slo: run.slo ?? null,
    reasons: outcome.reasons,
    notes: run.notes,
  };
}

export function runsTable(runs: RunEntry[], resultsDir: string): string {
  if (runs.length === 0) return `no runs in ${resultsDir}`;
  const rows = runs.map((run) =>
    'problem' in run
      ? [run.id, '?', '?', '?', '?', `UNREADABLE (${run.problem})`]
      : [
          run.id,
          run.record.profile,
          run.record.target,
          run.record.engine,
          length(run.durationMs),
          `${run.outcome.headline} (exit ${run.outcome.exitCode}${run.slo ? `, SLO ${run.slo}` : ''})` +
            (run.notes.length ? `; ${run.notes.join(', ')}` : ''),
        ],
  );
  const all = [['RUN', 'PROFILE', 'TARGET', 'ENGINE', 'LENGTH', 'VERDICT'], ...rows];
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** 1m02s, 45s, 1h03m. */
function length(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

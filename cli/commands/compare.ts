// `loadgate compare A B [--markdown FILE]`: two runs side by side per
// journey and route, each change judged against run-to-run noise
// (report/compare/). It reports, so it exits 0, unless --fail-on-regression.
import { writeFile } from 'node:fs/promises';
import {
  parseCommandLine,
  parseNumber,
  parseWholeNumber,
  throwProblems,
  collect,
} from '../args.ts';
import { compareRuns, hasRegression } from '../../report/compare/index.ts';
import { compareMarkdown, compareText } from '../../report/compare/format.ts';
import { resolveRunDir } from '../../run-dir/resolve.ts';
import { EXIT, InputError } from '../../core/errors.ts';

const USAGE = `Usage: loadgate compare A B [options]

Compares two runs (run directories, or run ids under --results) from their
raw samples (--raw-samples, or real k6's) or else their per-second aggregates
(aggregates.ndjson.gz, latencies within 1 %): for all requests, each journey and each route, p50/p95/p99
latency, error ratio and throughput, the change from A to B, and whether the
change is beyond run-to-run noise (block bootstrap of the difference B − A,
intervals widened for the number of changes judged, Bonferroni). Seeded: the
same runs give the same report.

Options:
  --results DIR           where run ids are looked up (default: results)
  --markdown FILE         also write the comparison as Markdown (a CI comment)
  --fail-on-regression    exit 1 when a change is a regression beyond noise
  --min-change PCT        smallest latency change flagged, in % (default 5)
  --confidence PCT        for the whole report (default 95)
  --block SECONDS         resampling block length (default 5)
  --resamples N           bootstrap resamples (default 500)
  --seed N                random seed (default 1)
  -h, --help              this help

Exit codes: 0 compared (whatever the changes), 1 a regression with
--fail-on-regression, 2 bad input (a run without samples or aggregates).`;

const HINT = "see 'loadgate compare --help'";

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      allowPositionals: true,
      options: {
        results: { type: 'string', default: 'results' },
        markdown: { type: 'string' },
        'fail-on-regression': { type: 'boolean', default: false },
        'min-change': { type: 'string' },
        confidence: { type: 'string' },
        block: { type: 'string' },
        resamples: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    HINT,
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const problems: string[] = [];
  if (positionals.length !== 2)
    problems.push(`two runs to compare, A and B (got ${positionals.length})`);
  const minChange = collect(problems, () => parseNumber(values['min-change'], '--min-change'));
  const confidence = collect(problems, () => parseNumber(values.confidence, '--confidence'));
  const block = collect(problems, () => parseNumber(values.block, '--block'));
  const resamples = collect(problems, () => parseWholeNumber(values.resamples, '--resamples'));
  const seed = collect(problems, () => parseWholeNumber(values.seed, '--seed'));
  if (minChange !== undefined && minChange < 0) problems.push('--min-change must be ≥ 0');
  if (confidence !== undefined && !(confidence > 0 && confidence < 100))
    problems.push('--confidence must be between 0 and 100 (exclusive)');
  if (block !== undefined && !(block > 0)) problems.push('--block must be > 0');
  if (resamples !== undefined && resamples < 50) problems.push('--resamples must be ≥ 50');
  throwProblems(problems, HINT);

  const [a, b] = positionals.map((run) => resolveRunDir(run, values.results)) as [string, string];
  if (a === b) throw new InputError(`A and B are the same run (${a})`, HINT);
  const comparison = await compareRuns(a, b, {
    ...(minChange !== undefined && { minChange: minChange / 100 }),
    ...(confidence !== undefined && { confidence: confidence / 100 }),
    ...(block !== undefined && { blockMs: block * 1000 }),
    ...(resamples !== undefined && { resamples }),
    ...(seed !== undefined && { seed }),
  });
  process.stdout.write(compareText(comparison) + '\n');
  if (values.markdown) {
    await writeFile(values.markdown, compareMarkdown(comparison)).catch((error: Error) => {
      throw new InputError(`--markdown ${values.markdown}: cannot write it (${error.message})`);
    });
    process.stderr.write(`loadgate: comparison written to ${values.markdown}\n`);
  }
  return values['fail-on-regression'] && hasRegression(comparison) ? EXIT.failed : EXIT.ok;
}

// `loadgate report <run>`: (re)writes a run's self-contained HTML page. The
// run is a directory or a bare run id under --results.
import { parseCommandLine } from '../args.ts';
import { writeReport } from '../../report/index.ts';
import { resolveRunDir } from '../../run-dir/resolve.ts';
import { EXIT, InputError } from '../../core/errors.ts';

const USAGE = `Usage: loadgate report <run-dir> [--results DIR]
       loadgate report <run-id> [--results DIR]

(Re)writes the run's report.html, a self-contained HTML report of a run
(verdict, failed objectives, client and server charts, routes, SLO verdict,
thresholds, checks, key metrics), and
prints its path. A bare run id is looked up under --results (default:
results). Examples: loadgate report results/smoke-20261124-230222-cad2,
loadgate report smoke-20261124-230222-cad2 (loadgate runs lists them).`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      allowPositionals: true,
      options: {
        results: { type: 'string', default: 'results' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const [run, ...extra] = positionals;
  if (!run || extra.length > 0)
    throw new InputError(run ? 'one run directory at a time' : 'which run?', USAGE);
  process.stdout.write((await writeReport(resolveRunDir(run, values.results))) + '\n');
  return EXIT.ok;
}

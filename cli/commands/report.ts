// `loadgate report <run-dir>`: (re)writes a run's self-contained HTML page.
import { parseCommandLine } from '../args.ts';
import { writeReport } from '../../report/index.ts';
import { EXIT, InputError } from '../../core/errors.ts';

const USAGE = `Usage: loadgate report <run-dir>

(Re)writes <run-dir>/report.html, a self-contained HTML report of a run
(verdict, thresholds, checks, key metrics, timelines, SLO verdict), and
prints its path. Example: loadgate report results/smoke-20261124-230222-cad2`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    { allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } },
    USAGE,
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const [dir, ...extra] = positionals;
  if (!dir || extra.length > 0)
    throw new InputError(dir ? 'one run directory at a time' : 'which run?', USAGE);
  process.stdout.write((await writeReport(dir)) + '\n');
  return EXIT.ok;
}

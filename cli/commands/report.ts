import { parseArgs } from 'node:util';
import { writeReport } from '../../report/index.ts';
import { InputError } from '../../core/errors.ts';

const USAGE = `Usage: loadgate report <run-dir>

(Re)writes <run-dir>/report.html, a self-contained HTML report of a run
(verdict, thresholds, checks, key metrics, timelines, SLO verdict), and
prints its path. Example: loadgate report results/smoke-20261124-230222-cad2`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new InputError((error as Error).message, USAGE);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const [dir, ...extra] = parsed.positionals;
  if (!dir || extra.length > 0)
    throw new InputError(dir ? 'one run directory at a time' : 'which run?', USAGE);
  process.stdout.write((await writeReport(dir)) + '\n');
  return 0;
}

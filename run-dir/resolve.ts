// What a command that takes a run accepts: a run directory, or a bare run id
// looked up under the results directory (`smoke-20261124-230222-cad2` for
// `results/smoke-20261124-230222-cad2`).
import { statSync } from 'node:fs';
import { join } from 'node:path';

/** `run` itself when it is a directory, else `<resultsDir>/<run>` when that is one, else `run` unchanged (the reader says what is wrong). */
export function resolveRunDir(run: string, resultsDir: string): string {
  const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
  if (isDir(run)) return run;
  const underResults = join(resultsDir, run);
  return !run.includes('/') && isDir(underResults) ? underResults : run;
}

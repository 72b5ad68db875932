// Making a run's directory, before any load starts: a --results that names a
// file, or a place nothing can be written, is bad input found in a moment,
// not after the load. Node's own recursive mkdir is not used: on some paths
// (`mkdir -p /proc/nope`) it retries for ever at full CPU instead of failing.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';

/** Creates `dir` and its missing parents, one at a time; `what` names it in errors (`--results results`). */
export async function createDirectory(dir: string, what: string): Promise<void> {
  const path = resolve(dir);
  const missing: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    const info = await stat(at).catch((error: NodeJS.ErrnoException) => {
      // ENOTDIR: a file further up, which the walk reaches and names.
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw refused(what, at, error);
    });
    if (info?.isDirectory()) break;
    if (info) throw new InputError(`${what}: ${at} is a file, not a directory`, HINT);
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const at of missing) {
    await mkdir(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw refused(what, at, error);
    });
  }
}

const HINT = 'Pass --results a directory loadgate may create and write in (default: results)';

function refused(what: string, at: string, error: NodeJS.ErrnoException): InputError {
  return new InputError(`${what}: cannot create ${at} (${error.code ?? error.message})`, HINT);
}

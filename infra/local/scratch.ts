// Temporary directories of the local platform and of its Prometheus. Each is
// marked with the pid of the process that made it, so that the next start
// removes the ones a killed process (kill -9, the OOM killer) left behind in
// $TMPDIR, instead of letting them pile up for ever.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ScratchPrefix = 'loadgate-platform-' | 'loadgate-prometheus-';
const PREFIXES: readonly ScratchPrefix[] = ['loadgate-platform-', 'loadgate-prometheus-'];
const OWNER = '.loadgate-owner';

/** A new directory under $TMPDIR, owned by this process; orphans of earlier runs go first. */
export async function scratchDir(prefix: ScratchPrefix): Promise<string> {
  await removeOrphans();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, OWNER), String(process.pid));
  return dir;
}

/**
 * Removes loadgate's scratch directories whose owner process is gone, and
 * returns them. A directory without an owner mark (made by an older loadgate,
 * or not made by us) is left alone: nothing says it is ours to remove.
 */
export async function removeOrphans(dir = tmpdir()): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!PREFIXES.some((p) => name.startsWith(p))) continue;
    const path = join(dir, name);
    const owner = Number(await readFile(join(path, OWNER), 'utf8').catch(() => NaN));
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

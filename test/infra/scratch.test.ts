import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPrometheus } from '../../infra/local/prometheus.ts';
import { removeOrphans } from '../../infra/local/scratch.ts';

// What `kill -9` leaves in $TMPDIR is cleared by the next start, and only that.

/** The pid of a process that has exited. */
const deadPid = () => spawnSync('true').pid!;

let tmp: string;
let saved: string | undefined;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-scratch-test-'));
  saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
});
afterEach(async () => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  await rm(tmp, { recursive: true, force: true });
});

async function leftover(name: string, owner?: number): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(join(dir, 'data'), { recursive: true });
  if (owner !== undefined) await writeFile(join(dir, '.loadgate-owner'), String(owner));
  return dir;
}

describe('scratch directories', () => {
  it('removes those whose owner is gone, keeps the live and the unmarked ones', async () => {
    const orphan = await leftover('loadgate-prometheus-dead1', deadPid());
    const orphan2 = await leftover('loadgate-platform-dead2', deadPid());
    const live = await leftover('loadgate-platform-live', process.pid);
    const unmarked = await leftover('loadgate-platform-old');
    const foreign = await leftover('someone-else', deadPid());
    expect((await removeOrphans(tmp)).sort()).toEqual([orphan2, orphan].sort());
    expect([live, unmarked, foreign].every((d) => existsSync(d))).toBe(true);
  });

  it('are cleared by the next start of Prometheus, which marks its own', async () => {
    const orphan = await leftover('loadgate-prometheus-killed', deadPid());
    const prometheus = await startPrometheus({ config: 'global:\n  scrape_interval: 1s\n' });
    try {
      expect(existsSync(orphan)).toBe(false);
      const [mine] = (await readdir(tmp)).filter((n) => n.startsWith('loadgate-prometheus-'));
      expect(existsSync(join(tmp, mine!, '.loadgate-owner'))).toBe(true);
    } finally {
      await prometheus.stop();
    }
    expect(await readdir(tmp)).toEqual([]);
  });
});

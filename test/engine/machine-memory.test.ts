// A container's memory limit bounds the VUs, not the node's free memory:
// cgroup files laid out as v2 and v1 mount them, in a temporary directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cgroupMemory } from '../../engine/run/machine-memory.ts';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function cgroup(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'loadgate-cgroup-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const GiB = 2 ** 30;

it('reads a v2 limit and the working set (usage less the inactive page cache)', () => {
  const dir = cgroup({
    'memory.max': `${4 * GiB}\n`,
    'memory.current': `${3 * GiB}\n`,
    'memory.stat': `anon ${2 * GiB}\nfile ${GiB}\ninactive_file ${GiB / 2}\nactive_file ${GiB / 2}\n`,
  });
  expect(cgroupMemory(dir)).toEqual({ limit: 4 * GiB, used: 2.5 * GiB });
});

it('has no limit under v2 "max", nor under v1\'s ~2^63', () => {
  expect(
    cgroupMemory(cgroup({ 'memory.max': 'max\n', 'memory.current': '1000\n' })),
  ).toBeUndefined();
  const v1 = cgroup({
    'memory/memory.limit_in_bytes': '9223372036854771712\n',
    'memory/memory.usage_in_bytes': '1000\n',
  });
  expect(cgroupMemory(v1)).toBeUndefined();
});

it('reads a v1 limit, its inactive page cache named total_inactive_file', () => {
  const dir = cgroup({
    'memory/memory.limit_in_bytes': `${2 * GiB}\n`,
    'memory/memory.usage_in_bytes': `${GiB}\n`,
    'memory/memory.stat': `cache 100\ntotal_inactive_file ${GiB / 4}\n`,
  });
  expect(cgroupMemory(dir)).toEqual({ limit: 2 * GiB, used: 0.75 * GiB });
});

it('has no limit where no cgroup file can be read', () => {
  expect(cgroupMemory(cgroup({}))).toBeUndefined();
});

// The memory the engine's VUs can use: the machine's, or a container's when
// its cgroup limit is lower. In a pod with resources.limits.memory,
// os.freemem() still reads the node's /proc/meminfo, and would admit VUs
// the kernel then OOM-kills the pod for, results and all.
import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { join } from 'node:path';

/** A cgroup's memory limit and its working set (what the OOM killer counts, kubelet's figure), in bytes. */
export type MemoryLimit = { limit: number; used: number };

/** Where the cgroup files are read from and how they are named: v2 first, then v1. */
const LAYOUTS = [
  { limit: 'memory.max', usage: 'memory.current', stat: 'memory.stat', inactive: 'inactive_file' },
  {
    limit: 'memory/memory.limit_in_bytes',
    usage: 'memory/memory.usage_in_bytes',
    stat: 'memory/memory.stat',
    inactive: 'total_inactive_file',
  },
];

/**
 * This process's cgroup memory limit and working set, when it has a limit:
 * usage less the inactive page cache, which the kernel reclaims before it
 * kills anything. Undefined without a limit ("max" in v2, ~2^63 in v1).
 */
export function cgroupMemory(root = '/sys/fs/cgroup'): MemoryLimit | undefined {
  const read = (file: string) => {
    try {
      return readFileSync(join(root, file), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  for (const layout of LAYOUTS) {
    const limit = Number(read(layout.limit));
    const usage = Number(read(layout.usage));
    if (!Number.isFinite(limit) || limit <= 0 || limit >= 2 ** 60 || !Number.isFinite(usage))
      continue;
    const inactive = new RegExp(`^${layout.inactive} (\\d+)$`, 'm').exec(read(layout.stat) ?? '');
    return { limit, used: Math.max(0, usage - Number(inactive?.[1] ?? 0)) };
  }
  return undefined;
}

/**
 * The memory the VUs can have now (`free`) and in all (`total`): the
 * machine's, or less under a cgroup limit. One read of the cgroup for both.
 */
export function machineMemory(): { free: number; total: number } {
  const cgroup = cgroupMemory();
  if (!cgroup) return { free: freemem(), total: totalmem() };
  return {
    free: Math.min(freemem(), cgroup.limit - cgroup.used),
    total: Math.min(totalmem(), cgroup.limit),
  };
}

import { readFile } from 'node:fs/promises';

/**
 * What the kubelet's cAdvisor would measure for a container, read from
 * Linux's /proc for one worker process: cumulative CPU time (all threads,
 * user + system) and resident memory.
 */
export interface ProcStats {
  cpuSeconds: number;
  rssBytes: number;
}

// USER_HZ is 100 on every Linux ABI Node supports (the kernel's exported
// tick, not CONFIG_HZ); the page size is 4 KiB on x86-64 and arm64 defaults.
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** The process's stats, or undefined once it is gone. */
export async function readProcStats(pid: number): Promise<ProcStats | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: split
  // after the last ')'. Then field 3 (state) is index 0, so field N is N - 3.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  const rssPages = Number(fields[24 - 3]);
  if (![utime, stime, rssPages].every(Number.isFinite)) return undefined;
  return { cpuSeconds: (utime + stime) / TICKS_PER_SECOND, rssBytes: rssPages * PAGE_BYTES };
}

// What a density run measures of a process, from /proc (Linux only: elsewhere
// undefined, and the figures print as n/a).
import { readdirSync, readFileSync } from 'node:fs';

/** One run of the browse bundle at a VU count, on either engine. */
export type DensityRun = {
  exitCode: number;
  vusMax: number;
  requests: number;
  checksPassed: number;
  checksFailed: number;
  /**
   * The most resident memory the run had: VmHWM of its process, or, when it
   * spread its VUs over child engine processes, the most the processes held
   * together (sampled each second).
   */
  peakRssBytes: number;
  /** The most lines one process's /proc/<pid>/maps had (sampled each second): vm.max_map_count counts them per process. */
  peakMappings: number;
  /** CPU of the whole process (all threads) over the whole run, per request. */
  cpuMsPerRequest: number | undefined;
  /** The same, over the measured window only (start-up and warm-up left out); the engine only. */
  cpuMsPerRequestWindow?: number;
  /** Why the run failed, when it did. */
  stderrTail: string;
};

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A `/proc/<pid>/status` figure given in kB, in bytes. */
function statusBytes(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number | undefined {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(read(`/proc/${pid}/status`) ?? '')?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/** VmHWM: the most resident memory the process ever had. */
export function procPeakRss(pid: number | 'self'): number | undefined {
  return statusBytes(pid, 'VmHWM');
}

/** VmRSS: resident memory now. */
export function procRss(pid: number | 'self'): number | undefined {
  return statusBytes(pid, 'VmRSS');
}

/** The processes `pid` started, and theirs (Linux: /proc). */
export function procDescendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const e of entries) {
    const stat = read(`/proc/${e}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(e)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export function procMappings(pid: number | 'self'): number | undefined {
  const maps = read(`/proc/${pid}/maps`);
  return maps === undefined ? undefined : maps.split('\n').length - 1;
}

/** User + system CPU of the whole process so far, in ms (all threads; USER_HZ = 100). */
export function procCpuMs(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

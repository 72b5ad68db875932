// What a density run measures of a process, from /proc (Linux only: elsewhere
// undefined, and the figures print as n/a).
import { readFileSync } from 'node:fs';

/** One run of the browse bundle at a VU count, on either engine. */
export type DensityRun = {
  exitCode: number;
  vusMax: number;
  requests: number;
  checksPassed: number;
  checksFailed: number;
  /** VmHWM: the most resident memory the process ever had. */
  peakRssBytes: number;
  /** The most lines /proc/<pid>/maps had (sampled each second): vm.max_map_count counts them. */
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

export function procPeakRss(pid: number | 'self'): number | undefined {
  const kb = /VmHWM:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '')?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
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

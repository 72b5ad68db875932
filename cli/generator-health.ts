// How the load generator fared during `loadgate run`: its CPU as a share of
// the machine, sampled every second (the busiest 5 s count: a saturated
// minute inside a long run must not average away), and the iterations its
// arrival-rate executors dropped, from the k6 summaries. The decision lives
// in run-dir/generator.ts.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { GeneratorHealth } from '../run-dir/generator.ts';
import type { K6Summary } from '../run-dir/summary.ts';

/** Seconds of CPU in the busiest window that counts as the peak. */
const WINDOW_SECONDS = 5;

export type GeneratorWatch = {
  /** The health of the run just ended; `engine` says whose CPU: this process (builtin) or its k6 child. */
  stop(engine: 'builtin' | 'k6', summaries: Map<string, K6Summary>): GeneratorHealth;
};

/** Starts sampling this process's CPU (the built-in engine's VUs are its threads). */
export function watchGenerator(): GeneratorWatch {
  const cores = availableParallelism();
  const startedAt = performance.now();
  const children = childrenCpuSeconds();
  const samples: { at: number; cpu: number }[] = [{ at: startedAt, cpu: ownCpuSeconds() }];
  const timer = setInterval(
    () => samples.push({ at: performance.now(), cpu: ownCpuSeconds() }),
    1000,
  );
  timer.unref();
  return {
    stop(engine, summaries) {
      clearInterval(timer);
      const now = performance.now();
      samples.push({ at: now, cpu: ownCpuSeconds() });
      // Real k6 is a child that has exited: only its total is known, so its average counts.
      const cpuPeak =
        engine === 'k6'
          ? (childrenCpuSeconds() - children) / (((now - startedAt) / 1000) * cores)
          : peakShare(samples, cores);
      let dropped = 0;
      let iterations = 0;
      for (const summary of summaries.values()) {
        dropped += summary.metrics.dropped_iterations?.values.count ?? 0;
        iterations += summary.metrics.iterations?.values.count ?? 0;
      }
      return { cpuPeak, cores, droppedIterations: dropped, iterations };
    },
  };
}

/** The busiest WINDOW_SECONDS of CPU as a share of every core; null for a run too short to tell. */
export function peakShare(samples: { at: number; cpu: number }[], cores: number): number | null {
  let peak: number | null = null;
  for (let i = 0, j = 0; i < samples.length; i++) {
    while (j < i && samples[i]!.at - samples[j + 1]!.at >= WINDOW_SECONDS * 1000) j++;
    const wall = (samples[i]!.at - samples[j]!.at) / 1000;
    if (wall < WINDOW_SECONDS * 0.8) continue;
    const share = (samples[i]!.cpu - samples[j]!.cpu) / (wall * cores);
    peak = Math.max(peak ?? 0, share);
  }
  return peak;
}

/** User + system CPU seconds of this process, every thread. */
function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU seconds of this process's exited (waited-for) children: /proc/self/stat cutime + cstime. */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which may hold spaces: cutime and cstime are the 16th and 17th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ
  } catch {
    return 0;
  }
}

// Was the load generator itself the bottleneck? k6's documentation warns that
// a generator short of CPU (above ~80 %) or of VUs (dropped iterations) bends
// the results: the response times it measures include its own queueing, and
// the load it planned was not sent. Such a run is *inconclusive*: its own
// verdict (exit 1) in every output, never a pass nor a fail of the target.
import { z } from 'zod';

export const GeneratorHealth = z.object({
  /** The generator's busiest 5 s, as a share of the whole machine (all cores). */
  cpuPeak: z.number().min(0).nullable(),
  cores: z.number().int().positive(),
  /** Iterations the arrival-rate executors could not start (k6's dropped_iterations). */
  droppedIterations: z.number().min(0),
  iterations: z.number().min(0),
});
export type GeneratorHealth = z.infer<typeof GeneratorHealth>;

/** Above these, the generator was saturated. */
export const SATURATION = {
  /** Share of the machine's CPU (k6: "keep it under 80 %"). */
  cpu: 0.8,
  /** Share of the planned iterations dropped. */
  dropped: 0.01,
} as const;

/** Why the run proves nothing about the target; empty when the generator kept up. */
export function saturationReasons(h: GeneratorHealth | undefined): string[] {
  if (!h) return [];
  const reasons: string[] = [];
  if (h.cpuPeak !== null && h.cpuPeak > SATURATION.cpu)
    reasons.push(
      `the load generator's CPU peaked at ${pct(h.cpuPeak)} of the machine (${h.cores} cores; above ${pct(SATURATION.cpu)}): its own queueing is in the measured times`,
    );
  const planned = h.iterations + h.droppedIterations;
  if (planned > 0 && h.droppedIterations / planned > SATURATION.dropped)
    reasons.push(
      `${h.droppedIterations.toLocaleString('en-US')} of ${planned.toLocaleString('en-US')} planned iterations were dropped (${pct(h.droppedIterations / planned)}; above ${pct(SATURATION.dropped)}): the generator could not keep the arrival rate (too few VUs, or too little CPU)`,
    );
  return reasons;
}

function pct(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3))} %`;
}

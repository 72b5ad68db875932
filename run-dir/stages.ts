// The run's stages, named by what the planned load does in each: `ramp-up`,
// `plateau`, `ramp-down` (numbered `plateau-2`… when a profile repeats one, as
// stress does). Recorded in run.json so the report shades them and an SLO
// objective can be judged over one phase (`phase: plateau`).
import { z } from 'zod';
import type { ScenarioShape } from '../engine/load-shape.ts';

export const Stage = z.object({
  name: z.string().min(1),
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
});
export type Stage = z.infer<typeof Stage>;

/**
 * The stages of the planned load, from the scenario with the most stages (the
 * journeys of a mix share their profile's steps): consecutive segments that
 * rise, hold or fall are merged into one stage each.
 */
export function stagesOf(shapes: readonly ScenarioShape[], loadStart: Date): Stage[] {
  const shape = [...shapes].sort((a, b) => b.points.length - a.points.length)[0];
  if (!shape || shape.points.length < 2) return [];
  const segments: { name: string; from: number; to: number }[] = [];
  for (let i = 1; i < shape.points.length; i++) {
    const [from, before] = shape.points[i - 1]!;
    const [to, after] = shape.points[i]!;
    if (to <= from) continue;
    const name = after > before ? 'ramp-up' : after < before ? 'ramp-down' : 'plateau';
    const last = segments[segments.length - 1];
    if (last?.name === name && last.to === from) last.to = to;
    else segments.push({ name, from, to });
  }
  const seen = new Map<string, number>();
  const at = (ms: number) => new Date(loadStart.getTime() + ms).toISOString();
  return segments.map((s) => {
    const n = (seen.get(s.name) ?? 0) + 1;
    seen.set(s.name, n);
    return { name: n === 1 ? s.name : `${s.name}-${n}`, start: at(s.from), end: at(s.to) };
  });
}

/**
 * The time range of a phase: the stage of that name, or every numbered
 * repeat of it (`plateau` spans `plateau` … `plateau-4`), first start to last end.
 */
export function phaseRange(
  stages: readonly Stage[],
  phase: string,
): { start: Date; end: Date } | undefined {
  const matching = stages.filter(
    (s) => s.name === phase || new RegExp(`^${escapeRegExp(phase)}-\\d+$`).test(s.name),
  );
  if (matching.length === 0) return undefined;
  return {
    start: new Date(Math.min(...matching.map((s) => Date.parse(s.start)))),
    end: new Date(Math.max(...matching.map((s) => Date.parse(s.end)))),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { formatDuration, parseDuration } from './prom-duration.ts';
import type { RunRecord } from '../run-dir/record.ts';
import { phaseRange, type Stage } from '../run-dir/stages.ts';
import { InputError } from '../core/errors.ts';

/**
 * The time range an SLO is judged over. `loadStart` is when load began (the
 * HPA reaction time counts from there); `start` skips the warm-up.
 */
export type Window = { loadStart: Date; start: Date; end: Date; note?: string };

/** Prometheus refuses range queries above 11,000 points; stay under with margin. */
const MAX_POINTS = 10_000;

export type WindowInput = {
  run?: RunRecord;
  from?: Date;
  to?: Date;
  /** e.g. `15m`: the window ending now. */
  last?: string;
  warmup: string;
  now?: Date;
};

/** --from/--to win over --last, which wins over the run record. */
export function resolveWindow(input: WindowInput): Window {
  const warmupMs = parseDuration(input.warmup);
  let loadStart: Date;
  let end: Date;
  if (input.from || input.to) {
    if (!input.from || !input.to)
      throw new InputError(
        '--from and --to go together',
        'e.g. --from 2024-05-01T10:00:00Z --to 2024-05-01T10:15:00Z',
      );
    loadStart = input.from;
    end = input.to;
  } else if (input.last) {
    end = input.now ?? new Date();
    loadStart = new Date(end.getTime() - parseDuration(input.last));
  } else if (input.run) {
    loadStart = new Date(input.run.startedAt);
    end = new Date(input.run.endedAt);
  } else {
    throw new InputError(
      'no window to judge',
      'Pass --run results/<run-id>, or --from and --to, or --last 15m',
    );
  }
  const loadMs = end.getTime() - loadStart.getTime();
  if (!(loadMs > 0))
    throw new InputError(
      `empty window: ${loadStart.toISOString()} is not before ${end.toISOString()}`,
      'Check the run times, or --from/--to',
    );
  // A warm-up that would swallow most of a short run (a 20 s smoke judged with
  // the cluster's 1 m warm-up) shrinks to a quarter of it: judging the run is
  // the point, and the note says so.
  let note: string | undefined;
  let skipMs = warmupMs;
  if (warmupMs > loadMs / 2) {
    skipMs = Math.floor(loadMs / 4);
    note = `warm-up ${input.warmup} is longer than half the ${formatDuration(loadMs / 1000)} window: skipping ${formatDuration(skipMs / 1000)} instead`;
  }
  return { loadStart, start: new Date(loadStart.getTime() + skipMs), end, note };
}

/**
 * The range-query step: the spec's step, made finer for a short window (at
 * least 20 points, so a 10 s window is not judged on one sample) and coarser
 * for a long one (Prometheus' 11,000-points limit).
 */
export function stepFor(start: Date, end: Date, stepSeconds: number): number {
  const seconds = (end.getTime() - start.getTime()) / 1000;
  const fine = Math.min(stepSeconds, Math.max(1, Math.floor(seconds / 20)));
  return Math.max(fine, Math.ceil(seconds / MAX_POINTS));
}

/** Accepts RFC 3339 or unix seconds, the two forms Prometheus itself accepts. */
export function parseTime(text: string, flag: string): Date {
  const date = /^\d+(\.\d+)?$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new InputError(
      `${flag} '${text}' is not a time`,
      'Use RFC 3339 (2024-05-01T10:00:00Z) or unix seconds',
    );
  return date;
}

/**
 * The window of one phase of the run (`phase: plateau`): its stage's times
 * from run.json, no warm-up (the ramp before it is what is left out), or why
 * there is none.
 */
export function phaseWindow(
  stages: readonly Stage[] | undefined,
  phase: string,
): { window: Window } | { problem: string } {
  if (!stages?.length)
    return {
      problem: `phase ${phase}: the run records no stages (a run.json from loadgate run has them; --from/--to and --last have none)`,
    };
  const range = phaseRange(stages, phase);
  if (!range)
    return {
      problem: `phase ${phase}: no such stage in this run (its stages: ${stages.map((s) => s.name).join(', ')})`,
    };
  return { window: { loadStart: range.start, start: range.start, end: range.end } };
}

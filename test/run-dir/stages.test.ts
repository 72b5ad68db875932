// The stages run.json records come from the profiles' own k6 options: a
// capacity run is ramp-up, plateau, ramp-down; stress repeats its plateaus,
// and a phase spans every repeat of its name.
import { describe, expect, it } from 'vitest';
import { shapeOf } from '../../engine/load-shape.ts';
import { phaseRange, stagesOf } from '../../run-dir/stages.ts';
import type { Scenario } from '../../engine/options.ts';

const START = new Date('2026-01-01T00:00:00.000Z');

/** A ramping-arrival-rate scenario as lib/profiles.ts writes them: [duration, iterations/min]. */
function arrival(steps: [string, number][]): Scenario {
  return {
    name: 'browse',
    executor: 'ramping-arrival-rate',
    startRate: 0,
    timeUnit: '1m',
    preAllocatedVUs: 2,
    maxVUs: 10,
    stages: steps.map(([duration, target]) => ({ duration, target })),
  } as Scenario;
}

function stagesOfOptions(...scenarios: Scenario[]) {
  return stagesOf(scenarios.map(shapeOf), START);
}

/** The capacity profile's steps (ramp, hold, ramp down) and stress's (1×, 1.5×, 2×, 3×). */
const CAPACITY = arrival([
  ['1m', 600],
  ['5m', 600],
  ['1m', 0],
]);
const STRESS = arrival([
  ...[600, 900, 1200, 1800].flatMap((rate): [string, number][] => [
    ['1m', rate],
    ['2m', rate],
  ]),
  ['1m', 0],
]);

describe('stagesOf', () => {
  it('names a capacity run ramp-up, plateau, ramp-down, at the offsets of its options', () => {
    const stages = stagesOfOptions(CAPACITY);
    expect(stages).toEqual([
      { name: 'ramp-up', start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:01:00.000Z' },
      { name: 'plateau', start: '2026-01-01T00:01:00.000Z', end: '2026-01-01T00:06:00.000Z' },
      { name: 'ramp-down', start: '2026-01-01T00:06:00.000Z', end: '2026-01-01T00:07:00.000Z' },
    ]);
    expect(phaseRange(stages, 'plateau')).toEqual({
      start: new Date('2026-01-01T00:01:00.000Z'),
      end: new Date('2026-01-01T00:06:00.000Z'),
    });
    expect(phaseRange(stages, 'soak')).toBeUndefined();
  });

  it('numbers the repeated stages of stress, and its plateau phase spans them all', () => {
    const stages = stagesOfOptions(STRESS);
    expect(stages.map((s) => s.name)).toEqual([
      'ramp-up',
      'plateau',
      'ramp-up-2',
      'plateau-2',
      'ramp-up-3',
      'plateau-3',
      'ramp-up-4',
      'plateau-4',
      'ramp-down',
    ]);
    expect(phaseRange(stages, 'plateau')).toEqual({
      start: new Date('2026-01-01T00:01:00.000Z'),
      end: new Date('2026-01-01T00:12:00.000Z'),
    });
    // One of them alone, by its own name.
    expect(phaseRange(stages, 'plateau-2')?.start).toEqual(new Date('2026-01-01T00:04:00.000Z'));
  });
});

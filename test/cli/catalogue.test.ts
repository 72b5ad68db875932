// lib/catalogue.ts is the one list of journeys and profiles. A sixth journey
// is a catalogue entry plus its journey and scenario files (and a rebuild):
// this checks nothing else is needed, and nothing is left out.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../cli/commands/run.ts';
import {
  DEFAULT_WEIGHTS,
  JOURNEYS,
  MIX,
  MIX_EXEC,
  PROFILES,
  SCENARIO_VARIABLES,
} from '../../lib/catalogue.ts';
import { Env } from '../../lib/config.ts';

const root = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('the journey and profile catalogue', () => {
  it('imports nothing, so both runtimes can load it', () => {
    expect(read('lib/catalogue.ts')).not.toMatch(/^\s*(import|export .* from)\b/m);
  });

  it.each(JOURNEYS)('%s has a journey, a scenario, a bundle and a mix function', (journey) => {
    expect(existsSync(join(root, 'lib/journeys', `${journey}.ts`))).toBe(true);
    expect(existsSync(join(root, 'scenarios', `${journey}.ts`))).toBe(true);
    expect(existsSync(join(root, 'k6-bundles', `${journey}.js`))).toBe(true);
    expect(read('scenarios/mix.ts')).toContain(`export function ${MIX_EXEC[journey]}(`);
    expect(DEFAULT_WEIGHTS[journey]).toBeGreaterThanOrEqual(0);
  });

  it('names exactly the scenario variables lib/config.ts reads', () => {
    expect(Object.keys(Env.shape).sort()).toEqual([...SCENARIO_VARIABLES].sort());
  });

  it('has every scenario file: one per journey, and the mix', () => {
    const scenarios = readdirSync(join(root, 'scenarios')).map((f) => f.replace(/\.ts$/, ''));
    expect(scenarios.sort()).toEqual([...JOURNEYS, MIX].sort());
    expect(existsSync(join(root, 'k6-bundles', `${MIX}.js`))).toBe(true);
  });

  it('is what loadgate run accepts', () => {
    for (const profile of PROFILES) expect(parseRunArgs([profile])?.profile).toBe(profile);
    for (const journey of [MIX, ...JOURNEYS])
      expect(parseRunArgs(['smoke', '--journey', journey])?.journey).toBe(journey);
    expect(() => parseRunArgs(['smoke', '--journey', 'nope'])).toThrow(
      `expected ${[MIX, ...JOURNEYS].join(', ')}`,
    );
  });
});

// The registry of objective kinds (slo/kinds/index.ts), the golden folders
// (test/slo/golden/<kind>/) and the spec stay in step: a new kind is its file,
// its registry entry and its golden folder, and forgetting one fails here.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kinds } from '../../slo/kinds/index.ts';
import { parseSpec } from '../../slo/spec.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
const folders = (await readdir(GOLDEN, { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const registered: string[] = kinds.map((k) => k.kind);

describe('the kind registry', () => {
  it('registers each kind once', () => {
    expect(new Set(registered).size).toBe(registered.length);
  });

  it('has a golden folder for every registered kind', () => {
    expect(registered.filter((kind) => !folders.includes(kind))).toEqual([]);
  });

  it('has no golden folder for a kind it does not register', () => {
    expect(folders.filter((folder) => !registered.includes(folder))).toEqual([]);
  });

  it.each(folders)('golden/%s/spec.yaml judges objectives of its kind', async (folder) => {
    const file = join(GOLDEN, folder, 'spec.yaml');
    const spec = parseSpec(await readFile(file, 'utf8'), file);
    expect(spec.objectives.map((o) => o.kind)).toContain(folder);
  });
});

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CPU_TARGET, MEMORY_TARGET, SERVICES, hpaName } from '../../infra/local/services.ts';
import { ExitError } from '../../core/errors.ts';
import { parseSpec, type SloSpec } from '../../slo/spec.ts';

// The specs judge the documented autoscaling table (seed 001): every HPA,
// each with its row, and the local platform runs exactly that table.

const SLO = resolve(import.meta.dirname, '../../slo');
const load = async (file: string) => parseSpec(await readFile(resolve(SLO, file), 'utf8'), file);

/** Every row of every hpa-drift objective, by HPA. */
function driftRows(spec: SloSpec) {
  return spec.objectives.flatMap((o) => (o.kind === 'hpa-drift' ? o.hpas : []));
}

const LOADED = SERVICES.map((s) => ({
  hpa: hpaName(s.deployment),
  min: s.minReplicas,
  max: s.maxReplicas,
  cpu: CPU_TARGET,
  memory: MEMORY_TARGET,
}));

describe('the documented HPA table in the specs', () => {
  it('platform.yaml checks every documented HPA against its row', async () => {
    const rows = driftRows(await load('platform.yaml'));
    // The eight services the journeys load, then the four others (2–8).
    expect(rows.slice(0, LOADED.length)).toEqual(LOADED);
    expect(rows.slice(LOADED.length).map((r) => [r.hpa, r.min, r.max])).toEqual(
      ['deliveries', 'questions', 'contacts', 'websites'].map((s) => [`${s}-service-hpa`, 2, 8]),
    );
    expect(rows.every((r) => r.cpu === 70 && r.memory === 80)).toBe(true);
  });

  it('platform.yaml and local.yaml judge every loaded HPA with each HPA check', async () => {
    for (const file of ['platform.yaml', 'local.yaml']) {
      const spec = await load(file);
      const checks = spec.objectives.flatMap((o) =>
        o.kind === 'hpa' && o.hpas ? [[o.check, o.hpas.map((r) => r.hpa)] as const] : [],
      );
      expect(new Set(checks.map(([c]) => c))).toEqual(
        new Set(['scaled-above-min', 'scale-up-time', 'never-above-max', 'not-pinned-at-max']),
      );
      for (const [, hpas] of checks) expect(hpas).toEqual(LOADED.map((r) => r.hpa));
    }
  });

  it('local.yaml documents exactly what the local platform runs', async () => {
    expect(driftRows(await load('local.yaml'))).toEqual(LOADED);
  });

  it('refuses an hpa objective with both one HPA and a table, or neither', () => {
    const spec = (fields: string) => `apiVersion: loadgate/v1
kind: SLO
metadata: { name: t }
objectives:
  - { name: x, kind: hpa, check: never-above-max${fields} }
`;
    expect(() => parseSpec(spec(', hpa: a, hpas: [{ hpa: b, min: 1, max: 2 }]'))).toThrow(
      /either `hpa`.*or `hpas`/,
    );
    expect(() => parseSpec(spec(''))).toThrow(/name the HPA/);
    expect(() => parseSpec(spec(', hpas: [{ hpa: b, min: 3, max: 2 }]'))).toThrow(ExitError);
  });
});

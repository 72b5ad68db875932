// `loadgate slo validate` runs slo/spec-check.ts's checks: a query that
// does not parse, or an undefined variable, is exit 2 there too, not only
// once `slo check` sends it (issue 12).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { main as slo } from '../../cli/commands/slo.ts';

afterEach(() => vi.restoreAllMocks());

it.each([
  [
    'an unclosed parenthesis',
    '{ name: q, kind: promql, query: "sum(x", bound: 1 }',
    /does not parse as PromQL/,
  ],
  [
    'an undefined $var',
    '{ name: q, kind: promql, query: "sum(x{a=\\"$nope\\"})", bound: 1 }',
    /unknown template variable \$nope/,
  ],
])('refuses a spec with %s (exit 2)', async (_what, objective, expected) => {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-validate-'));
  try {
    const file = join(dir, 'spec.yaml');
    await writeFile(
      file,
      `apiVersion: loadgate/v1\nkind: SLO\nmetadata: { name: t }\nobjectives:\n  - ${objective}\n`,
    );
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await slo(['validate', file])).toBe(2);
    expect(stderr.mock.calls.join('')).toMatch(expected);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

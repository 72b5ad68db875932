// slo/spec-check.ts: what `loadgate slo validate` and `loadgate run` (before
// load) refuse in a spec without asking Prometheus: a query that does not
// parse once its variables are substituted, and an undefined variable.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSpecFile, syntaxErrorAt } from '../../slo/spec-check.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-spec-check-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function spec(objectives: string): Promise<string> {
  const file = join(tmp, 'spec.yaml');
  await writeFile(
    file,
    `apiVersion: loadgate/v1\nkind: SLO\nmetadata: { name: t }\nvars: { service: api }\nobjectives:\n${objectives}`,
  );
  return file;
}

describe('the spec checks before Prometheus', () => {
  it('pass the shipped specs', async () => {
    for (const file of ['slo/local.yaml', 'slo/platform.yaml'])
      await expect(checkSpecFile(file, { profile: 'capacity' })).resolves.toBeDefined();
  });

  it('report every unparsable query and undefined variable at once', async () => {
    const file = await spec(
      [
        '  - { name: paren, kind: promql, query: "sum(rate(x[5m])", bound: 1 }',
        '  - { name: var, kind: latency, selector: \'service="$nope"\', quantile: 0.95, bound: 1 }',
        '  - { name: fine, kind: promql, query: \'sum(rate(x{service="$service"}[$window]))\', bound: 1 }',
        '  - { name: bad-selector, kind: error-ratio, selector: \'service=="$service"\', bound: 1 }',
      ].join('\n') + '\n',
    );
    const error = await checkSpecFile(file).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 2 });
    const message = (error as Error).message;
    expect(message).toMatch(/objective paren: the query does not parse/);
    expect(message).toMatch(/objective var: unknown template variable \$nope/);
    expect(message).toMatch(/objective bad-selector: the query does not parse/);
    expect(message).not.toMatch(/objective fine/);
  });

  it('finds the first syntax error', () => {
    expect(syntaxErrorAt('sum(rate(x[5m]))')).toBeUndefined();
    expect(syntaxErrorAt('sum(rate(x[5m])')).toBeTypeOf('number');
  });
});

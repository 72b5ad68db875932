// Without a Prometheus, runCheck judges what needs none (client objectives,
// from the run's summaries) and skips the rest as not checked, by name and
// with how to check them, in slo.json, slo.md and junit.xml; the verdict is
// then WARN, never PASS, while a skip for the profile changes nothing.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../slo/index.ts';
import { conclude, type ObjectiveResult } from '../../slo/verdict.ts';

const SUMMARIES = join(import.meta.dirname, 'golden', 'client', 'run');
const HINT = 'install it (apt-get install prometheus)';

let dir: string;
let stderr: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loadgate-slo-unchecked-'));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function judge(objectives: object[], profile = 'smoke') {
  const runDir = await mkdtemp(join(dir, 'run-'));
  await cp(SUMMARIES, runDir, { recursive: true });
  const spec = join(runDir, 'spec.yaml');
  await writeFile(
    spec,
    JSON.stringify({
      apiVersion: 'loadgate/v1',
      kind: 'SLO',
      metadata: { name: 'np' },
      objectives,
    }),
  );
  stderr = '';
  const result = await runCheck({
    spec,
    runDir,
    profile,
    from: new Date('2024-01-01T00:00:00Z'),
    to: new Date('2024-01-01T00:10:00Z'),
    withoutPrometheus: HINT,
  });
  const read = (file: string) => readFile(join(runDir, file), 'utf8');
  return { ...result, runDir, read };
}

const CHECKS = { name: 'k6-checks', kind: 'client', check: 'checks', bound: 0.99 };
const P95 = { name: 'gateway-p95', kind: 'latency', key: true, bound: 1 };
const HPA = {
  name: 'gateway-hpa-scaled',
  kind: 'hpa',
  check: 'scaled-above-min',
  hpa: 'api-gateway',
  min: 3,
  profiles: ['capacity'],
};
const BASELINE = {
  name: 'p95-vs-baseline',
  kind: 'baseline',
  objective: 'gateway-p95',
  against: '/nonexistent',
  maxIncrease: 10,
};

describe('runCheck without Prometheus', () => {
  it('judges the client side, names what it could not check, and warns', async () => {
    const { exitCode, verdict, read } = await judge([CHECKS, P95, HPA, BASELINE]);
    expect(exitCode).toBe(0);
    expect(verdict.status).toBe('warn');
    expect(verdict.prometheus).toBeUndefined();
    expect(verdict.objectives.map((r) => [r.name, r.status, r.skippedBecause])).toEqual([
      ['k6-checks', 'pass', undefined],
      ['gateway-p95', 'skipped', 'no-prometheus'],
      ['gateway-hpa-scaled', 'skipped', 'profile'],
      // It compares gateway-p95, which was not checked: neither is it.
      ['p95-vs-baseline', 'skipped', 'no-prometheus'],
    ]);
    expect(verdict.objectives[1]).toMatchObject({
      message: expect.stringMatching(/not checked/),
      hint: HINT,
    });
    // Only the judged objective is scored.
    expect(verdict.score).toBe(1);

    const slo = JSON.parse(await read('slo.json'));
    expect(slo.objectives[1]).toMatchObject({ status: 'skipped', skippedBecause: 'no-prometheus' });
    const md = await read('slo.md');
    expect(md).toContain('⚠️');
    expect(md).toMatch(/Not checked without Prometheus.*gateway-p95, p95-vs-baseline/);
    expect(md).toContain(HINT);
    const junit = await read('junit.xml');
    for (const name of ['gateway-p95', 'p95-vs-baseline'])
      expect(junit).toMatch(
        new RegExp(
          `name="${name}"[^\\n]*\\n\\s*<skipped message="not checked[^"]*apt-get install prometheus`,
        ),
      );
    expect(junit).toMatch(
      /name="gateway-hpa-scaled"[^\n]*\n\s*<skipped message="applies to capacity/,
    );
    expect(stderr).toContain('not checked without Prometheus');
    expect(stderr).toContain('gateway-p95, p95-vs-baseline');
  });

  it('still fails on a client objective that fails', async () => {
    const strict = { ...CHECKS, key: true, bound: 0.9995 };
    const { exitCode, verdict } = await judge([strict, P95]);
    expect(verdict.status).toBe('fail');
    expect(exitCode).toBe(1);
  });

  it('warns, not fails, when nothing at all could be checked', async () => {
    const { exitCode, verdict } = await judge([P95]);
    expect(verdict).toMatchObject({ status: 'warn', score: 0 });
    expect(exitCode).toBe(0);
  });
});

describe('conclude', () => {
  const result = (name: string, extra: Partial<ObjectiveResult>): ObjectiveResult => ({
    name,
    kind: 'promql',
    key: false,
    weight: 1,
    status: 'pass',
    failed: false,
    value: 1,
    unit: '',
    measured: '1',
    bound: '≥ 1',
    ...extra,
  });
  const profileSkip = result('heavy', {
    status: 'skipped',
    skippedBecause: 'profile',
    value: null,
  });
  const legacySkip = result('old', { status: 'skipped', value: null });
  const noProm = result('server', {
    status: 'skipped',
    skippedBecause: 'no-prometheus',
    value: null,
  });

  it('passes with objectives skipped for the profile (also in an older slo.json)', () => {
    expect(conclude([result('a', {}), profileSkip, legacySkip], 0.9).status).toBe('pass');
  });

  it('warns with an objective not checked', () => {
    expect(conclude([result('a', {}), noProm], 0.9)).toMatchObject({ status: 'warn', exitCode: 0 });
  });

  it('keeps failing an all-skipped-for-profile verdict, as before', () => {
    expect(conclude([profileSkip], 0.9).status).toBe('fail');
  });
});

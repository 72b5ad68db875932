// A first run has no baseline: the baseline objective is skipped with a
// one-line note and the verdict is not held at WARN for it; the score is
// shown as measured, never rounded up to its minimum.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../slo/index.ts';
import { consoleTable, markdown } from '../../slo/verdict-formats.ts';
import { conclude, formatScore, type ObjectiveResult, type Verdict } from '../../slo/verdict.ts';

const result = (name: string, extra: Partial<ObjectiveResult> = {}): ObjectiveResult => ({
  name,
  kind: 'latency',
  key: false,
  weight: 1,
  status: 'pass',
  failed: false,
  value: 0.2,
  unit: 's',
  measured: '200 ms',
  bound: '≤ 1 s',
  ...extra,
});

function verdictOf(objectives: ObjectiveResult[], minScore: number): Verdict {
  return {
    apiVersion: 'loadgate/v1',
    kind: 'SLOVerdict',
    spec: 's',
    window: { loadStart: 'a', start: 'a', end: 'b' },
    ...conclude(objectives, minScore),
    minScore,
    objectives,
  };
}

describe('formatScore', () => {
  it('prints the score as measured, to two decimals, never rounded up', () => {
    expect(formatScore(26 / 29, 0.9)).toBe('89.66 %');
    expect(formatScore(0.89999, 0.9)).toBe('89.99 %');
    expect(formatScore(0.89999)).toBe('90 %');
    expect(formatScore(0.29)).toBe('29 %');
    expect(formatScore(1)).toBe('100 %');
  });

  it('shows a failing 89.66 % beside its 90 % minimum in the console and slo.md', () => {
    const objectives = [
      ...Array.from({ length: 26 }, (_, i) => result(`ok-${i}`)),
      ...Array.from({ length: 3 }, (_, i) => result(`bad-${i}`, { status: 'fail', failed: true })),
    ];
    const v = verdictOf(objectives, 0.9);
    expect(v.status).toBe('fail');
    expect(consoleTable(v)).toContain('score 89.66 % (min 90 %)');
    expect(markdown(v)).toContain('score 89.66 % (min 90 %)');
  });
});

describe('a first run, with no baseline', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loadgate-first-run-'));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('skips the baseline objective with a one-line note, and the run passes', async () => {
    await cp(join(import.meta.dirname, 'golden', 'client', 'run'), dir, { recursive: true });
    const spec = join(dir, 'spec.yaml');
    await writeFile(
      spec,
      JSON.stringify({
        apiVersion: 'loadgate/v1',
        kind: 'SLO',
        metadata: { name: 'first' },
        vars: { baseline: join(dir, 'baseline') },
        objectives: [
          { name: 'k6-checks', kind: 'client', check: 'checks', bound: 0.99 },
          {
            name: 'checks-vs-baseline',
            kind: 'baseline',
            objective: 'k6-checks',
            against: '$baseline',
            maxIncrease: 10,
          },
        ],
      }),
    );
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { exitCode, verdict } = await runCheck({
      spec,
      runDir: dir,
      from: new Date('2024-01-01T00:00:00Z'),
      to: new Date('2024-01-01T00:10:00Z'),
    });
    vi.restoreAllMocks();
    expect(verdict.objectives.map((r) => [r.name, r.status, r.skippedBecause ?? null])).toEqual([
      ['k6-checks', 'pass', null],
      ['checks-vs-baseline', 'skipped', 'no-baseline'],
    ]);
    expect(verdict.status).toBe('pass');
    expect(exitCode).toBe(0);
    // One line of note below the table: no query, no hint.
    const below = stdout.split('\n').slice(stdout.split('\n').findIndex((l) => l === '') + 1);
    expect(below.filter((l) => l.trim() !== '' && !l.startsWith('SLO '))).toEqual([
      `– skipped checks-vs-baseline: no baseline at ${join(dir, 'baseline')} yet (a first run?): pass --baseline results/<run-id> to compare`,
    ]);
    expect(stdout).toContain('SLO PASS');
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toMatch(
      /name="checks-vs-baseline"[^\n]*\n\s*<skipped message="no baseline/,
    );
  });
});

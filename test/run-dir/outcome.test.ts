// The run's outcome: every case `loadgate run` (exit code) and the report
// (headline) tell apart, decided by the one function both use.
import { describe, expect, it } from 'vitest';
import { ranToEnd, runOutcome, type OutcomeInput } from '../../run-dir/outcome.ts';
import { EXIT } from '../../core/errors.ts';

const finished: OutcomeInput = { engine: 'builtin', exitCode: 0, interrupted: false };
const slo = (status: 'pass' | 'warn' | 'fail', exitCode: number) => ({
  status,
  exitCode,
  score: status === 'fail' ? 0.5 : 1,
  minScore: 0.9,
});

describe('the outcome of a run', () => {
  it('passes when the engine, the thresholds and the SLO all pass', () => {
    expect(
      runOutcome({ ...finished, thresholds: { total: 3, failed: 0 }, slo: slo('pass', 0) }),
    ).toEqual({
      exitCode: EXIT.ok,
      headline: 'PASS',
      tone: 'pass',
      reasons: ['all 3 k6 thresholds passed', 'SLO verdict pass (score 100 %, minimum 90 %)'],
    });
    expect(runOutcome(finished)).toMatchObject({ exitCode: 0, headline: 'PASS' });
    expect(runOutcome(finished).reasons).toEqual(['no SLO verdict']);
  });

  it('fails with exit 1 when k6 thresholds failed (engine exit 99), SLO or not', () => {
    const crossed = { ...finished, exitCode: EXIT.thresholdsFailed };
    expect(runOutcome(crossed)).toMatchObject({ exitCode: EXIT.failed, headline: 'FAIL' });
    expect(runOutcome(crossed).reasons).toContain('k6 thresholds failed (exit code 99)');
    expect(runOutcome({ ...crossed, slo: slo('pass', 0) })).toMatchObject({
      exitCode: EXIT.failed,
      headline: 'FAIL',
      tone: 'fail',
    });
    // The report counts them in the summaries.
    const counted = runOutcome({ ...crossed, thresholds: { total: 4, failed: 1 } });
    expect(counted.reasons).toContain('1 of 4 k6 thresholds failed');
    expect(runOutcome({ ...finished, thresholds: { total: 4, failed: 1 } }).headline).toBe('FAIL');
  });

  it("passes an engine error's k6 code through, and does not judge that run", () => {
    for (const code of [EXIT.invalidConfig, EXIT.scriptException, EXIT.scriptAborted]) {
      const broken = { ...finished, engine: 'k6' as const, exitCode: code };
      expect(ranToEnd(broken)).toBe(false);
      const outcome = runOutcome(broken);
      expect(outcome).toMatchObject({ exitCode: code, headline: 'FAIL', tone: 'fail' });
      expect(outcome.reasons).toContain(`the k6 engine exited with code ${code}`);
    }
  });

  it('is INTERRUPTED with exit 105 when the load was stopped, whatever else is known', () => {
    const stopped = { ...finished, interrupted: true };
    expect(ranToEnd(stopped)).toBe(false);
    expect(runOutcome(stopped)).toMatchObject({
      exitCode: EXIT.interrupted,
      headline: 'INTERRUPTED',
      tone: 'warn',
    });
    expect(runOutcome(stopped).reasons[0]).toBe('the run was interrupted: the results are partial');
    // The engine's own code when it gave one (real k6 exits 105 itself).
    expect(runOutcome({ ...stopped, exitCode: EXIT.thresholdsFailed }).exitCode).toBe(99);
    expect(runOutcome({ ...stopped, slo: slo('fail', 1) }).headline).toBe('INTERRUPTED');
  });

  it("takes the SLO verdict's code: 1 failed, 2 a rejected query, 3 Prometheus failing", () => {
    expect(ranToEnd(finished)).toBe(true);
    expect(ranToEnd({ ...finished, exitCode: EXIT.thresholdsFailed })).toBe(true);
    for (const code of [EXIT.failed, EXIT.badInput, EXIT.infrastructure])
      expect(runOutcome({ ...finished, slo: slo('fail', code) })).toMatchObject({
        exitCode: code,
        headline: 'FAIL',
        tone: 'fail',
      });
    // Over failed thresholds too: the SLO's reason is the more specific.
    const both = { ...finished, exitCode: EXIT.thresholdsFailed, slo: slo('fail', 3) };
    expect(runOutcome(both).exitCode).toBe(EXIT.infrastructure);
    expect(runOutcome({ ...finished, slo: slo('fail', 1) }).reasons).toContain(
      'SLO verdict fail (score 50 %, minimum 90 %)',
    );
  });

  it('warns, with exit 0, on an SLO warning', () => {
    expect(runOutcome({ ...finished, slo: slo('warn', 0) })).toMatchObject({
      exitCode: EXIT.ok,
      headline: 'WARN',
      tone: 'warn',
    });
  });
});

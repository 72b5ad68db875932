// What a run came to, decided once: from how the engine ended (its exit code,
// an interruption), the k6 thresholds and the SLO verdict, both the exit code
// of `loadgate run` and the headline of the report. Pure, so the CLI and the
// page cannot disagree about a run.
import type { RunRecord } from './record.ts';
import { EXIT } from '../core/errors.ts';
import { formatScore, type Verdict } from '../slo/verdict.ts';
import { saturationReasons } from './generator.ts';

export type OutcomeInput = Pick<RunRecord, 'engine' | 'exitCode' | 'interrupted' | 'generator'> & {
  /**
   * The k6 thresholds as the summaries list them (the report reads them).
   * Without them the engine's exit code 99 says that some failed.
   */
  thresholds?: { total: number; failed: number };
  /** The SLO verdict (slo.json), when the check ran. */
  slo?: Pick<Verdict, 'status' | 'score' | 'minScore' | 'exitCode'>;
};

export type Outcome = {
  exitCode: number;
  headline: 'PASS' | 'WARN' | 'FAIL' | 'INCONCLUSIVE' | 'INTERRUPTED';
  tone: 'pass' | 'warn' | 'fail';
  /** One sentence per source (engine, thresholds, SLO), for the report. */
  reasons: string[];
};

/**
 * The load ran to its end (the engine exited 0, or 99 for failed thresholds),
 * so the run is worth judging against its SLOs.
 */
export function ranToEnd(run: Pick<RunRecord, 'exitCode' | 'interrupted'>): boolean {
  return !run.interrupted && (run.exitCode === EXIT.ok || run.exitCode === EXIT.thresholdsFailed);
}

export function runOutcome(run: OutcomeInput): Outcome {
  const { thresholds, slo } = run;
  const engineFailed = !run.interrupted && !ranToEnd(run);
  const thresholdsFailed = (thresholds?.failed ?? 0) > 0 || run.exitCode === EXIT.thresholdsFailed;

  const reasons: string[] = [];
  if (run.interrupted) reasons.push('the run was interrupted: the results are partial');
  if (engineFailed) reasons.push(`the ${run.engine} engine exited with code ${run.exitCode}`);
  if (thresholds && thresholds.total > 0)
    reasons.push(
      thresholds.failed > 0
        ? `${thresholds.failed} of ${thresholds.total} k6 thresholds failed`
        : `all ${thresholds.total} k6 thresholds passed`,
    );
  else if (run.exitCode === EXIT.thresholdsFailed)
    reasons.push('k6 thresholds failed (exit code 99)');
  reasons.push(
    slo
      ? `SLO verdict ${slo.status} (score ${formatScore(slo.score, slo.minScore)}, minimum ${formatScore(slo.minScore)})`
      : 'no SLO verdict',
  );

  // Interrupted: partial results, the engine's own code (k6 says 105 itself).
  if (run.interrupted)
    return {
      exitCode: run.exitCode || EXIT.interrupted,
      headline: 'INTERRUPTED',
      tone: 'warn',
      reasons,
    };
  // A script error, invalid options…: k6's code passes through.
  if (engineFailed) return { exitCode: run.exitCode, headline: 'FAIL', tone: 'fail', reasons };
  // The generator was the bottleneck: the run proves nothing, pass or fail (exit 1).
  const saturated = saturationReasons(run.generator);
  if (saturated.length > 0 || slo?.status === 'inconclusive')
    return {
      exitCode: slo?.exitCode || EXIT.failed,
      headline: 'INCONCLUSIVE',
      tone: 'warn',
      reasons: [...saturated.map((r) => `inconclusive: ${r}`), ...reasons],
    };
  // The SLO's code (1 failed, 2 a rejected query, 3 Prometheus failing) wins over thresholds' 1.
  const exitCode = slo?.exitCode || (thresholdsFailed ? EXIT.failed : EXIT.ok);
  if (thresholdsFailed || slo?.status === 'fail')
    return { exitCode, headline: 'FAIL', tone: 'fail', reasons };
  if (slo?.status === 'warn') return { exitCode, headline: 'WARN', tone: 'warn', reasons };
  return { exitCode, headline: 'PASS', tone: 'pass', reasons };
}

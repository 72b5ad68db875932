import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration, parseDuration } from './prom-duration.ts';
import { evaluate } from './evaluate.ts';
import { PrometheusClient, type PrometheusOptions } from './prometheus.ts';
import { pushVerdict } from './push.ts';
import { consoleTable, junit, markdown } from './verdict-formats.ts';
import { loadSpec } from './spec.ts';
import { conclude, unchecked, withGeneratorHealth, type Verdict } from './verdict.ts';
import { resolveWindow, stepFor } from './window.ts';
import { EXIT } from '../core/errors.ts';
import { redactUrl } from '../core/urls.ts';
import { createDirectory } from '../run-dir/create.ts';
import { RUN_FILES } from '../run-dir/files.ts';
import type { RunRecord } from '../run-dir/record.ts';
import { readValidSummaries } from '../run-dir/summary.ts';

export type { Verdict, ObjectiveResult } from './verdict.ts';
export { SloSpec, parseSpec, loadSpec } from './spec.ts';

export type CheckOptions = {
  /** Path of the YAML spec. */
  spec: string;
  /**
   * The Prometheus API to ask. Without one, the objectives that need it are
   * skipped as not checked (the verdict is then at best `warn`) and the others
   * (client objectives, from the run directory's summaries) are judged.
   */
  prometheusUrl?: string;
  /** Without prometheusUrl: how to get one, e.g. `apt-get install prometheus` (default: pass --prometheus URL). */
  withoutPrometheus?: string;
  /** The run judged, as `loadgate run` recorded it: its window (unless from/to) and its id. */
  run?: RunRecord;
  /** results/<run-id>: its summaries give the client side; the default output dir. */
  runDir?: string;
  /**
   * The profile judged: objectives scoped to other profiles are skipped. The
   * caller knows it (the run record's, or one the user named); none judges every objective.
   */
  profile?: string;
  from?: Date;
  to?: Date;
  /** A window ending now, e.g. `15m` (used when from/to are absent). */
  last?: string;
  /** Where slo.json, slo.md and junit.xml go (default: runDir; none without either). */
  outDir?: string;
  /** No console table on stdout. */
  quiet?: boolean;
  /** Override the spec's vars. */
  vars?: Record<string, string>;
  /** Auth and TLS for the Prometheus API. */
  auth?: Omit<PrometheusOptions, 'url' | 'timeoutMs'>;
  /** Push the verdict metrics there. */
  pushgatewayUrl?: string;
  /** Clock, for tests. */
  now?: () => Date;
};

/**
 * Judges a run: evaluates the spec against Prometheus (or, without one, what
 * can be judged without it), prints the table,
 * writes slo.json / slo.md / junit.xml and optionally pushes the verdict.
 * Exit code: 0 pass, 1 an SLO failed, 2 bad input, 3 Prometheus failing.
 * Bad input and an unreachable Prometheus throw ExitError instead.
 */
export async function runCheck(
  opts: CheckOptions,
): Promise<{ exitCode: number; verdict: Verdict }> {
  const spec = await loadSpec(opts.spec);
  const now = opts.now ?? (() => new Date());
  const { run, profile } = opts;
  const window = resolveWindow({
    run,
    from: opts.from,
    to: opts.to,
    last: opts.last,
    warmup: spec.window.warmup,
    now: now(),
  });
  if (window.note) process.stderr.write(`slo: ${window.note}\n`);
  const step = stepFor(window.loadStart, window.end, parseDuration(spec.window.step) / 1000);
  const vars: Record<string, string> = {
    ...spec.vars,
    ...opts.vars,
    window: formatDuration((window.end.getTime() - window.start.getTime()) / 1000),
    start: String(window.start.getTime() / 1000),
    end: String(window.end.getTime() / 1000),
    step: `${step}s`,
  };
  const client =
    opts.prometheusUrl === undefined
      ? undefined
      : new PrometheusClient({
          ...opts.auth,
          url: opts.prometheusUrl,
          timeoutMs: parseDuration(spec.defaults.timeout),
        });
  let verdict: Verdict;
  try {
    const results = await evaluate(
      spec,
      {
        client,
        withoutPrometheus: opts.withoutPrometheus,
        window,
        step,
        vars,
        runDir: opts.runDir,
        summaries: opts.runDir ? await readValidSummaries(opts.runDir) : new Map(),
        results: new Map(),
        now,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      },
      profile,
      run?.stages,
    );
    verdict = {
      apiVersion: 'loadgate/v1',
      kind: 'SLOVerdict',
      spec: spec.metadata.name,
      profile,
      run: run?.id,
      prometheus: client?.url,
      window: {
        loadStart: window.loadStart.toISOString(),
        start: window.start.toISOString(),
        end: window.end.toISOString(),
      },
      ...conclude(results, spec.minScore),
      minScore: spec.minScore,
      objectives: results,
    };
    // A saturated load generator makes the run inconclusive (its record says how it fared).
    verdict = withGeneratorHealth(verdict, run?.generator);
  } finally {
    await client?.close();
  }

  if (!opts.quiet) process.stdout.write(consoleTable(verdict));
  const outDir = opts.outDir ?? opts.runDir;
  if (outDir) {
    await createDirectory(outDir, `the verdict's directory`);
    await Promise.all([
      writeFile(join(outDir, RUN_FILES.verdict), JSON.stringify(verdict, null, 2) + '\n'),
      writeFile(join(outDir, RUN_FILES.verdictMarkdown), markdown(verdict)),
      writeFile(join(outDir, RUN_FILES.junit), junit(verdict)),
    ]);
    process.stderr.write(
      `slo: wrote ${RUN_FILES.verdict}, ${RUN_FILES.verdictMarkdown} and ${RUN_FILES.junit} to ${outDir}\n`,
    );
  }
  if (opts.pushgatewayUrl) {
    try {
      // metadata.profile labels the pushed series (its schema says so), by default the judged profile.
      const label = spec.metadata.profile ?? profile ?? spec.metadata.name;
      await pushVerdict(opts.pushgatewayUrl, verdict, label);
    } catch (error) {
      // The verdict stands; a scheduled run's missing point is reported, not fatal.
      process.stderr.write(
        `slo: could not push to ${redactUrl(opts.pushgatewayUrl)}: ${(error as Error).message}\n`,
      );
    }
  }
  const notChecked = verdict.objectives.filter(unchecked);
  if (notChecked.length > 0)
    process.stderr.write(
      `slo: ${notChecked.length} objective(s) not checked without Prometheus, so the verdict is at best WARN: ${notChecked.map((r) => r.name).join(', ')}\n` +
        `slo: to check them: ${opts.withoutPrometheus ?? 'pass --prometheus URL'}\n`,
    );
  if (verdict.exitCode === EXIT.badInput)
    process.stderr.write(
      'slo: a query in the spec was rejected by Prometheus (see the error rows)\n',
    );
  if (verdict.exitCode === EXIT.infrastructure)
    process.stderr.write('slo: Prometheus failed to run some queries (see the error rows)\n');
  return { exitCode: verdict.exitCode, verdict };
}

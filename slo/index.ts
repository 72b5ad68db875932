import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration, parseDuration } from './prom-duration.ts';
import { evaluate } from './evaluate.ts';
import { readSummaries } from './k6-summary.ts';
import { PrometheusClient, type PrometheusOptions } from './prometheus.ts';
import { pushVerdict } from './push.ts';
import { consoleTable, junit, markdown } from './verdict-formats.ts';
import type { RunRecord } from './run-record.ts';
import { loadSpec } from './spec.ts';
import { conclude, type Verdict } from './verdict.ts';
import { readRunRecord, resolveWindow, stepFor } from './window.ts';
import { EXIT } from '../core/errors.ts';

export type { Verdict, ObjectiveResult } from './verdict.ts';
export { RunRecord } from './run-record.ts';
export { SloSpec, parseSpec, loadSpec } from './spec.ts';

export type CheckOptions = {
  /** Path of the YAML spec. */
  spec: string;
  prometheusUrl: string;
  /** results/<run-id>: run.json gives the window, summary*.json the client side; default output dir. */
  runDir?: string;
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
 * Judges a run: evaluates the spec against Prometheus, prints the table,
 * writes slo.json / slo.md / junit.xml and optionally pushes the verdict.
 * Exit code: 0 pass, 1 an SLO failed, 2 bad input, 3 Prometheus failing.
 * Bad input and an unreachable Prometheus throw ExitError instead.
 */
export async function runCheck(
  opts: CheckOptions,
): Promise<{ exitCode: number; verdict: Verdict }> {
  const spec = await loadSpec(opts.spec);
  const now = opts.now ?? (() => new Date());
  let run: RunRecord | undefined;
  if (opts.runDir && !(opts.from && opts.to)) run = await readRunRecord(opts.runDir);
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
  const client = new PrometheusClient({
    ...opts.auth,
    url: opts.prometheusUrl,
    timeoutMs: parseDuration(spec.defaults.timeout),
  });
  const profile = spec.metadata.profile ?? run?.profile ?? opts.vars?.profile;
  let verdict: Verdict;
  try {
    const results = await evaluate(
      spec,
      {
        client,
        window,
        step,
        vars,
        runDir: opts.runDir,
        summaries: opts.runDir ? await readSummaries(opts.runDir) : new Map(),
        results: new Map(),
        now,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      },
      profile,
    );
    verdict = {
      apiVersion: 'loadgate/v1',
      kind: 'SLOVerdict',
      spec: spec.metadata.name,
      profile,
      run: run?.id,
      prometheus: client.url,
      window: {
        loadStart: window.loadStart.toISOString(),
        start: window.start.toISOString(),
        end: window.end.toISOString(),
      },
      ...conclude(results, spec.minScore),
      minScore: spec.minScore,
      objectives: results,
    };
  } finally {
    await client.close();
  }

  if (!opts.quiet) process.stdout.write(consoleTable(verdict));
  const outDir = opts.outDir ?? opts.runDir;
  if (outDir) {
    await mkdir(outDir, { recursive: true });
    await Promise.all([
      writeFile(join(outDir, 'slo.json'), JSON.stringify(verdict, null, 2) + '\n'),
      writeFile(join(outDir, 'slo.md'), markdown(verdict)),
      writeFile(join(outDir, 'junit.xml'), junit(verdict)),
    ]);
    process.stderr.write(`slo: wrote slo.json, slo.md and junit.xml to ${outDir}\n`);
  }
  if (opts.pushgatewayUrl) {
    try {
      await pushVerdict(opts.pushgatewayUrl, verdict, verdict.profile ?? spec.metadata.name);
    } catch (error) {
      // The verdict stands; a scheduled run's missing point is reported, not fatal.
      process.stderr.write(
        `slo: could not push to ${opts.pushgatewayUrl}: ${(error as Error).message}\n`,
      );
    }
  }
  if (verdict.exitCode === EXIT.badInput)
    process.stderr.write(
      'slo: a query in the spec was rejected by Prometheus (see the error rows)\n',
    );
  if (verdict.exitCode === EXIT.infrastructure)
    process.stderr.write('slo: Prometheus failed to run some queries (see the error rows)\n');
  return { exitCode: verdict.exitCode, verdict };
}

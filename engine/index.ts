// The programmatic API `loadgate run` uses: runs a k6 script with real k6
// when it is installed (or asked for), else with the built-in engine, and
// says on stderr which one ran.
import { dirname, resolve } from 'node:path';
import { requestedOutputs } from './outputs/index.ts';
import { progressReporter } from './progress.ts';
import { findK6, runK6, type K6Invocation } from './real-k6.ts';
import { runTest } from './runner.ts';
import type { SummaryData } from './end-of-test-summary.ts';
import { InputError } from '../core/errors.ts';

export type { SummaryData } from './end-of-test-summary.ts';

/** What both engines take (see real-k6.ts), plus what only this API decides. */
export type RunScriptOptions = K6Invocation & {
  signal?: AbortSignal;
  engine?: 'auto' | 'builtin' | 'k6';
  /**
   * The built-in engine's progress on stderr: true for a live line on a
   * terminal only (k6's behaviour); `plain` adds a line every 10 s elsewhere
   * (CI logs); `extra` appends what the caller knows (the local HPA's replicas).
   * Real k6 prints its own.
   */
  progress?: boolean | { plain?: boolean; extra?: () => string | undefined };
  cwd?: string;
};

export type RunScriptResult = { engine: 'builtin' | 'k6'; exitCode: number; summary?: SummaryData };

/**
 * Real k6's path when it will run, undefined for the built-in engine; an
 * InputError (2) when k6 is asked for and missing. Callers check it before
 * starting anything (loadgate run: before the local platform).
 */
export function engineOf(engine: RunScriptOptions['engine']): string | undefined {
  const k6 = engine === 'builtin' ? undefined : findK6();
  if (engine === 'k6' && !k6)
    throw new InputError(
      'k6 was asked for but is neither on PATH nor in K6_BIN',
      'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/), or set K6_BIN to its path, or use --engine builtin',
    );
  return k6;
}

export async function runScript(opts: RunScriptOptions): Promise<RunScriptResult> {
  const cwd = opts.cwd ?? process.cwd();
  const at = (p: string | undefined) => (p === undefined ? undefined : resolve(cwd, p));
  const script = at(opts.script)!;
  const k6 = engineOf(opts.engine);
  if (k6) {
    process.stderr.write(`loadgate: engine: k6 (${k6})\n`);
    const exitCode = await runK6(
      k6,
      { ...opts, script, summaryExport: at(opts.summaryExport) },
      { signal: opts.signal, cwd: dirname(script), outputsCwd: cwd },
    );
    return { engine: 'k6', exitCode };
  }
  process.stderr.write(
    'loadgate: engine: builtin (k6 not found on PATH; set K6_BIN to use real k6)\n',
  );
  const warn = (m: string) => void process.stderr.write(`WARN ${m}\n`);
  const outputs = requestedOutputs(opts).map((o) => o.create({ cwd, warn }));
  const { exitCode, summary } = await runTest({
    script,
    // k6 puts the system environment in __ENV, then -e values on top.
    env: { ...(process.env as Record<string, string>), ...opts.env },
    overrides: {
      vus: opts.vus,
      duration: opts.duration,
      iterations: opts.iterations,
      executionSegment: opts.executionSegment,
      executionSegmentSequence: opts.executionSegmentSequence,
      tags: opts.tags,
    },
    summaryExport: at(opts.summaryExport),
    outputs,
    signal: opts.signal,
    quiet: opts.quiet,
    noSummary: opts.noSummary,
    progress: progressOf(opts.progress),
  });
  return { engine: 'builtin', exitCode, summary };
}

function progressOf(request: RunScriptOptions['progress']) {
  if (!request) return undefined;
  const { plain = false, extra } = request === true ? {} : request;
  const tty = process.stderr.isTTY === true;
  if (!tty && !plain) return undefined;
  return progressReporter({ tty, extra, write: (t) => void process.stderr.write(t) });
}

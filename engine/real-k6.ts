// Running the real k6 with the same options: the binary from K6_BIN or PATH,
// and the argv/env that match the built-in engine's behaviour.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EXIT } from '../core/errors.ts';
import { requestedOutputs, type OutputRequest, type OutputShorthands } from './outputs/index.ts';
import type { Overrides } from './options.ts';

/** One run as k6's command line gives it; the overrides are the same for both engines. */
export type K6Invocation = OutputShorthands &
  Overrides & {
    script: string;
    env?: Record<string, string>;
    summaryExport?: string;
    /** `--out` outputs, besides the shorthands outJson and remoteWrite. */
    outputs?: OutputRequest[];
    quiet?: boolean;
    noSummary?: boolean;
  };

/** The k6 binary to use, or undefined when neither K6_BIN nor PATH has one. */
export function findK6(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.K6_BIN) return env.K6_BIN;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'k6');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** k6's argv and environment for `inv`; relative output paths start at `cwd`. */
export function k6Command(
  inv: K6Invocation,
  cwd = process.cwd(),
): { args: string[]; env: Record<string, string> } {
  const args = ['run'];
  for (const [k, v] of Object.entries(inv.env ?? {})) args.push('-e', `${k}=${v}`);
  if (inv.vus !== undefined) args.push('--vus', String(inv.vus));
  if (inv.duration !== undefined) args.push('--duration', inv.duration);
  if (inv.iterations !== undefined) args.push('--iterations', String(inv.iterations));
  if (inv.executionSegment !== undefined) args.push('--execution-segment', inv.executionSegment);
  if (inv.executionSegmentSequence !== undefined)
    args.push('--execution-segment-sequence', inv.executionSegmentSequence);
  for (const [k, v] of Object.entries(inv.tags ?? {})) args.push('--tag', `${k}=${v}`);
  if (inv.summaryExport) args.push('--summary-export', inv.summaryExport);
  const env: Record<string, string> = {};
  for (const output of requestedOutputs(inv)) {
    const k6 = output.k6({ cwd, warn: () => undefined });
    args.push(...k6.args);
    Object.assign(env, k6.env);
  }
  if (inv.quiet) args.push('--quiet');
  if (inv.noSummary) args.push('--no-summary');
  args.push(inv.script);
  return { args, env };
}

/**
 * Runs k6 in `cwd`; an abort sends SIGINT, so k6 stops like on Ctrl-C (exit
 * 105, summary written). Relative output paths start at `outputsCwd`.
 */
export function runK6(
  binary: string,
  inv: K6Invocation,
  opts: { signal?: AbortSignal; cwd?: string; outputsCwd?: string } = {},
): Promise<number> {
  const { args, env } = k6Command(inv, opts.outputsCwd);
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    const onAbort = () => child.kill('SIGINT');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      // Killed by a signal: SIGINT is k6's own interruption; anything else a plain failure.
      resolve(code ?? (signal === 'SIGINT' ? EXIT.interrupted : EXIT.failed));
    });
  });
}

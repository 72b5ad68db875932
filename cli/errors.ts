import type { z } from 'zod';

/** Exit codes shared by every command (documented in README.md). */
export const EXIT = {
  ok: 0,
  /** An SLO objective failed (or k6 thresholds, for `loadgate run`). */
  sloFailed: 1,
  /** Bad input: flags, spec, configuration, URL. Nothing was run. */
  badInput: 2,
  /** Prometheus unreachable or answering errors. */
  prometheus: 3,
} as const;

/**
 * The one error type a command throws to stop with a given exit code. The
 * single top-level catch in cli/main.ts prints `message` (and `hint`) to
 * stderr and exits with `code`; anything else is a bug and prints a stack.
 */
export class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

/** zod issues as `✖ message → at path`, one per line, every issue at once. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], root = ''): string {
  return issues
    .map((issue) => {
      const path = formatPath(issue.path);
      const at = root && path ? `${root}.${path}` : root || path;
      return `✖ ${issue.message}${at ? ` → at ${at}` : ''}`;
    })
    .join('\n');
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

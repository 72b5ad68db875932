// Exit codes and the errors that carry them: a leaf module (it imports nothing
// of the project), so any layer can say how a failure should end the process
// without knowing about the CLI, as k6's errext/exitcodes does. The single
// top-level catch in cli/main.ts turns an error into its code; an error that
// carries none is a bug (70). README.md's exit-code table is tested against EXIT.

/** Every exit code loadgate uses. The k6 ones are k6's own (errext/exitcodes/codes.go). */
export const EXIT = {
  ok: 0,
  /** An SLO objective failed, or k6 thresholds failed (`loadgate run`). */
  failed: 1,
  /** Bad input: flags, spec, configuration, URL. Nothing was run. */
  badInput: 2,
  /** Infrastructure unreachable or answering errors: Prometheus, a port in use. */
  infrastructure: 3,
  /** A bug in loadgate (EX_SOFTWARE): reported with a stack. */
  internal: 70,
  /** k6: a threshold was crossed (`loadgate k6 run`). */
  thresholdsFailed: 99,
  /** k6: setup() ran past setupTimeout; the summary is written. */
  setupTimeout: 100,
  /** k6: teardown() ran past teardownTimeout; the summary is written. */
  teardownTimeout: 101,
  /** k6: invalid options, or more VUs than the built-in engine can hold. */
  invalidConfig: 104,
  /** k6: interrupted (Ctrl-C, SIGTERM); partial results are written. */
  interrupted: 105,
  /** k6: the script threw (init, setup, teardown). */
  scriptException: 107,
  /** k6: the script called test.abort(). */
  scriptAborted: 108,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An error that knows how the process should end: `code`, and a `hint` that
 * says what to do about it. Libraries throw the neutral subclasses below.
 */
export class ExitError extends Error {
  constructor(
    readonly code: ExitCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input (exit 2): a flag, spec, configuration or URL is wrong. Nothing was run. */
export class InputError extends ExitError {
  constructor(message: string, hint?: string) {
    super(EXIT.badInput, message, hint);
  }
}

/** Infrastructure failing (exit 3): Prometheus unreachable or erroring, a port in use. */
export class InfrastructureError extends ExitError {
  constructor(message: string, hint?: string) {
    super(EXIT.infrastructure, message, hint);
  }
}

/**
 * Attaches an exit code to any error that has none yet (errext's
 * WithExitCodeIfNone): a lower layer's plain Error becomes, say, a k6
 * script exception without that layer knowing exit codes exist.
 */
export function withExitCode(error: unknown, code: ExitCode, hint?: string): ExitError {
  if (error instanceof ExitError) return error;
  const wrapped = new ExitError(code, error instanceof Error ? error.message : String(error), hint);
  if (error instanceof Error) wrapped.cause = error;
  return wrapped;
}

/** The exit code an error carries, or `internal` (a bug) when it carries none. */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof ExitError ? error.code : EXIT.internal;
}

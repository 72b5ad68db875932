// Why a test ends before its schedule does: Ctrl-C (an aborted signal),
// test.abort() in a VU, an abortOnFail threshold, or a VU that died (out of
// memory). One signal every part of the run listens to, and the first reason
// given, which decides the exit code (105, 108; a fatal error's own, 107).
import type { ExitError } from '../../core/errors.ts';

export class TestStop {
  readonly #controller = new AbortController();
  readonly signal = this.#controller.signal;
  /** 'interrupted' (Ctrl-C), or test.abort()'s reason; undefined for a threshold. */
  reason: string | undefined;

  /** The error that ended the test, when a VU died of it. */
  fatal: ExitError | undefined;

  abort(reason?: string): void {
    this.reason ??= reason;
    this.#controller.abort();
  }

  fail(error: ExitError): void {
    this.fatal ??= error;
    this.abort(error.message);
  }
}

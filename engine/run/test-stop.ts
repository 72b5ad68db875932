// Why a test ends before its schedule does: Ctrl-C (an aborted signal),
// test.abort() in a VU, or an abortOnFail threshold. One signal every part
// of the run listens to, and the first reason given, which decides the
// exit code (105, 108).
export class TestStop {
  readonly #controller = new AbortController();
  readonly signal = this.#controller.signal;
  /** 'interrupted' (Ctrl-C), or test.abort()'s reason; undefined for a threshold. */
  reason: string | undefined;

  abort(reason?: string): void {
    this.reason ??= reason;
    this.#controller.abort();
  }
}

// The parent's side of a run spread over child engine processes: when one
// process cannot map all the VUs (admission.ts), each child runs one part of
// this instance's segment (ExecutionTuple.split) and forwards every sample of
// its VUs, in order, to this process. Here they go through the same ingest as
// local VUs' samples, so the registry, the thresholds (abortOnFail too), the
// outputs, the progress line and the summary are those of one run; setup(),
// teardown() and handleSummary() run once, in this process's VU 0.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXIT, ExitError } from '../../core/errors.ts';
import type { ChildInit, FromChild, SampleBatch, ToChild } from '../protocol.ts';
import { VU_PROCESS_FLAGS } from '../vu-host.ts';

export type ChildrenConfig = {
  count: number;
  init: Omit<ChildInit, 't' | 'split'>;
  /** A VU's batch; `vuKey` tells apart the VUs of different children. */
  onSamples(vuKey: number, batch: SampleBatch): void;
  onDropped(scenario: string, time: number): void;
  /** The VUs taking part right now, and those initialised, over all children. */
  onVus(active: number, initialized: number): void;
  onAbort(reason: string): void;
  onFatal(error: ExitError): void;
};

/** Child `i`'s VU `id` is VU `(i + 1) * KEY_SPAN + id` for the ingest (one child never has a million VUs). */
const KEY_SPAN = 1_000_000;

export class EngineChildren {
  readonly #children: ChildProcess[] = [];
  readonly #active: number[];
  readonly #initialized: number[];
  readonly #done: Promise<void>[] = [];

  private constructor(count: number) {
    this.#active = Array.from({ length: count }, () => 0);
    this.#initialized = Array.from({ length: count }, () => 0);
  }

  /** Starts the children and waits until every one has its VUs initialised (or one failed: its exit code). */
  static async start(config: ChildrenConfig): Promise<EngineChildren> {
    const children = new EngineChildren(config.count);
    try {
      const ready = Array.from({ length: config.count }, (_, i) => children.#spawn(i, config));
      (await Promise.all(ready)).forEach((vus, i) => (children.#initialized[i] = vus));
    } catch (e) {
      await children.close();
      throw e;
    }
    return children;
  }

  /** VUs initialised in all the children. */
  get vus(): number {
    return this.#initialized.reduce((a, b) => a + b, 0);
  }

  #spawn(index: number, config: ChildrenConfig): Promise<number> {
    const child = fork(fileURLToPath(new URL('./child-engine.ts', import.meta.url)), [], {
      // The children run TypeScript as this process does (bin/loadgate.mjs), and
      // write their VUs' script errors straight to this process's stderr.
      execArgv: [...VU_PROCESS_FLAGS, '--import', import.meta.resolve('tsx')],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#children.push(child);
    let settle: { ready(vus: number): void; failed(e: ExitError): void } | undefined;
    const ready = new Promise<number>((resolve, reject) => {
      settle = { ready: resolve, failed: reject };
    });
    let finished!: () => void;
    this.#done.push(new Promise<void>((r) => (finished = r)));
    child.on('message', (msg: FromChild) => {
      switch (msg.t) {
        case 'ready':
          settle?.ready(msg.vus);
          break;
        case 'failed':
          settle?.failed(new ExitError(msg.code, msg.message));
          break;
        case 'items':
          for (const item of msg.items)
            if (item.kind === 'samples')
              config.onSamples((index + 1) * KEY_SPAN + item.vuId, item.batch);
            else config.onDropped(item.scenario, item.time);
          break;
        case 'vus':
          this.#active[index] = msg.active;
          this.#initialized[index] = msg.initialized;
          config.onVus(
            this.#active.reduce((a, b) => a + b, 0),
            this.vus,
          );
          break;
        case 'abort':
          config.onAbort(msg.reason);
          break;
        case 'fatal':
          config.onFatal(new ExitError(msg.code, msg.message));
          break;
        case 'done':
          finished();
          break;
      }
    });
    // A child that dies (killed for memory, say) ends the test as a VU that dies
    // does: stopped, the summary written, exit 107 naming it.
    const lost = (why: string) => {
      const e = new ExitError(
        EXIT.scriptException,
        `engine process ${index + 1} of ${config.count} ended unexpectedly (${why})`,
      );
      settle?.failed(e);
      if (this.#running) config.onFatal(e);
      finished();
    };
    child.on('exit', (code, signal) => lost(signal ?? `exit ${code}`));
    child.on('error', (e) => lost(e.message));
    this.#send(child, {
      t: 'init',
      ...config.init,
      split: { index, count: config.count },
    });
    return ready.finally(() => (settle = undefined));
  }

  #running = false;

  /** Runs the scenarios in every child, with setup()'s data, until all have ended. */
  async run(data: string | undefined, stopped: AbortSignal): Promise<void> {
    this.#running = true;
    const stop = () => this.#broadcast({ t: 'stop' });
    stopped.addEventListener('abort', stop, { once: true });
    this.#broadcast({ t: 'run', data });
    if (stopped.aborted) stop();
    await Promise.all(this.#done);
    this.#running = false;
    stopped.removeEventListener('abort', stop);
  }

  /** Tells every child to end, and waits until they have. */
  async close(): Promise<void> {
    this.#running = false;
    await Promise.all(
      this.#children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            this.#send(child, { t: 'exit' });
            // A child that does not answer is ended, so no VU outlives the test.
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  }

  #broadcast(msg: ToChild): void {
    for (const child of this.#children) this.#send(child, msg);
  }

  #send(child: ChildProcess, msg: ToChild): void {
    if (child.connected) child.send(msg);
  }
}

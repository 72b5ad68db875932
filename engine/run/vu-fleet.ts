// The VU threads of one run and what they share with the main thread: the
// script and worker code, the run-wide counters, the SharedArrays, the
// script's resolved options, and the HTTP exchanges the main thread serves
// for them. Every VU of the run is started here and terminated here.
import type { ExitError } from '../../core/errors.ts';
import { nativeAddon } from '../native-addon.ts';
import { GLOBAL, type ExchangeRequest, type FromWorker, type SampleBatch } from '../protocol.ts';
import { UndiciExchanger } from '../undici-exchange.ts';
import { VuHost } from '../vu-host.ts';

export type VuFleetConfig = {
  workerCode: string;
  /** The bundled script. */
  code: string;
  scriptPath: string;
  env: Record<string, string>;
  testStart: number;
  /** The first VU's id (0: VU 0, which runs setup(); a child process has none, its VUs start at 1). */
  firstId?: number;
  /** What the VUs say, besides HTTP: samples and test.abort(). */
  onSamples(vuId: number, batch: SampleBatch): void;
  onAbort(reason: string): void;
  /** A VU died in a way that ends the test (out of memory). */
  onFatal(error: ExitError): void;
  warn(message: string): void;
};

export class VuFleet {
  // Two slots per scenario after GLOBAL.firstSlot (see scheduling.ts): room for ~500 scenarios.
  readonly #global = new SharedArrayBuffer(4 * 1024);
  /** The run-wide counters VUs read through k6/execution (GLOBAL), then the scenarios' slots. */
  readonly counters = new Int32Array(this.#global);
  readonly #shared: Record<string, SharedArrayBuffer> = {};
  readonly #hosts: VuHost[] = [];
  readonly #config: VuFleetConfig;
  readonly #nativeHttp: string | undefined;
  #undici: UndiciExchanger | undefined;
  /** The options VUs started from now on get (unknown when VU 0 starts: it reads them). */
  options: Record<string, unknown> | undefined;

  constructor(config: VuFleetConfig) {
    this.#config = config;
    const addon = nativeAddon();
    if (addon.warning) config.warn(addon.warning);
    this.#nativeHttp = addon.path;
  }

  /** VUs running in child engine processes (engine/run/children.ts), counted in `size`. */
  remoteVus = 0;

  /** VUs started so far, VU 0 and the children's included. */
  get size(): number {
    return this.#hosts.length + this.remoteVus;
  }

  /** Starts the next VU and waits for its init code to have run. */
  async start(): Promise<VuHost> {
    const c = this.#config;
    const host = new VuHost({
      id: (c.firstId ?? 0) + this.#hosts.length,
      workerCode: c.workerCode,
      code: c.code,
      scriptPath: c.scriptPath,
      env: { ...c.env },
      global: this.#global,
      shared: this.#shared,
      options: this.options,
      testStart: c.testStart,
      nativeHttp: this.#nativeHttp,
      hooks: {
        http: (_vuId: number, reqs: ExchangeRequest[]) =>
          Promise.all(reqs.map((r) => this.#exchanger().exchange(r))),
        message: (vuId: number, msg: FromWorker) => {
          if (msg.t === 'samples') c.onSamples(vuId, msg);
          else if (msg.t === 'shared') this.#shared[msg.name] = msg.buffer;
          else if (msg.t === 'abort') c.onAbort(msg.reason);
        },
        fatal: (_vuId: number, error: ExitError) => c.onFatal(error),
      },
    });
    this.#hosts.push(host);
    await host.ready();
    if (host.id > 0) Atomics.add(this.counters, GLOBAL.vusInitialized, 1);
    return host;
  }

  // Made at the first request the main thread serves: by then the script's
  // options (insecureSkipTLSVerify, noConnectionReuse) are known.
  #exchanger(): UndiciExchanger {
    return (this.#undici ??= new UndiciExchanger({
      insecureSkipTLSVerify: this.options?.insecureSkipTLSVerify === true,
      noConnectionReuse: this.options?.noConnectionReuse === true,
    }));
  }

  /** Terminates every VU and closes the main thread's connections. */
  async close(): Promise<void> {
    await Promise.all(this.#hosts.map((h) => h.terminate().catch(() => undefined)));
    await this.#undici?.close();
  }
}

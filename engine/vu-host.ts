// The main-thread side of one VU worker: starts it, serves the HTTP
// exchanges it hands over, forwards its samples, and sends it commands one
// at a time.
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, Worker } from 'node:worker_threads';
import {
  CTRL,
  STOP,
  type Exchange,
  type ExchangeRequest,
  type FromWorker,
  type RunMode,
  type ScenarioInfo,
  type ToWorker,
  type VuInit,
} from './protocol.ts';
import { errorExchange } from './exchange.ts';
import { splitSourceMap } from './vu/stack.ts';
import { EXIT, ExitError } from '../core/errors.ts';

export type VuHooks = {
  http(vuId: number, reqs: ExchangeRequest[]): Promise<Exchange[]>;
  message(vuId: number, msg: FromWorker): void;
  /** The VU died in a way that ends the test (its heap limit): told once. */
  fatal(vuId: number, error: ExitError): void;
};

/**
 * The heap a VU thread may grow to, in MB (LOADGATE_VU_HEAP_MB, default 1024):
 * a script that allocates without end stops its own VU with a clear error,
 * instead of taking the whole process (and its summary) down with it.
 */
export function vuHeapLimitMb(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.LOADGATE_VU_HEAP_MB);
  return Number.isFinite(mb) && mb >= 16 ? mb : 1024;
}

// What a running VU costs (browse journey, `npm run bench -- engine`): ~6 MB
// resident and ~34 memory mappings, nearly all of it what a bare Node worker
// thread costs. Its V8 heap: Node's own worker start-up, ~3 MB live; the young
// generation, two 1 MB semi-spaces (V8's minimum); the VU's code and state;
// each 256 KB heap page is a mapping of its own. The thread's stack, JIT pages
// and malloc'd isolate make up the rest. A k6 VU (~1.7 MB) is a goroutine, not
// a thread with an isolate: a VU blocks in sleep() and http.*, so it needs a
// thread, and JavaScript on a thread needs an isolate of its own.

/**
 * Node flags of a process that runs VU threads. Without Node's start-up
 * snapshot, a worker builds its heap by running Node's bootstrap instead of
 * copying the snapshot's, which carries full-size caches (V8's 256 KB
 * number-to-string cache among them): ~0.6 MB less per VU thread (6.44 →
 * 5.83 MiB for a bare worker) for ~4 ms more CPU to start one. The flag is per
 * process (a Worker refuses it), so it is given where an engine process is
 * started: child engine processes, split runners, bin/loadgate.mjs's shebang.
 */
export const VU_PROCESS_FLAGS = ['--no-node-snapshot'];

/**
 * The young generation of a VU, in MB: 1 MB semi-spaces. A VU's garbage is
 * short-lived (one request's body, one check's result), so small spaces cost
 * little scavenging, while V8's default (a semi-space growing to 8 MB and more
 * under load) multiplies by every running VU.
 */
const VU_YOUNG_GENERATION_MB = 3;

let sizeFlagsSet = false;
/**
 * V8 flags are per process and read when an isolate is made: set once,
 * before the first VU thread. --optimize-for-size trades a little speed for
 * a smaller heap (about 1 MB less per VU thread, whose heap is mostly
 * Node's own start-up); the main thread's isolate, made already, keeps its
 * configuration.
 */
function favourSizeForVuIsolates(): void {
  if (sizeFlagsSet) return;
  sizeFlagsSet = true;
  setFlagsFromString('--optimize-for-size');
}

/** The VU's workerData, but for what this host makes itself (control array, reply port). */
export type VuStart = Omit<VuInit, 'ctrl' | 'port' | 'sourceMap'> & {
  workerCode: string;
  hooks: VuHooks;
};

let lastSplit: { bundle: string; split: ReturnType<typeof splitSourceMap> } | undefined;
/** The script split once per run, not once per VU (every VU of a run gets the same string). */
function scriptParts(bundle: string): ReturnType<typeof splitSourceMap> {
  if (lastSplit?.bundle !== bundle) lastSplit = { bundle, split: splitSourceMap(bundle) };
  return lastSplit.split;
}

export class VuHost {
  readonly id: number;
  private worker: Worker;
  private ctrl: Int32Array;
  private reply: MessageChannel['port1'];
  private pending: { resolve(v: string | undefined): void; reject(e: Error): void } | undefined;
  private inited: Promise<{ options: unknown; exports: string[] }>;
  private exited = false;
  busy = false;

  constructor({ workerCode, hooks, code, ...data }: VuStart) {
    this.id = data.id;
    const ctrlBuffer = new SharedArrayBuffer(8);
    this.ctrl = new Int32Array(ctrlBuffer);
    const channel = new MessageChannel();
    this.reply = channel.port1;
    const heapMb = vuHeapLimitMb();
    const script = scriptParts(code);
    favourSizeForVuIsolates();
    this.worker = new Worker(workerCode, {
      eval: true,
      resourceLimits: {
        maxOldGenerationSizeMb: heapMb,
        maxYoungGenerationSizeMb: VU_YOUNG_GENERATION_MB,
      },
      workerData: {
        ...data,
        code: script.code,
        sourceMap: script.sourceMap,
        ctrl: ctrlBuffer,
        port: channel.port2,
      } satisfies VuInit,
      transferList: [channel.port2],
      stdout: false,
      stderr: false,
    });
    this.inited = new Promise((resolve, reject) => {
      this.worker.on('message', (msg: FromWorker) => {
        switch (msg.t) {
          case 'inited':
            if (msg.error) reject(new Error(msg.error));
            else resolve({ options: msg.options, exports: msg.exports });
            break;
          case 'req':
          case 'areq': {
            const reply =
              msg.t === 'req'
                ? (answers: Exchange[]) => this.answer(answers)
                : (answers: Exchange[]) => {
                    if (!this.exited) this.worker.postMessage({ t: 'ares', id: msg.id, answers });
                  };
            hooks
              .http(this.id, msg.reqs)
              .then(reply, (error: Error) =>
                reply(msg.reqs.map(() => errorExchange(error.message, 1000))),
              );
            break;
          }
          case 'done': {
            const p = this.pending;
            this.pending = undefined;
            if (msg.error) p?.reject(new Error(msg.error));
            else p?.resolve(msg.result);
            break;
          }
          default:
            hooks.message(this.id, msg);
        }
      });
      this.worker.on('error', (raw) => {
        let e: Error = raw;
        if ((raw as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
          e = new ExitError(
            EXIT.scriptException,
            `VU ${this.id} ran out of memory: its JavaScript heap reached the ${heapMb} MB a VU may use (raise LOADGATE_VU_HEAP_MB, or allocate less per VU)`,
          );
          hooks.fatal(this.id, e as ExitError);
        }
        reject(e);
        this.pending?.reject(e);
        this.pending = undefined;
      });
      this.worker.on('exit', () => {
        this.exited = true;
        reject(new Error(`VU ${this.id} exited during init`));
        this.pending?.reject(new Error(`VU ${this.id} stopped`));
        this.pending = undefined;
      });
    });
  }

  private answer(answers: Exchange[]): void {
    if (this.exited) return;
    this.reply.postMessage(answers);
    Atomics.store(this.ctrl, CTRL.reply, 1);
    Atomics.notify(this.ctrl, CTRL.reply);
  }

  ready(): Promise<{ options: unknown; exports: string[] }> {
    return this.inited;
  }

  private send(msg: ToWorker): Promise<string | undefined> {
    if (this.pending) throw new Error(`VU ${this.id} is already busy`);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg);
    });
  }

  /** Runs iterations; resolves when the VU stops by itself or is told to. */
  async run(scenario: ScenarioInfo, mode: RunMode, data: string | undefined): Promise<void> {
    Atomics.store(this.ctrl, CTRL.stop, STOP.run);
    this.busy = true;
    try {
      await this.send({ t: 'run', scenario, mode, data });
    } finally {
      this.busy = false;
    }
  }

  call(
    fn: 'setup' | 'teardown' | 'handleSummary',
    arg: string | undefined,
  ): Promise<string | undefined> {
    Atomics.store(this.ctrl, CTRL.stop, STOP.run);
    return this.send({ t: 'call', fn, arg });
  }

  /** graceful: finish the current iteration; hard: interrupt it at the next blocking call. */
  stop(level: 'graceful' | 'hard'): void {
    const value = level === 'hard' ? STOP.hard : STOP.graceful;
    if (Atomics.load(this.ctrl, CTRL.stop) >= value) return;
    Atomics.store(this.ctrl, CTRL.stop, value);
    Atomics.notify(this.ctrl, CTRL.stop);
  }

  async terminate(): Promise<void> {
    this.reply.close();
    await this.worker.terminate();
  }
}

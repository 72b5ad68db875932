import {
  parentPort,
  receiveMessageOnPort,
  workerData,
  type MessagePort,
} from 'node:worker_threads';
import {
  CTRL,
  GLOBAL,
  STOP,
  type FromWorker,
  type HttpRequestSpec,
  type HttpResponseData,
  type MetricDef,
  type Sample,
  type ScenarioInfo,
} from '../protocol.ts';
import type { Tags } from '../metrics.ts';

/**
 * The state of this VU (one per worker thread) and its two ways to talk to
 * the main thread: blocking calls (HTTP) through Atomics.wait on the control
 * array, and batched metric samples.
 */
export type VuInit = {
  id: number;
  code: string;
  scriptPath: string;
  env: Record<string, string>;
  ctrl: SharedArrayBuffer;
  global: SharedArrayBuffer;
  port: MessagePort;
  shared: Record<string, SharedArrayBuffer>;
  options: Record<string, unknown> | undefined;
  testStart: number;
};

const init = workerData as VuInit;
export const ctrl = new Int32Array(init.ctrl);
export const globalCounters = new Int32Array(init.global);

/** Thrown to unwind an iteration that the executor interrupts. */
export class Interrupt extends Error {
  constructor() {
    super('iteration interrupted');
  }
}
/** Thrown by exec.test.abort(): unwinds everything. */
export class TestAbort extends Error {}

export const vu = {
  id: init.id,
  env: init.env,
  inInit: true,
  /** __ITER: iterations of this VU in the current scenario. */
  iter: 0,
  iterationInInstance: 0,
  group: '',
  scenario: undefined as ScenarioInfo | undefined,
  scenarioStartedAt: 0,
  /** Test-wide tags (options.tags), then scenario tags, then exec.vu.tags. */
  testTags: {} as Tags,
  userTags: {} as Tags,
  options: init.options ?? {},
  testStart: init.testStart,
};

export function post(msg: FromWorker): void {
  parentPort!.postMessage(msg);
}

/** Tags every sample of this VU carries right now. */
export function currentTags(): Tags {
  const tags: Tags = { ...vu.testTags, ...vu.scenario?.tags, ...vu.userTags, group: vu.group };
  if (vu.scenario) tags.scenario = vu.scenario.name;
  return tags;
}

let defs: MetricDef[] = [];
let samples: Sample[] = [];
let lastFlush = Date.now();

export function defineMetric(def: MetricDef): void {
  defs.push(def);
}
export function emit(metric: string, value: number, tags: Tags): void {
  samples.push([metric, value, tags, Date.now()]);
}
/** Sends buffered samples; `force` at the end of a command, else batched. */
export function flush(force = false): void {
  if (!defs.length && !samples.length) return;
  if (!force && samples.length < 256 && Date.now() - lastFlush < 200) return;
  post({ t: 'samples', defs, samples });
  defs = [];
  samples = [];
  lastFlush = Date.now();
}

export function checkInterrupt(): void {
  if (Atomics.load(ctrl, CTRL.stop) === STOP.hard) throw new Interrupt();
  if (Atomics.load(globalCounters, GLOBAL.aborted)) throw new TestAbort('test aborted');
}

/** Blocking HTTP: the main thread performs the requests and wakes us up. */
export function httpCall(reqs: HttpRequestSpec[]): HttpResponseData[] {
  checkInterrupt();
  flush();
  Atomics.store(ctrl, CTRL.reply, 0);
  post({ t: 'req', reqs });
  Atomics.wait(ctrl, CTRL.reply, 0);
  let reply = receiveMessageOnPort(init.port);
  while (!reply) reply = receiveMessageOnPort(init.port);
  checkInterrupt();
  return reply.message as HttpResponseData[];
}

/** k6's sleep: blocks the VU, but wakes up at once if the iteration is interrupted. */
export function blockFor(ms: number): void {
  const until = Date.now() + ms;
  for (;;) {
    checkInterrupt();
    const left = until - Date.now();
    if (left <= 0) return;
    Atomics.wait(ctrl, CTRL.stop, Atomics.load(ctrl, CTRL.stop), left);
  }
}

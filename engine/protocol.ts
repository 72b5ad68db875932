// Messages between the main thread and VU workers, and between an engine
// and its child engine processes. Internal to the engine, never user input,
// so plain types (nothing to validate).
import type { MessagePort } from 'node:worker_threads';
import type { Stripe } from './execution-segment.ts';
import type { ExitCode } from '../core/errors.ts';
import type { Scenario } from './executors/index.ts';
import type { Tags } from './metrics.ts';

/**
 * One HTTP exchange (a single hop: no redirects, no cookie jar) the main
 * thread performs for a VU with undici: https, http.batch's parallel
 * requests, or every request when the native addon is not built.
 */
export type ExchangeRequest = {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
  timeoutMs: number;
  responseType: 'text' | 'binary' | 'none';
};

export type Timings = {
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  duration: number;
};

/** What came back from one hop; `errorCode` is k6's number, 0 when none. */
export type Exchange = {
  status: number;
  statusText: string;
  proto: string;
  /** Canonical names (Content-Type), repeated headers joined with ", ". */
  headers: Record<string, string>;
  setCookies: string[];
  body: string | ArrayBuffer | null;
  timings: Timings;
  /** Bytes on the wire, for data_sent / data_received. */
  sent: number;
  received: number;
  error: string;
  errorCode: number;
};

/** A custom metric declared in a VU's init context. */
export type MetricDef = {
  name: string;
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  isTime: boolean;
};

/**
 * A VU's samples since its last batch, packed so that the main thread pays
 * little per sample: `data` holds [metric, tag set, value, time ms] quads of
 * numbers; metric names and tag sets are sent once per VU and then referred
 * to by their index (`names`, `tagSets` are the ones new in this batch).
 * `reset`: the VU forgot its tag sets (a bound on memory), indexes restart.
 */
export type SampleBatch = {
  t: 'samples';
  defs: MetricDef[];
  names: string[];
  tagSets: Tags[];
  reset: boolean;
  data: Float64Array;
};

export type RunMode =
  | { kind: 'loop' }
  | { kind: 'count'; n: number }
  | { kind: 'shared'; slot: number }
  | { kind: 'once' }
  /**
   * Arrival-rate: the VU loops, taking one iteration at a time from the
   * shared `tokens` counter the scheduler fills. When there is none it sets
   * its flag (`idle[slot]` = 1) and sleeps on it until the scheduler claims
   * it (1 → 0). No message per iteration.
   */
  | { kind: 'arrival'; tokens: number; idle: SharedArrayBuffer; slot: number };

/** What a VU worker starts with (its workerData). */
export type VuInit = {
  id: number;
  code: string;
  scriptPath: string;
  env: Record<string, string>;
  ctrl: SharedArrayBuffer;
  global: SharedArrayBuffer;
  /** Where the main thread answers blocking exchanges. */
  port: MessagePort;
  shared: Record<string, SharedArrayBuffer>;
  options: Record<string, unknown> | undefined;
  testStart: number;
  /** The native HTTP addon's path, when it is built and allowed. */
  nativeHttp: string | undefined;
};

export type ScenarioInfo = {
  name: string;
  executor: string;
  exec: string;
  env: Record<string, string>;
  tags: Tags;
  startTime: number;
  /** Planned length in ms, for exec.scenario.progress. */
  plannedMs: number;
  /** Slot in the shared counters for exec.scenario.iterationInInstance. */
  iterSlot: number;
  /** Which iterations of the whole test are this instance's (exec.scenario.iterationInTest). */
  iterations: Stripe;
  /** Which VUs of the whole test are this instance's (exec.vu.idInTest). */
  vuIds: Stripe;
};

export type ToWorker =
  | { t: 'run'; scenario: ScenarioInfo; mode: RunMode; data: string | undefined }
  | { t: 'call'; fn: 'setup' | 'teardown' | 'handleSummary'; arg: string | undefined }
  /** The answer to an `areq` (http.asyncRequest), outside the command queue. */
  | { t: 'ares'; id: number; answers: Exchange[] };

export type FromWorker =
  | { t: 'req'; reqs: ExchangeRequest[] }
  | { t: 'areq'; id: number; reqs: ExchangeRequest[] }
  | SampleBatch
  | { t: 'shared'; name: string; buffer: SharedArrayBuffer }
  | { t: 'inited'; options: unknown; exports: string[]; error?: string }
  | { t: 'done'; result?: string; error?: string }
  | { t: 'abort'; reason: string };

/**
 * What a child engine process starts with (engine/run/child-engine.ts): the
 * run as the parent planned it, and which part of its share the child runs.
 * Sent over IPC with the advanced serialization (typed arrays survive).
 */
export type ChildInit = {
  t: 'init';
  /** The VU worker's bundle (engine/script.ts workerSource) and the script's. */
  workerCode: string;
  code: string;
  scriptPath: string;
  env: Record<string, string>;
  testStart: number;
  /** The options as the VUs see them (executionSegment and its sequence included). */
  vuOptions: Record<string, unknown>;
  scenarios: Scenario[];
  /** Part `index` of `count` of the parent's segment. */
  split: { index: number; count: number };
};

export type ToChild =
  | ChildInit
  /** Start the scenarios, with setup()'s data. */
  | { t: 'run'; data: string | undefined }
  | { t: 'stop' }
  | { t: 'exit' };

/** What a child forwards, in order: its VUs' sample batches and its dropped iterations. */
export type ChildItem =
  | { kind: 'samples'; vuId: number; batch: SampleBatch }
  | { kind: 'dropped'; scenario: string; time: number };

export type FromChild =
  | { t: 'ready'; vus: number }
  /** The child could not start its VUs (their init threw, or no room): the exit code k6 gives. */
  | { t: 'failed'; code: ExitCode; message: string }
  | { t: 'items'; items: ChildItem[] }
  /** VUs taking part in a scenario right now, and VUs initialised (arrival-rate scenarios grow). */
  | { t: 'vus'; active: number; initialized: number }
  | { t: 'abort'; reason: string }
  | { t: 'fatal'; code: ExitCode; message: string }
  | { t: 'done' };

/** Layout of the per-VU control Int32Array. */
export const CTRL = { reply: 0, stop: 1 } as const;
/** Values of CTRL.stop. */
export const STOP = { run: 0, graceful: 1, hard: 2 } as const;
/** Layout of the run-wide shared Int32Array; scenario slots follow. */
export const GLOBAL = {
  aborted: 0,
  vusActive: 1,
  vusInitialized: 2,
  iterationsCompleted: 3,
  iterationsInterrupted: 4,
  firstSlot: 8,
} as const;

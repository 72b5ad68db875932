/**
 * Messages between the main thread and VU workers. Internal to the engine,
 * never user input, so plain types (nothing to validate).
 */
import type { Tags } from './metrics.ts';

export type ExpectedStatus = number | { min: number; max: number };

export type HttpRequestSpec = {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
  timeoutMs: number;
  maxRedirects: number;
  responseType: 'text' | 'binary' | 'none';
  /** VU tags + params.tags; the main thread adds method/url/status/… */
  tags: Tags;
  /** null: setResponseCallback(null), no http_req_failed sample. */
  expected: ExpectedStatus[] | null;
  cookies: Record<string, string>;
  /** The VU's iteration: the cookie jar is emptied when it changes, as in k6. */
  iteration: number;
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

export type HttpResponseData = {
  status: number;
  status_text: string;
  proto: string;
  url: string;
  headers: Record<string, string>;
  body: string | ArrayBuffer | null;
  timings: Timings;
  error: string;
  error_code: number;
  remote_ip: string;
  remote_port: number;
  cookies: Record<string, { name: string; value: string }[]>;
};

/** [metric, value, tags, time ms since epoch] */
export type Sample = [string, number, Tags, number];
export type MetricDef = {
  name: string;
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  isTime: boolean;
};

export type RunMode =
  | { kind: 'loop' }
  | { kind: 'count'; n: number }
  | { kind: 'shared'; slot: number }
  | { kind: 'once' }
  /**
   * Arrival-rate: the VU loops, taking one iteration at a time from the
   * shared `tokens` counter the scheduler fills, and adds itself back to
   * `idle` after each one. No message per iteration.
   */
  | { kind: 'arrival'; tokens: number; idle: number };

export type ScenarioInfo = {
  name: string;
  executor: string;
  exec: string;
  env: Record<string, string>;
  tags: Tags;
  startTime: number;
  /** Planned length in ms, for exec.scenario.progress. */
  plannedMs: number;
  /** Slot in the shared counters for exec.scenario.iterationInTest. */
  iterSlot: number;
};

export type ToWorker =
  | { t: 'run'; scenario: ScenarioInfo; mode: RunMode; data: string | undefined }
  | { t: 'call'; fn: 'setup' | 'teardown' | 'handleSummary'; arg: string | undefined };

export type FromWorker =
  | { t: 'req'; reqs: HttpRequestSpec[] }
  | { t: 'samples'; defs: MetricDef[]; samples: Sample[] }
  | { t: 'shared'; name: string; buffer: SharedArrayBuffer }
  | { t: 'inited'; options: unknown; exports: string[]; error?: string }
  | { t: 'done'; result?: string; error?: string }
  | { t: 'abort'; reason: string };

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

// The state of this VU (one per worker thread) and its ways to talk to the
// main thread: HTTP exchanges handed over, blocking (Atomics.wait on the
// control array) or as a promise (http.asyncRequest), and batched metric
// samples.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  CTRL,
  GLOBAL,
  STOP,
  type Exchange,
  type ExchangeRequest,
  type FromWorker,
  type MetricDef,
  type VuInit,
  type ScenarioInfo,
} from '../protocol.ts';
import type { Tags } from '../metrics.ts';

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

/**
 * Enters setup(), teardown() or handleSummary() in VU 0. As in k6's runPart,
 * setup() and teardown() run in their own group (`::setup`, `::teardown`):
 * their checks and requests carry that group tag, so thresholds such as
 * `checks{group:::setup}` see them. handleSummary() runs at the root. None
 * of them runs in a scenario.
 */
export function enterLifecycle(fn: string): void {
  vu.scenario = undefined;
  vu.group = fn === 'setup' || fn === 'teardown' ? `::${fn}` : '';
}

export function nativeHttpPath(): string | undefined {
  return init.nativeHttp;
}

export function post(msg: FromWorker): void {
  parentPort!.postMessage(msg);
}

/** Bumped when the script changes exec.vu.tags: currentTags() is cached. */
let userTagsEpoch = 0;
export function userTagsChanged(): void {
  userTagsEpoch++;
}
type TagCache = {
  group: string;
  scenario: ScenarioInfo | undefined;
  testTags: Tags;
  epoch: number;
  tags: Tags;
  key: string;
};
let tagCache: TagCache | undefined;

/**
 * Tags every sample of this VU carries right now. One frozen object until
 * the group, scenario or VU tags change: requests and iterations reuse it
 * and its interning key instead of building their own.
 */
export function currentTags(): Readonly<Tags> {
  const c = tagCache;
  if (
    c &&
    c.group === vu.group &&
    c.scenario === vu.scenario &&
    c.testTags === vu.testTags &&
    c.epoch === userTagsEpoch
  )
    return c.tags;
  const tags: Tags = { ...vu.testTags, ...vu.scenario?.tags, ...vu.userTags, group: vu.group };
  if (vu.scenario) tags.scenario = vu.scenario.name;
  Object.freeze(tags);
  tagCache = {
    group: vu.group,
    scenario: vu.scenario,
    testTags: vu.testTags,
    epoch: userTagsEpoch,
    tags,
    key: JSON.stringify(tags),
  };
  return tags;
}

// Samples, packed for the main thread (see SampleBatch in protocol.ts).
// Per VU; the main thread keeps each VU's sets, so this bounds its memory
// too (~1,000 VUs × 512 sets), whatever the URLs' cardinality.
const MAX_TAG_SETS = 512;
let defs: MetricDef[] = [];
let newNames: string[] = [];
let newTagSets: Tags[] = [];
let reset = false;
const metricIndex = new Map<string, number>();
let tagIndex = new Map<string, number>();
const data = new Float64Array(4096);
let used = 0;
let lastFlush = Date.now();

export function defineMetric(def: MetricDef): void {
  defs.push(def);
}

/** A key that identifies a tag set: free for currentTags(), JSON for any other. */
export function tagKey(tags: Readonly<Tags>): string {
  return tagCache?.tags === tags ? tagCache.key : JSON.stringify(tags);
}

/**
 * The index of a tag set for emitTagged(): intern once, emit many samples.
 * `make` builds the set only the first time its key is seen.
 */
export function internTags(key: string, make: () => Readonly<Tags>): number {
  let id = tagIndex.get(key);
  if (id === undefined) {
    if (tagIndex.size >= MAX_TAG_SETS) {
      // Unbounded tag values (an id in a URL without a name tag) must not
      // grow memory for ever: forget every set, the main thread too.
      flush(true);
      tagIndex = new Map();
      reset = true;
    }
    id = tagIndex.size;
    tagIndex.set(key, id);
    newTagSets.push(make());
  }
  return id;
}

export function tagSetId(tags: Readonly<Tags>): number {
  return internTags(tagKey(tags), () => tags);
}

export function emitTagged(metric: string, value: number, tagSet: number, time: number): void {
  let m = metricIndex.get(metric);
  if (m === undefined) {
    m = metricIndex.size;
    metricIndex.set(metric, m);
    newNames.push(metric);
  }
  if (used + 4 > data.length) flush(true);
  data[used] = m;
  data[used + 1] = tagSet;
  data[used + 2] = value;
  data[used + 3] = time;
  used += 4;
}

export function emit(metric: string, value: number, tags: Readonly<Tags>): void {
  emitTagged(metric, value, tagSetId(tags), Date.now());
}

/** Sends buffered samples; `force` at the end of a command, else batched. */
export function flush(force = false): void {
  if (!defs.length && !used && !newTagSets.length) return;
  if (!force && used < 2048 && Date.now() - lastFlush < 200) return;
  const batch = data.slice(0, used);
  parentPort!.postMessage(
    { t: 'samples', defs, names: newNames, tagSets: newTagSets, reset, data: batch },
    [batch.buffer],
  );
  defs = [];
  newNames = [];
  newTagSets = [];
  reset = false;
  used = 0;
  lastFlush = Date.now();
}

export function checkInterrupt(): void {
  if (Atomics.load(ctrl, CTRL.stop) === STOP.hard) throw new Interrupt();
  if (Atomics.load(globalCounters, GLOBAL.aborted)) throw new TestAbort('test aborted');
}

/** Blocking HTTP through the main thread: it performs the exchanges and wakes us up. */
export function remoteExchange(reqs: ExchangeRequest[]): Exchange[] {
  checkInterrupt();
  flush();
  Atomics.store(ctrl, CTRL.reply, 0);
  post({ t: 'req', reqs });
  Atomics.wait(ctrl, CTRL.reply, 0);
  let reply = receiveMessageOnPort(init.port);
  while (!reply) reply = receiveMessageOnPort(init.port);
  checkInterrupt();
  return reply.message as Exchange[];
}

/** Exchanges awaiting the main thread's answer, by id (http.asyncRequest). */
const awaiting = new Map<number, (answers: Exchange[]) => void>();
let nextAsyncId = 0;

/** Non-blocking HTTP through the main thread: the VU's event loop runs meanwhile. */
export function remoteExchangeAsync(reqs: ExchangeRequest[]): Promise<Exchange[]> {
  flush();
  const id = nextAsyncId++;
  return new Promise((resolve) => {
    awaiting.set(id, resolve);
    post({ t: 'areq', id, reqs });
  });
}

/** The main thread's answer to remoteExchangeAsync(). */
export function settleAsync(id: number, answers: Exchange[]): void {
  awaiting.get(id)?.(answers);
  awaiting.delete(id);
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

// A VU: one worker thread, its own globals and module instances. It runs the
// script's init code, then executes what the main thread asks: iterations
// of a scenario, setup(), teardown(), handleSummary().
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compileFunction } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import {
  CTRL,
  GLOBAL,
  STOP,
  type RunMode,
  type ScenarioInfo,
  type ToWorker,
  type VuInit,
} from '../protocol.ts';
import {
  checkInterrupt,
  ctrl,
  currentTags,
  emit,
  enterLifecycle,
  flush,
  globalCounters,
  Interrupt,
  post,
  settleAsync,
  TestAbort,
  vu,
} from './state.ts';
import * as k6 from './k6.ts';
import * as k6http from './http.ts';
import * as k6metrics from './metrics.ts';
import * as k6data from './data.ts';
import * as k6encoding from './encoding.ts';
import { k6HtmlModule } from './html-lazy.ts';
import execution, { setIterationInTest } from './execution.ts';
import { scriptStack } from './stack.ts';

const init = workerData as VuInit;
process.setSourceMapsEnabled(true);

const modules: Record<string, Record<string, unknown>> = {
  k6: { __esModule: true, default: k6.default, ...k6.default },
  'k6/http': { __esModule: true, ...k6http, default: k6http.default },
  'k6/metrics': { __esModule: true, ...k6metrics.default, default: k6metrics.default },
  'k6/data': { __esModule: true, ...k6data.default, default: k6data.default },
  'k6/encoding': { __esModule: true, ...k6encoding.default, default: k6encoding.default },
  // Evaluated on the script's first import: VUs that parse no HTML never pay for it.
  get 'k6/html'() {
    return k6HtmlModule();
  },
  // Getters must stay live, so the module is the object itself (esbuild's
  // node-mode interop takes the whole module as `default` for .js under type:module).
  'k6/execution': Object.defineProperties(execution, {
    __esModule: { value: true },
    default: { value: execution },
  }) as unknown as Record<string, unknown>,
};

function k6require(name: string): unknown {
  const mod = modules[name];
  if (!mod) throw new Error(`module '${name}' is not available in the built-in engine`);
  return mod;
}

// k6 globals: __VU, __ENV, __ITER, open(), and console with k6's log lines.
const scriptDir = dirname(init.scriptPath);
const g = globalThis as Record<string, unknown>;
g.__VU = vu.id;
g.__ENV = vu.env;
Object.defineProperty(g, '__ITER', { get: () => vu.iter });
g.open = (path: string, mode?: string) => {
  if (!vu.inInit)
    throw new Error(
      'The "open()" function is only available in the init stage (i.e. the global scope), see https://grafana.com/docs/k6/latest/using-k6/test-lifecycle/',
    );
  const data = readFileSync(resolve(scriptDir, path));
  return mode === 'b'
    ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
    : data.toString('utf8');
};
const started = Date.now();
function log(level: string, args: unknown[]): void {
  const text = args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
  const secs = String(Math.floor((Date.now() - started) / 1000)).padStart(4, '0');
  process.stderr.write(`${level.toUpperCase().slice(0, 4)}[${secs}] ${text}  source=console\n`);
}
function safeJson(v: unknown): string {
  if (v instanceof Error) return v.stack ?? String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
g.console = {
  log: (...a: unknown[]) => log('info', a),
  info: (...a: unknown[]) => log('info', a),
  debug: (...a: unknown[]) => log('debug', a),
  warn: (...a: unknown[]) => log('warn', a),
  error: (...a: unknown[]) => log('error', a),
};

const script = { path: init.scriptPath, sourceMap: init.sourceMap };

/** An error as the script's author reads it (see ./stack.ts). */
function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return scriptStack(e.stack ?? `${e.name}: ${e.message}`, script);
}

// Init: evaluate the script (CommonJS from esbuild) in this thread's context.
const moduleObj: { exports: Record<string, unknown> } = { exports: {} };
let initError: string | undefined;
try {
  // A function of the script itself: no wrapped copy of its source in this thread's heap.
  const fn = compileFunction(init.code, ['exports', 'require', 'module'], {
    filename: init.scriptPath,
  }) as (e: unknown, r: unknown, m: unknown) => void;
  fn(moduleObj.exports, k6require, moduleObj);
} catch (e) {
  initError = errorText(e);
}
vu.inInit = false;
const exported = moduleObj.exports;
let options: unknown;
try {
  options = JSON.parse(JSON.stringify(exported.options ?? {}));
} catch (e) {
  initError ??= `the exported options cannot be read: ${(e as Error).message}`;
}
vu.testTags = (vu.options.tags as Record<string, string> | undefined) ?? {};
flush(true);
post({ t: 'inited', options, exports: Object.keys(exported), error: initError });

function getFunction(name: string): (...args: unknown[]) => unknown {
  const fn = exported[name];
  if (typeof fn !== 'function') throw new Error(`function '${name}' not found in exports`);
  return fn as (...args: unknown[]) => unknown;
}

/** One iteration, k6-style: errors are logged and the loop goes on. */
async function iteration(
  fn: (data: unknown) => unknown,
  data: unknown,
  scenario: ScenarioInfo,
): Promise<void> {
  const start = performance.now();
  setIterationInTest(Atomics.add(globalCounters, scenario.iterSlot, 1));
  let interrupted = false;
  try {
    const r = fn(data);
    if (r && typeof (r as Promise<unknown>).then === 'function') await r;
  } catch (e) {
    if (e instanceof Interrupt) interrupted = true;
    else if (e instanceof TestAbort) throw e;
    else {
      process.stderr.write(
        `ERRO[${String(Math.floor((Date.now() - started) / 1000)).padStart(4, '0')}] ${errorText(e)}  executor=${scenario.executor} scenario=${scenario.name} source=stacktrace\n`,
      );
    }
  }
  vu.group = '';
  const tags = currentTags();
  if (interrupted) Atomics.add(globalCounters, GLOBAL.iterationsInterrupted, 1);
  else {
    Atomics.add(globalCounters, GLOBAL.iterationsCompleted, 1);
    emit('iteration_duration', performance.now() - start, tags);
    emit('iterations', 1, tags);
  }
  vu.iter++;
  vu.iterationInInstance++;
  flush();
}

function keepGoing(): boolean {
  return (
    Atomics.load(ctrl, CTRL.stop) === STOP.run && !Atomics.load(globalCounters, GLOBAL.aborted)
  );
}

async function runScenario(
  scenario: ScenarioInfo,
  mode: RunMode,
  dataJson: string | undefined,
): Promise<void> {
  if (vu.scenario?.name !== scenario.name) {
    vu.iter = 0;
    vu.scenarioStartedAt = Date.now();
  }
  vu.scenario = scenario;
  Object.assign(vu.env, scenario.env);
  const fn = getFunction(scenario.exec);
  const data = dataJson === undefined ? undefined : JSON.parse(dataJson);
  if (mode.kind === 'once') await iteration(fn, data, scenario);
  else if (mode.kind === 'count')
    for (let i = 0; i < mode.n && keepGoing(); i++) await iteration(fn, data, scenario);
  else if (mode.kind === 'shared') {
    while (keepGoing() && Atomics.sub(globalCounters, mode.slot, 1) > 0)
      await iteration(fn, data, scenario);
  } else if (mode.kind === 'arrival') await arrivals(mode, () => iteration(fn, data, scenario));
  else while (keepGoing()) await iteration(fn, data, scenario);
}

/** Arrival-rate: take the iterations the scheduler hands out, until told to stop. */
async function arrivals(
  mode: Extract<RunMode, { kind: 'arrival' }>,
  iterate: () => Promise<void>,
): Promise<void> {
  const idle = new Int32Array(mode.idle);
  for (;;) {
    if (Atomics.load(ctrl, CTRL.stop) === STOP.hard || Atomics.load(globalCounters, GLOBAL.aborted))
      return;
    const t = Atomics.load(globalCounters, mode.tokens);
    if (t > 0) {
      if (Atomics.compareExchange(globalCounters, mode.tokens, t, t - 1) !== t) continue;
      await iterate();
      continue;
    }
    // Tokens are handed out before the graceful stop, so none is left behind.
    if (Atomics.load(ctrl, CTRL.stop) !== STOP.run) return;
    flush();
    Atomics.store(idle, mode.slot, 1);
    // Sleep until claimed. The timeout bounds how long buffered samples and
    // a stop can wait; leaving means taking our flag back first.
    for (;;) {
      Atomics.wait(idle, mode.slot, 1, 200);
      if (Atomics.load(idle, mode.slot) === 0) break; // claimed: a token waits for us
      flush();
      if (!keepGoing() && Atomics.compareExchange(idle, mode.slot, 1, 0) === 1) return;
    }
  }
}

async function call(fn: string, arg: string | undefined): Promise<string | undefined> {
  enterLifecycle(fn);
  const f = getFunction(fn);
  let input = arg === undefined ? undefined : (JSON.parse(arg) as unknown);
  // k6's handleSummary() data always has setup_data, undefined without one.
  if (fn === 'handleSummary') input = { setup_data: undefined, ...(input as object) };
  const start = performance.now();
  try {
    let result = f(input);
    if (result && typeof (result as Promise<unknown>).then === 'function') result = await result;
    return result === undefined ? undefined : JSON.stringify(result);
  } finally {
    // As k6 does, setup() and teardown() are timed in iteration_duration, in their group.
    if (fn !== 'handleSummary')
      emit('iteration_duration', performance.now() - start, currentTags());
  }
}

let queue = Promise.resolve();
parentPort!.on('message', (msg: ToWorker) => {
  if (msg.t === 'ares') return settleAsync(msg.id, msg.answers);
  // Commands run one after the other, even when one awaits an async function.
  queue = queue.then(async () => {
    try {
      if (msg.t === 'run') {
        await runScenario(msg.scenario, msg.mode, msg.data);
        flush(true);
        post({ t: 'done' });
      } else {
        const result = await call(msg.fn, msg.arg);
        flush(true);
        post({ t: 'done', result });
      }
    } catch (e) {
      flush(true);
      if (e instanceof TestAbort) post({ t: 'done', error: `aborted: ${e.message}` });
      else post({ t: 'done', error: errorText(e) });
    }
  });
});
void checkInterrupt;

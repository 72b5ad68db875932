// A child engine process (started by engine/run/children.ts): it runs one
// part of its parent's segment of the test (ExecutionTuple.split) with VU
// threads of its own, and forwards to the parent, in order, every sample
// batch of its VUs and every dropped iteration. The parent owns the rest of
// the run: setup(), teardown(), thresholds, outputs, summaries, exit code.
import { ExitError } from '../../core/errors.ts';
import { tupleOf } from '../execution-segment.ts';
import { childShares } from './shares.ts';
import type { ChildInit, ChildItem, FromChild, ToChild } from '../protocol.ts';
import { ActiveVus, initScenarioVus, runScenarios, type VuPools } from './scheduling.ts';
import { TestStop } from './test-stop.ts';
import { VuFleet } from './vu-fleet.ts';

/** Forwarded items wait this long at most, so the parent's figures stay live without a message per batch. */
const FLUSH_MS = 50;

const send = (msg: FromChild) => {
  if (process.connected) process.send!(msg);
};

// Ctrl-C reaches the whole process group: the parent decides what it means
// and says so ('stop'); without a parent, there is nothing left to run for.
process.on('SIGINT', () => undefined);
process.on('disconnect', () => process.exit(0));

let items: ChildItem[] = [];
let flushTimer: NodeJS.Timeout | undefined;
function forward(item: ChildItem): void {
  items.push(item);
  flushTimer ??= setTimeout(flush, FLUSH_MS);
}
function flush(): void {
  clearTimeout(flushTimer);
  flushTimer = undefined;
  if (items.length) send({ t: 'items', items });
  items = [];
}

const stop = new TestStop();
let fleet: VuFleet | undefined;
let pools: VuPools | undefined;
let init: ChildInit | undefined;

process.on('message', (msg: ToChild) => {
  switch (msg.t) {
    case 'init':
      init = msg;
      void start(msg);
      break;
    case 'run':
      void run(msg.data);
      break;
    case 'stop':
      stop.abort();
      break;
    case 'exit':
      void fleet
        ?.close()
        .catch(() => undefined)
        .finally(() => process.exit(0));
      if (!fleet) process.exit(0);
      break;
  }
});

async function start(c: ChildInit): Promise<void> {
  try {
    fleet = new VuFleet({
      workerCode: c.workerCode,
      code: c.code,
      scriptPath: c.scriptPath,
      env: c.env,
      testStart: c.testStart,
      firstId: 1,
      onSamples: (vuId, batch) => forward({ kind: 'samples', vuId, batch }),
      onAbort: (reason) => send({ t: 'abort', reason }),
      onFatal: (e) => send({ t: 'fatal', code: e.code, message: e.message }),
      warn: (m) => void process.stderr.write(`WARN ${m}\n`),
    });
    fleet.options = c.vuOptions;
    pools = await initScenarioVus(c.scenarios, fleet, shares(c));
    send({ t: 'ready', vus: fleet.size });
  } catch (e) {
    if (!(e instanceof ExitError)) throw e;
    send({ t: 'failed', code: e.code, message: e.message });
  }
}

/** This child's part of the parent's segment (the options carry the parent's). */
function shares(c: ChildInit) {
  const outer = tupleOf(c.vuOptions as Parameters<typeof tupleOf>[0]);
  return childShares(outer, c.split.index, c.split.count);
}

async function run(data: string | undefined): Promise<void> {
  const c = init!;
  // VU 0 aside, as in the parent: a child has none, so all of its VUs count.
  const active = new ActiveVus((n) => send({ t: 'vus', active: n, initialized: fleet!.size }));
  await runScenarios({
    scenarios: c.scenarios,
    shares: shares(c),
    pools: pools!,
    fleet: fleet!,
    dropped: (s) => forward({ kind: 'dropped', scenario: s.name, time: Date.now() }),
    data,
    active,
    stop,
    warn: (m) => void process.stderr.write(`WARN ${m}\n`),
  });
  flush();
  send({ t: 'done' });
}

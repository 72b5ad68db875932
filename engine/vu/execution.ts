// The `k6/execution` module: what a VU knows about itself, its scenario and the test.
import { globalIndex } from '../execution-segment.ts';
import { GLOBAL } from '../protocol.ts';
import { globalCounters, post, TestAbort, userTagsChanged, vu } from './state.ts';

function scenario() {
  const s = vu.scenario;
  if (!s) throw new Error('exec.scenario is not available in the init context or setup/teardown');
  return s;
}

const execution = {
  get vu() {
    return {
      idInInstance: vu.id,
      // Under an execution segment, the VU's number among the whole test's (k6's striping).
      idInTest: vu.scenario && vu.id > 0 ? globalIndex(vu.scenario.vuIds, vu.id - 1) + 1 : vu.id,
      iterationInInstance: vu.iterationInInstance,
      iterationInScenario: vu.iter,
      tags: userTags,
      metrics: { tags: userTags, metadata: {} },
    };
  },
  get scenario() {
    const s = scenario();
    return {
      name: s.name,
      executor: s.executor,
      startTime: vu.scenarioStartedAt,
      progress:
        s.plannedMs > 0 ? Math.min(1, (Date.now() - vu.scenarioStartedAt) / s.plannedMs) : 0,
      iterationInInstance: currentIteration,
      iterationInTest: globalIndex(s.iterations, currentIteration),
    };
  },
  get instance() {
    return {
      iterationsInterrupted: Atomics.load(globalCounters, GLOBAL.iterationsInterrupted),
      iterationsCompleted: Atomics.load(globalCounters, GLOBAL.iterationsCompleted),
      vusActive: Atomics.load(globalCounters, GLOBAL.vusActive),
      vusInitialized: Atomics.load(globalCounters, GLOBAL.vusInitialized),
      currentTestRunDuration: Date.now() - vu.testStart,
    };
  },
  test: {
    abort(reason?: string): never {
      const why = reason ? String(reason) : 'test aborted';
      Atomics.store(globalCounters, GLOBAL.aborted, 1);
      post({ t: 'abort', reason: why });
      throw new TestAbort(why);
    },
    get options() {
      return vu.options;
    },
  },
};

/** exec.vu.tags: tags the script sets on its own VU (values become strings). */
const userTags = new Proxy(vu.userTags, {
  set(target, key, value) {
    if (typeof key !== 'string') return false;
    if (value !== null && typeof value === 'object')
      throw new Error(`invalid value for tag '${key}': objects are not allowed`);
    target[key] = String(value);
    userTagsChanged();
    return true;
  },
  deleteProperty(target, key) {
    if (typeof key === 'string') delete target[key];
    userTagsChanged();
    return true;
  },
});

/**
 * Set by the iteration loop: the running iteration's number among this
 * instance's iterations of the scenario (the whole test's without a segment).
 */
let currentIteration = 0;
export function setIterationInTest(n: number): void {
  currentIteration = n;
}

export default execution;

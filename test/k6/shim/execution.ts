// k6/execution for unit tests: the VU's numbers from the globals k6Globals()
// set (idInTest differs from __VU in a split test: it counts every instance).
type Globals = { __VU: number; __ITER: number; __VU_IN_TEST?: number };
const g = globalThis as unknown as Globals;

export default {
  get vu() {
    return {
      idInInstance: g.__VU,
      idInTest: g.__VU_IN_TEST ?? g.__VU,
      iterationInInstance: g.__ITER,
      iterationInScenario: g.__ITER,
    };
  },
};

// Which share of each scenario this process runs: its instance's segment
// (the whole test, or --execution-segment), or, in a child engine process,
// one part of that. A scenario with nothing to run here is left out.
import type { ExecutionTuple } from '../execution-segment.ts';
import { hasWork, mostVus, type Scenario } from '../executors/index.ts';

export type Shares = {
  /** This process's part of the test: it numbers the VUs (exec.vu.idInTest). */
  instance: ExecutionTuple;
  /** The scenario's share run here, undefined when there is none. */
  of(s: Scenario): ExecutionTuple | undefined;
};

/** An instance's shares: its segment of every scenario (k6's). */
export function instanceShares(tuple: ExecutionTuple): Shares {
  return { instance: tuple, of: (s) => (hasWork(s, tuple) ? tuple : undefined) };
}

/**
 * Child `index` of `count`'s shares of the parent instance `outer`. A
 * scenario with fewer VUs than there are children is split over as many
 * children as it has VUs, so that each part has a VU: a shared-iterations
 * part without one would lose its iterations (the children must add up to
 * one process's run, not only to k6's segments).
 */
export function childShares(outer: ExecutionTuple, index: number, count: number): Shares {
  const instance = outer.split(index, count);
  return {
    instance,
    of(s) {
      const parts = Math.min(count, mostVus(s, outer));
      if (index >= parts) return undefined;
      const share = parts === count ? instance : outer.split(index, parts);
      return hasWork(s, share) ? share : undefined;
    },
  };
}

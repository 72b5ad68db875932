// How the runners of a split run are named: the `instance` label each one's
// samples carry (--tag instance=…), which runners-reported looks for. A leaf,
// so the SLO kind need not load the code that spawns the runners.

/** Runner i's name (1-based): runner-1, runner-2, … */
export function runnerInstance(i: number): string {
  return `runner-${i}`;
}

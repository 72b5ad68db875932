// The contract between a run and where its samples go (--out): a leaf, so
// the runner, the outputs and their registry all depend on it and on
// nothing of each other.
import type { Registry } from '../metrics.ts';
import type { Threshold } from '../thresholds.ts';

/** Where the built-in engine's samples go, besides the summary. */
export type Output = {
  /** Called once the metric registry exists, before any sample. */
  start(registry: Registry, thresholds: Threshold[]): void;
  stop(): Promise<void>;
};

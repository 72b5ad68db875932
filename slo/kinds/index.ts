// The registry of objective kinds: a kind is its file in slo/kinds/ plus one
// entry here. The spec's union of objectives (and so the JSON Schema), the
// evaluator's dispatch and the golden test folders all follow this list.
import { alertRule } from './alert-rule.ts';
import { alertState } from './alert-state.ts';
import { baseline } from './baseline.ts';
import { client } from './client.ts';
import { errorRatio } from './error-ratio.ts';
import { hpa } from './hpa.ts';
import { hpaDrift } from './hpa-drift.ts';
import type { Kind } from './kind.ts';
import { latency } from './latency.ts';
import { promql } from './promql.ts';
import { queueDrain } from './queue-drain.ts';
import { runnersReported } from './runners-reported.ts';

/** Every kind, in the order the JSON Schema lists them. */
export const kinds = [
  latency,
  errorRatio,
  promql,
  client,
  hpa,
  hpaDrift,
  alertRule,
  alertState,
  queueDrain,
  baseline,
  runnersReported,
] as const;

const byName = new Map<unknown, Kind>(kinds.map((k) => [k.kind, k]));

/** The definition of a kind name; undefined for a name no kind registered (a spec being validated). */
export function kindOf(name: unknown): Kind | undefined {
  return byName.get(name);
}

// What the script asks of the run, from its options and the command line:
// the scenarios, the thresholds bound to their metrics, the summary's trend
// stats. Options the engine cannot run are refused here (OptionsError, exit
// 104) before any load; any other error is a bug and propagates as one.
import type { Registry } from '../metrics.ts';
import {
  optionDuration,
  OptionsError,
  resolveOptions,
  type Overrides,
  type ResolvedOptions,
  type Scenario,
} from '../options.ts';
import { bindThresholds, parseThresholds, type Threshold } from '../thresholds.ts';

export type RunPlan = ResolvedOptions & {
  thresholds: Threshold[];
  /** The options as the VUs see them (exec.test.options): scenarios keyed by name. */
  vuOptions: Record<string, unknown>;
  /** setupTimeout / teardownTimeout, when the script sets them (k6's default otherwise: 60 s). */
  setupTimeoutMs?: number;
  teardownTimeoutMs?: number;
};

export function planRun(
  rawOptions: unknown,
  overrides: Overrides,
  exports: string[],
  registry: Registry,
): RunPlan {
  const resolved = resolveOptions(rawOptions, overrides);
  const { options, scenarios } = resolved;
  const thresholds = parseThresholds(options.thresholds ?? {});
  const problem = bindThresholds(thresholds, registry);
  if (problem) throw new OptionsError(problem);
  for (const s of scenarios) {
    const exec = s.exec ?? 'default';
    if (!exports.includes(exec))
      throw new OptionsError(
        `scenario '${s.name}': exported function '${exec}' not found in the script`,
      );
  }
  const vuOptions = {
    ...options,
    scenarios: Object.fromEntries(scenarios.map(({ name, ...s }: Scenario) => [name, s])),
  };
  const ms = (d: string | number | undefined) => (d === undefined ? undefined : optionDuration(d));
  return {
    ...resolved,
    thresholds,
    vuOptions,
    setupTimeoutMs: ms(options.setupTimeout),
    teardownTimeoutMs: ms(options.teardownTimeout),
  };
}

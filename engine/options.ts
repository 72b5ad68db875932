// k6 options as the engine understands them: the script's `export const
// options`, then the command-line overrides, then k6's shortcut rules
// (`vus`/`duration`/`iterations`/`stages` → a "default" scenario). Anything
// the engine does not implement is refused here, before any VU starts.
import * as z from 'zod';
import { DurationError, parseDuration } from './k6-duration.ts';
import { duration, stage, tags } from './executors/base-config.ts';
import {
  EXECUTOR_NAMES,
  scenarioSchema,
  validateScenario,
  type Scenario,
} from './executors/index.ts';
import { EXIT, ExitError } from '../core/errors.ts';
import { ExecutionTuple, SegmentError, tupleOf } from './execution-segment.ts';
import { formatZodIssues } from '../core/zod-issues.ts';

export { parseDuration } from './k6-duration.ts';

const thresholdItem = z.union([
  z.string(),
  z
    .object({
      threshold: z.string(),
      abortOnFail: z.boolean().optional(),
      delayAbortEval: z.string().optional(),
    })
    .strict(),
]);

/** Options the engine honours. */
export const optionsSchema = z
  .object({
    vus: z.number().int().nonnegative().optional(),
    duration: duration.optional(),
    iterations: z.number().int().nonnegative().optional(),
    stages: z.array(stage).optional(),
    scenarios: z.record(z.string(), z.unknown()).optional(),
    thresholds: z.record(z.string(), z.union([thresholdItem, z.array(thresholdItem)])).optional(),
    tags: tags.optional(),
    summaryTrendStats: z.array(z.string()).optional(),
    summaryTimeUnit: z.enum(['', 's', 'ms', 'us']).optional(),
    discardResponseBodies: z.boolean().optional(),
    maxRedirects: z.number().int().nonnegative().optional(),
    userAgent: z.string().optional(),
    setupTimeout: duration.optional(),
    teardownTimeout: duration.optional(),
    throw: z.boolean().optional(),
    noConnectionReuse: z.boolean().optional(),
    insecureSkipTLSVerify: z.boolean().optional(),
    noCookiesReset: z.boolean().optional(),
    batch: z.number().int().positive().optional(),
    batchPerHost: z.number().int().nonnegative().optional(),
    systemTags: z.array(z.string()).optional(),
    // This instance's part of a test split over several (k6-operator's runners).
    executionSegment: z.string().optional(),
    executionSegmentSequence: z.string().optional(),
    // Accepted and without effect here (cloud and reporting knobs of k6).
    ext: z.unknown().optional(),
    cloud: z.unknown().optional(),
    noUsageReport: z.boolean().optional(),
    minIterationDuration: duration.optional(),
  })
  .passthrough();
export type ScriptOptions = z.infer<typeof optionsSchema>;

/** k6's command-line overrides of the script's options (--vus, --duration, …). */
export type Overrides = {
  vus?: number;
  duration?: string;
  iterations?: number;
  /** This instance's part of a split test (k6's `--execution-segment`, `--execution-segment-sequence`). */
  executionSegment?: string;
  executionSegmentSequence?: string;
  /** `--tag NAME=VALUE`: tags on every sample of the test (a split run's testid and instance). */
  tags?: Record<string, string>;
};

export type { Scenario, ScenarioConfig } from './executors/index.ts';

export type ResolvedOptions = {
  options: ScriptOptions;
  scenarios: Scenario[];
  summaryTrendStats: string[];
  /** This instance's segment of the test: the whole test unless executionSegment says otherwise. */
  tuple: ExecutionTuple;
};

/** Options the engine cannot run (k6's exit 104): reported as such, nothing was started. */
export class OptionsError extends ExitError {
  constructor(message: string) {
    super(EXIT.invalidConfig, message);
  }
}

/** A duration of the options (or of a command-line override), in ms; an invalid one is an OptionsError. */
export function optionDuration(value: string | number): number {
  try {
    return parseDuration(value);
  } catch (e) {
    if (e instanceof DurationError) throw new OptionsError(e.message);
    throw e;
  }
}

const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

export function resolveOptions(raw: unknown, overrides: Overrides = {}): ResolvedOptions {
  const parsed = optionsSchema.safeParse(raw ?? {});
  if (!parsed.success)
    throw new OptionsError(`invalid options:\n${formatZodIssues(parsed.error.issues, 'options')}`);
  const options = parsed.data;
  const known = new Set(Object.keys(optionsSchema.shape));
  const unknown = Object.keys(options).filter((k) => !known.has(k));
  if (unknown.length)
    throw new OptionsError(
      `option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} not supported by the built-in engine`,
    );

  // k6 (lib/options.go, Options.Apply): --duration or --iterations from a higher
  // tier wipe the script's whole execution group (duration, iterations, stages,
  // scenarios) before they apply; --vus alone only replaces vus.
  if (overrides.duration !== undefined || overrides.iterations !== undefined) {
    delete options.duration;
    delete options.iterations;
    delete options.stages;
    delete options.scenarios;
  }
  if (overrides.vus !== undefined) options.vus = overrides.vus;
  if (overrides.duration !== undefined) options.duration = overrides.duration;
  if (overrides.iterations !== undefined) options.iterations = overrides.iterations;
  if (overrides.executionSegment !== undefined)
    options.executionSegment = overrides.executionSegment;
  if (overrides.executionSegmentSequence !== undefined)
    options.executionSegmentSequence = overrides.executionSegmentSequence;
  // As k6's Options.Apply: --tag replaces the script's tags, it does not add to them.
  if (overrides.tags !== undefined) options.tags = overrides.tags;
  let tuple: ExecutionTuple;
  try {
    tuple = tupleOf(options);
  } catch (e) {
    if (e instanceof SegmentError)
      throw new OptionsError(`invalid execution segment: ${e.message}`);
    throw e;
  }

  let configs: Record<string, unknown>;
  if (options.scenarios) configs = options.scenarios;
  else configs = { default: shortcutScenario(options) };

  const scenarios: Scenario[] = [];
  for (const [name, config] of Object.entries(configs)) {
    const result = scenarioSchema.safeParse(config);
    if (!result.success) {
      const executor = (config as { executor?: unknown })?.executor;
      if (typeof executor === 'string' && !EXECUTOR_NAMES.includes(executor))
        throw new OptionsError(
          `executor '${executor}' of scenario '${name}' is not supported by the built-in engine (supported: ${EXECUTOR_NAMES.join(', ')})`,
        );
      throw new OptionsError(
        `invalid scenario '${name}':\n${formatZodIssues(result.error.issues, `scenarios.${name}`)}`,
      );
    }
    if (!/^[0-9A-Za-z_-]+$/.test(name))
      throw new OptionsError(`invalid scenario name '${name}': use 0-9, A-Z, a-z, _ and -`);
    scenarios.push({ ...result.data, name });
  }
  for (const s of scenarios) {
    const problem = validateScenario(s);
    if (problem) throw new OptionsError(`scenario '${s.name}': ${problem}`);
  }
  return {
    options,
    scenarios,
    summaryTrendStats: options.summaryTrendStats ?? DEFAULT_TREND_STATS,
    tuple,
  };
}

/** k6's rules for the top-level shortcuts. */
function shortcutScenario(o: ScriptOptions): Record<string, unknown> {
  const vus = o.vus ?? 1;
  if (o.stages?.length) {
    if (o.iterations) throw new OptionsError('stages and iterations cannot be used together');
    return { executor: 'ramping-vus', startVUs: vus, stages: o.stages };
  }
  const durationMs = o.duration !== undefined ? optionDuration(o.duration) : 0;
  if (o.iterations) {
    const cfg: Record<string, unknown> = {
      executor: 'shared-iterations',
      vus,
      iterations: o.iterations,
    };
    if (durationMs > 0) cfg.maxDuration = o.duration;
    return cfg;
  }
  if (durationMs > 0) return { executor: 'constant-vus', vus, duration: o.duration };
  return { executor: 'shared-iterations', vus, iterations: vus };
}

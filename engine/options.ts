import * as z from 'zod';

/**
 * k6 options as the engine understands them: the script's `export const
 * options`, then the command-line overrides, then k6's shortcut rules
 * (`vus`/`duration`/`iterations`/`stages` → a "default" scenario). Anything
 * the engine does not implement is refused here, before any VU starts.
 */

export { parseDuration } from './k6-duration.ts';
import { DurationError, parseDuration } from './k6-duration.ts';
import { EXIT, ExitError } from '../core/errors.ts';
import { formatZodIssues } from '../core/zod-issues.ts';

const duration = z.union([z.string(), z.number()]).refine(
  (v) => {
    try {
      return parseDuration(v) >= 0;
    } catch {
      return false;
    }
  },
  { message: 'invalid duration: expected e.g. "30s", "1m30s", "500ms"' },
);
const stage = z.object({ duration, target: z.number().int().nonnegative() }).strict();
const tags = z.record(z.string(), z.string());

const common = {
  startTime: duration.optional(),
  gracefulStop: duration.optional(),
  exec: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  tags: tags.optional(),
};

/** The two iteration-count executors differ only in how iterations are shared. */
const iterationBased = {
  vus: z.number().int().positive().default(1),
  iterations: z.number().int().positive().default(1),
  maxDuration: duration.default('10m'),
  ...common,
};

export const scenarioSchema = z.discriminatedUnion('executor', [
  z
    .object({
      executor: z.literal('shared-iterations'),
      ...iterationBased,
    })
    .strict(),
  z
    .object({
      executor: z.literal('per-vu-iterations'),
      ...iterationBased,
    })
    .strict(),
  z
    .object({
      executor: z.literal('constant-vus'),
      vus: z.number().int().positive().default(1),
      duration,
      ...common,
    })
    .strict(),
  z
    .object({
      executor: z.literal('ramping-vus'),
      startVUs: z.number().int().nonnegative().default(1),
      stages: z.array(stage).min(1),
      gracefulRampDown: duration.default('30s'),
      ...common,
    })
    .strict(),
  z
    .object({
      executor: z.literal('constant-arrival-rate'),
      rate: z.number().int().positive(),
      timeUnit: duration.default('1s'),
      duration,
      preAllocatedVUs: z.number().int().nonnegative(),
      maxVUs: z.number().int().nonnegative().optional(),
      ...common,
    })
    .strict(),
  z
    .object({
      executor: z.literal('ramping-arrival-rate'),
      startRate: z.number().int().nonnegative().default(0),
      timeUnit: duration.default('1s'),
      stages: z.array(stage).min(1),
      preAllocatedVUs: z.number().int().nonnegative(),
      maxVUs: z.number().int().nonnegative().optional(),
      ...common,
    })
    .strict(),
]);
export type ScenarioConfig = z.infer<typeof scenarioSchema>;

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
    // Accepted and without effect here (cloud and reporting knobs of k6).
    ext: z.unknown().optional(),
    cloud: z.unknown().optional(),
    noUsageReport: z.boolean().optional(),
    minIterationDuration: duration.optional(),
  })
  .passthrough();
export type ScriptOptions = z.infer<typeof optionsSchema>;

export type Overrides = { vus?: number; duration?: string; iterations?: number };

export type Scenario = ScenarioConfig & { name: string };

export type ResolvedOptions = {
  options: ScriptOptions;
  scenarios: Scenario[];
  summaryTrendStats: string[];
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

  let configs: Record<string, unknown>;
  if (options.scenarios) configs = options.scenarios;
  else configs = { default: shortcutScenario(options) };

  const scenarios: Scenario[] = [];
  for (const [name, config] of Object.entries(configs)) {
    const result = scenarioSchema.safeParse(config);
    if (!result.success) {
      const executor = (config as { executor?: unknown })?.executor;
      const known = scenarioSchema.options.map((o) => o.shape.executor.value);
      if (typeof executor === 'string' && !known.includes(executor as never))
        throw new OptionsError(
          `executor '${executor}' of scenario '${name}' is not supported by the built-in engine (supported: ${known.join(', ')})`,
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
    if (
      (s.executor === 'constant-arrival-rate' || s.executor === 'ramping-arrival-rate') &&
      s.maxVUs !== undefined &&
      s.maxVUs < s.preAllocatedVUs
    )
      throw new OptionsError(`scenario '${s.name}': maxVUs must be at least preAllocatedVUs`);
    if (s.executor === 'per-vu-iterations' || s.executor === 'shared-iterations')
      if (s.executor === 'shared-iterations' && s.iterations < s.vus)
        throw new OptionsError(
          `scenario '${s.name}': the number of iterations (${s.iterations}) can't be less than the number of VUs (${s.vus})`,
        );
  }
  return {
    options,
    scenarios,
    summaryTrendStats: options.summaryTrendStats ?? DEFAULT_TREND_STATS,
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

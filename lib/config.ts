// Run configuration from k6's __ENV (`-e NAME=value`), validated with zod/mini.
// Parsed in the init context: a bad value throws before `options` exists, so
// k6 (and the built-in engine) stop with exit code 107 before any load.
import * as z from 'zod/mini';
import {
  CONFIG_ERROR,
  DEFAULT_WEIGHTS,
  JOURNEYS,
  PROFILES,
  type Journey,
  type ScenarioVariable,
} from './catalogue.ts';

export type Weights = Record<Journey, number>;

const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;
const DURATION_HINT = 'must be a k6 duration such as 30s, 5m or 1h30m';

/** `browse=60,basket=20` → weights; journeys left out get 0. */
function parseWeights(text: string, ctx: z.core.ParsePayload): Weights {
  const weights = {} as Weights;
  for (const journey of JOURNEYS) weights[journey] = 0;
  const problem = (message: string) => ctx.issues.push({ code: 'custom', message, input: text });
  for (const entry of text.split(',')) {
    const match = /^\s*([\w-]+)\s*=\s*(\d+(\.\d+)?)\s*$/.exec(entry);
    if (!match) {
      problem(`entry "${entry}" is not journey=number (e.g. browse=60,basket=20)`);
      continue;
    }
    const name = match[1] as Journey;
    if (!JOURNEYS.includes(name)) {
      problem(`has an unknown journey "${name}" (journeys: ${JOURNEYS.join(', ')})`);
      continue;
    }
    weights[name] = Number(match[2]);
  }
  if (ctx.issues.length === 0 && JOURNEYS.every((j) => weights[j] === 0)) {
    problem('gives every journey a weight of 0');
  }
  return weights;
}

/** A number variable: `min` is inclusive. */
function numberVar(min: number, example: string) {
  return z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value) || value < min) {
        ctx.issues.push({
          code: 'custom',
          message: `must be a number ≥ ${min} (e.g. ${example}), got "${text}"`,
          input: text,
        });
      }
      return value;
    }),
  );
}

/** The variables read, named as SCENARIO_VARIABLES lists them (no more, no fewer). */
export const Env = z.object({
  BASE_URL: z.pipe(
    z.string({ error: 'is required (e.g. -e BASE_URL=http://127.0.0.1:8100)' }),
    z.transform((text: string, ctx) => {
      if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(text)) {
        ctx.issues.push({
          code: 'custom',
          message: `must be an http(s) URL (e.g. http://127.0.0.1:8100), got "${text}"`,
          input: text,
        });
      }
      return text.replace(/\/+$/, '');
    }),
  ),
  RUN_ID: z.optional(
    z.string().check(z.regex(/^[\w.-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "_" or "-"')),
  ),
  PROFILE: z._default(
    z.enum(PROFILES, {
      error: (iss) => `must be one of ${PROFILES.join(', ')}, got "${String(iss.input)}"`,
    }),
    'smoke',
  ),
  WEIGHTS: z._default(z.pipe(z.string(), z.transform(parseWeights)), DEFAULT_WEIGHTS),
  TARGET_RPS: z._default(numberVar(0.1, 'TARGET_RPS=50'), 50),
  THINK_TIME: z._default(numberVar(0, 'THINK_TIME=1'), 1),
  DURATION: z.optional(z.string().check(z.regex(DURATION, DURATION_HINT))),
  SMOKE_DURATION: z.optional(z.string().check(z.regex(DURATION, DURATION_HINT))),
  RAMP_DURATION: z.optional(z.string().check(z.regex(DURATION, DURATION_HINT))),
  USERS_FILE: z.optional(z.string()),
  PROMO_CODE: z._default(z.string(), 'WELCOME10'),
  RESULTS_DIR: z.optional(z.string()),
} satisfies Record<ScenarioVariable, z.core.$ZodType>);

const Config = z.pipe(
  Env,
  z.transform((env) => ({
    baseUrl: env.BASE_URL,
    /** Undefined when not given: setup() generates one so every VU shares it. */
    runId: env.RUN_ID,
    profile: env.PROFILE,
    weights: env.WEIGHTS,
    /** Target requests per second of the arrival-rate profiles. */
    targetRps: env.TARGET_RPS,
    /** Mean pause between steps, in seconds (0 in tests). */
    thinkTime: env.THINK_TIME,
    /** Overrides the main phase of the profile (smoke length, plateau, step, hold). */
    duration: env.PROFILE === 'smoke' ? (env.SMOKE_DURATION ?? env.DURATION) : env.DURATION,
    /** Overrides every ramp of capacity, stress and soak (a short capacity run in CI). */
    ramp: env.RAMP_DURATION,
    usersFile: env.USERS_FILE,
    promoCode: env.PROMO_CODE,
    resultsDir: env.RESULTS_DIR,
  })),
);
export type Config = z.output<typeof Config>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Every problem at once, each naming its variable. Empty values count as unset. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const given: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value) given[key] = value;
  const result = z.safeParse(Config, given);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
  };
}

/** For init code: returns the config or throws one Error listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = parseConfig(env);
  if (result.ok) return result.config;
  const lines = result.problems.map((p) => `  ✖ ${p}`).join('\n');
  throw new Error(`${CONFIG_ERROR}:\n${lines}`);
}

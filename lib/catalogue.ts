// The journeys and load profiles loadgate knows, as plain data. It imports
// nothing, so both runtimes read it: the k6 scripts (lib/, scenarios/,
// bundled by esbuild) and the Node side (the `loadgate run` command), which
// may import nothing else of lib/ (eslint.config.js). A new journey is its
// entry in each table here, plus lib/journeys/<name>.ts, scenarios/<name>.ts
// and its function in scenarios/mix.ts (test/cli/catalogue.test.ts checks
// that they exist and are bundled; TypeScript, that no table misses it).

export const JOURNEYS = ['browse', 'basket', 'checkout', 'sav-upload', 'newsletter'] as const;
export type Journey = (typeof JOURNEYS)[number];

/** The script running every journey at once (scenarios/mix.ts), split by weight. */
export const MIX = 'mix';

export const PROFILES = ['smoke', 'capacity', 'stress', 'spike', 'soak'] as const;
export type Profile = (typeof PROFILES)[number];

/** Each journey's share of the mix, when WEIGHTS does not say otherwise. */
export const DEFAULT_WEIGHTS: Readonly<Record<Journey, number>> = {
  browse: 60,
  basket: 20,
  checkout: 10,
  'sav-upload': 5,
  newsletter: 5,
};

/** The function scenarios/mix.ts exports for each journey (a k6 scenario's `exec`). */
export const MIX_EXEC: Readonly<Record<Journey, string>> = {
  browse: 'browse',
  basket: 'basket',
  checkout: 'checkout',
  'sav-upload': 'savUpload',
  newsletter: 'newsletter',
};

// What one iteration of each journey costs, to turn requests/s into
// iterations/s and size VU pools (lib/profiles.ts). Counted from
// lib/journeys/ (checkout: ~4 confirmation polls).

/** HTTP requests in one iteration. */
export const REQUESTS_PER_ITERATION: Readonly<Record<Journey, number>> = {
  browse: 4,
  basket: 8,
  checkout: 10,
  'sav-upload': 2,
  newsletter: 4,
};

/** Think-time pauses in one iteration. */
export const THINKS_PER_ITERATION: Readonly<Record<Journey, number>> = {
  browse: 4,
  basket: 5,
  checkout: 3,
  'sav-upload': 2,
  newsletter: 3,
};

/**
 * The scenario variables (`-e NAME=value`) lib/config.ts reads, each with what
 * it is for: the one list of valid names. lib/config.ts's schema is checked
 * against it (TypeScript, and test/cli/catalogue.test.ts), and `loadgate run`
 * refuses a name outside it before any load, suggesting the closest one.
 */
export const SCENARIO_VARIABLES = [
  'BASE_URL',
  'RUN_ID',
  'PROFILE',
  'WEIGHTS',
  'TARGET_RPS',
  'THINK_TIME',
  'DURATION',
  'SMOKE_DURATION',
  'RAMP_DURATION',
  'USERS_FILE',
  'PROMO_CODE',
  'RESULTS_DIR',
] as const;
export type ScenarioVariable = (typeof SCENARIO_VARIABLES)[number];

/**
 * How lib/config.ts starts the error a bad `-e` value raises in a script's
 * init code: `loadgate run`, which reads the options before any load, tells
 * it apart from a script bug (exit 2, not 107).
 */
export const CONFIG_ERROR = 'invalid configuration (k6 -e NAME=value)';

/** The gateway's health endpoint: setup() and `loadgate run`'s check before load ask it. */
export const GATEWAY_HEALTH_PATH = '/health';

// The contract between a run and where its samples go (--out), for both
// engines: a leaf, so the runner, the outputs and their registry depend on
// it and not on each other.
import type { Registry } from '../metrics.ts';
import type { Threshold } from '../thresholds.ts';

/** Where the built-in engine's samples go, besides the summary. */
export type Output = {
  /** Called once the metric registry exists, before any sample. */
  start(registry: Registry, thresholds: Threshold[]): void;
  stop(): Promise<void>;
};

/** What an output is given when it is made: where relative paths start, where warnings go. */
export type OutputContext = { cwd: string; warn(message: string): void };

/** What real k6 gets for an output: its `--out` arguments and environment. */
export type K6OutputArgs = { args: string[]; env: Record<string, string> };

/**
 * One `--out` output, all of it in one file (as k6's output/types.go
 * registers its outputs by name): how `--out name[=arg]` and the
 * environment configure it, the built-in engine's Output, real k6's argv/env.
 */
export type OutputDefinition<Config> = {
  /** The `--out` name (before any `=`). */
  name: string;
  /** How it is written on the command line, for help and errors: `json=FILE`. */
  usage: string;
  /** Its config from the `--out` argument (after `=`) and the environment; undefined: not a form it takes. */
  parse(arg: string | undefined, env: NodeJS.ProcessEnv): Config | undefined;
  create(config: Config, ctx: OutputContext): Output;
  k6(config: Config, ctx: OutputContext): K6OutputArgs;
};

/** An output asked for: a definition with its config, ready for either engine. */
export type OutputRequest = {
  name: string;
  create(ctx: OutputContext): Output;
  k6(ctx: OutputContext): K6OutputArgs;
};

/** Binds an output's config to its definition. */
export function outputRequest<Config>(
  definition: OutputDefinition<Config>,
  config: Config,
): OutputRequest {
  return {
    name: definition.name,
    create: (ctx) => definition.create(config, ctx),
    k6: (ctx) => definition.k6(config, ctx),
  };
}

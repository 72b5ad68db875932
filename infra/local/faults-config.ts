// The faults the local platform starts with, from every place a user gives
// them: LOADGATE_FAULTS, then --faults (JSON or @FILE), then the shorthand
// rules (--latency, --error-ratio, --pause-queue) on top, validated as one
// FaultConfig. `loadgate platform` and `loadgate run` both start with these.
import { readFile } from 'node:fs/promises';
import { FaultConfig, type RouteFault } from './gateway/options.ts';
import { InputError } from '../../core/errors.ts';
import { formatZodIssues } from '../../core/zod-issues.ts';

type RouteValue = readonly [route: string, value: string];

export type FaultSources = {
  /** A FaultConfig as JSON, or `@FILE` naming a file holding one. */
  faults?: string;
  /** Added latency per route template: `MS`, or `MIN-MAX` for a uniform range. */
  latency?: readonly RouteValue[];
  /** Share (0–1) of a route's requests answered with 503. */
  errorRatio?: readonly RouteValue[];
  /** Stop the order consumer (the queue backlog grows). */
  pauseQueue?: boolean;
};

/** Every source merged into one validated FaultConfig; undefined when no fault is asked for. */
export async function readFaults(
  sources: FaultSources,
  env: Record<string, string | undefined> = process.env,
): Promise<FaultConfig | undefined> {
  const documents: [string, string][] = [];
  if (env.LOADGATE_FAULTS) documents.push(['LOADGATE_FAULTS', env.LOADGATE_FAULTS]);
  if (sources.faults) {
    const text = sources.faults.startsWith('@')
      ? await readFile(sources.faults.slice(1), 'utf8')
      : sources.faults;
    documents.push(['--faults', text]);
  }
  const routes: RouteFault[] = [];
  let queuePaused = false;
  for (const [name, text] of documents) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${name}: malformed JSON: ${(error as Error).message}`);
    }
    const result = FaultConfig.safeParse(json);
    if (!result.success) throw new InputError(`${name}:\n${formatZodIssues(result.error.issues)}`);
    routes.push(...result.data.routes);
    queuePaused ||= result.data.queuePaused;
  }
  // Not validated on their own: the merged config below names what is wrong.
  const extra: unknown[] = [];
  for (const [route, ms] of sources.latency ?? []) {
    const range = /^(\d+)-(\d+)$/.exec(ms);
    extra.push({
      route,
      latencyMs: range ? { min: Number(range[1]), max: Number(range[2]) } : Number(ms),
    });
  }
  for (const [route, ratio] of sources.errorRatio ?? []) {
    extra.push({ route, errorRatio: Number(ratio) });
  }
  queuePaused ||= sources.pauseQueue === true;
  if (documents.length === 0 && extra.length === 0 && !queuePaused) return undefined;
  const result = FaultConfig.safeParse({ routes: [...routes, ...extra], queuePaused });
  if (!result.success) throw new InputError(`faults:\n${formatZodIssues(result.error.issues)}`);
  return result.data;
}

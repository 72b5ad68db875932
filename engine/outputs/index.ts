// The outputs the built-in engine has, by their `--out` name (as k6's
// output/types.go): the one list `--out` parsing, the built-in engine's
// outputs and real k6's argv read. Adding an output is a file in this
// folder and a line here.
import { InputError } from '../../core/errors.ts';
import { aggregates } from './aggregates.ts';
import { json } from './json.ts';
import { outputRequest, type OutputDefinition, type OutputRequest } from './output.ts';
import { remoteWrite, type RemoteWriteTarget } from './remote-write.ts';

export type { Output, OutputContext, OutputRequest } from './output.ts';

// `never`: a definition's config only ever goes back to that same definition.
const OUTPUTS = [json, remoteWrite, aggregates] as OutputDefinition<never>[];

/** One `--out` value (`json=FILE`, `experimental-prometheus-rw`); bad input when no output takes it. */
export function parseOut(value: string, env: NodeJS.ProcessEnv = process.env): OutputRequest {
  const i = value.indexOf('=');
  const name = i < 0 ? value : value.slice(0, i);
  const arg = i < 0 ? undefined : value.slice(i + 1);
  const definition = OUTPUTS.find((o) => o.name === name);
  const config = definition?.parse(arg, env);
  if (!definition || config === undefined)
    throw new InputError(
      `output '${value}' is not supported by the built-in engine (it writes ${listOf(OUTPUTS.map((o) => o.usage))})`,
      'install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) and loadgate uses it automatically',
    );
  return outputRequest(definition, config);
}

/** The programmatic shorthands for the two outputs `loadgate run` always asks for. */
export type OutputShorthands = { outJson?: string; remoteWrite?: RemoteWriteTarget };

/** The outputs asked for: the shorthands' first (json, then remote write), then `outputs`. */
export function requestedOutputs(
  asked: OutputShorthands & { outputs?: OutputRequest[] },
): OutputRequest[] {
  const requests: OutputRequest[] = [];
  if (asked.outJson) requests.push(outputRequest(json, { path: asked.outJson }));
  if (asked.remoteWrite) requests.push(outputRequest(remoteWrite, asked.remoteWrite));
  return [...requests, ...(asked.outputs ?? [])];
}

/** `a, b and c`. */
function listOf(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

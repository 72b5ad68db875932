// What every command does with its argv, done once: strict flag parsing with
// messages a user can act on, the value checks the commands share (KEY=VALUE
// pairs, http(s) URLs, numbers) and interrupt handling. Every problem is an
// InputError (exit 2) naming the flag; commands add their own help hint.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, InputError } from '../core/errors.ts';
import { redactUrl } from '../core/urls.ts';

/** What a command accepts: its options and whether it takes positional arguments. */
export type CommandLine = Pick<ParseArgsConfig, 'options' | 'allowPositionals'>;

/**
 * node:util parseArgs in strict mode, with its error replaced by a readable
 * one (`unknown option '--foo'`, a missing value, an unexpected argument)
 * and `hint` (how to get the command's help) attached.
 */
export function parseCommandLine<T extends CommandLine>(
  argv: readonly string[],
  commandLine: T,
  hint: string,
) {
  try {
    return parseArgs({ ...commandLine, args: [...argv], strict: true as const });
  } catch (error) {
    throw new InputError(describeParseError(argv, commandLine) ?? (error as Error).message, hint);
  }
}

/** The first token strict parsing refuses, said plainly; undefined if none is found. */
function describeParseError(argv: readonly string[], commandLine: CommandLine): string | undefined {
  const { tokens } = parseArgs({
    args: [...argv],
    options: commandLine.options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'option-terminator') return undefined;
    if (token.kind === 'positional') {
      if (!commandLine.allowPositionals) return `unexpected argument '${token.value}'`;
      continue;
    }
    const option = commandLine.options?.[token.name];
    if (!option) return `unknown option '${token.rawName}'`;
    if (option.type === 'boolean' && token.inlineValue)
      return `option '${token.rawName}' takes no value`;
    if (option.type === 'string' && token.value === undefined)
      return `option '${token.rawName}' needs a value`;
    // Strict parsing will not take `--target --journey` as a value: the value is forgotten.
    if (option.type === 'string' && !token.inlineValue && token.value?.startsWith('-'))
      return `option '${token.rawName}' needs a value (a value starting with '-' is written ${token.rawName}=${token.value})`;
  }
  return undefined;
}

export type PairOptions = {
  /** What the key is, for the message: KEY (default), NAME, ROUTE. */
  key?: string;
  /** Where to split: at the first '=' (the value may hold '='), or the last (the key may). */
  splitAt?: 'first' | 'last';
  /** A valid example, shown in the message. */
  example?: string;
  /** The item may hold a secret (a header value): the message does not repeat it. */
  secret?: boolean;
};

/** `KEY=VALUE` → [key, value]; a missing '=' or an empty key is an InputError naming `flag`. */
export function parsePair(item: string, flag: string, options: PairOptions = {}): [string, string] {
  const at = options.splitAt === 'last' ? item.lastIndexOf('=') : item.indexOf('=');
  if (at <= 0) {
    const example = options.example ? ` (e.g. ${options.example})` : '';
    const given = options.secret ? 'an entry' : `'${item}'`;
    throw new InputError(`${flag} ${given} is not ${options.key ?? 'KEY'}=VALUE${example}`);
  }
  return [item.slice(0, at), item.slice(at + 1)];
}

/** Every `KEY=VALUE` of a repeatable flag, in order (a key may repeat). */
export function parsePairList(
  items: readonly string[] | undefined,
  flag: string,
  options?: PairOptions,
): [string, string][] {
  return (items ?? []).map((item) => parsePair(item, flag, options));
}

/** Every `KEY=VALUE` of a repeatable flag as a record (the last of a repeated key wins). */
export function parsePairs(
  items: readonly string[] | undefined,
  flag: string,
  options?: PairOptions,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of parsePairList(items, flag, options)) out[key] = value;
  return out;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** An http(s) URL without its trailing slashes (so paths can be appended), or undefined. */
export function parseHttpUrl(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isHttpUrl(value))
    throw new InputError(
      `${flag} '${redactUrl(value)}' is not an http(s) URL (e.g. http://127.0.0.1:8100)`,
    );
  return value.replace(/\/+$/, '');
}

/** A finite number, or undefined when the flag is absent. */
export function parseNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InputError(`${flag} '${value}' is not a number`);
  return n;
}

/** 0, 1, 2…, or undefined when the flag is absent. */
export function parseWholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InputError(`${flag} '${value}' is not a whole number`);
  return Number(value);
}

export function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

/**
 * For commands that report every problem at once: runs `parse`, and turns an
 * InputError into one more line of `problems` (the result is then undefined).
 */
export function collect<T>(problems: string[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

/** Throws one InputError listing every problem, if there is any. */
export function throwProblems(problems: readonly string[], hint: string): void {
  if (problems.length === 0) return;
  throw new InputError('bad arguments:\n' + problems.map((p) => `✖ ${p}`).join('\n'), hint);
}

export interface Interrupt {
  /** Aborted on the first signal; its reason is the signal's name. */
  readonly signal: AbortSignal;
  /** Settles with the first signal's name. */
  readonly received: Promise<NodeJS.Signals>;
  /** Removes the listeners: call it once the work is over. */
  dispose(): void;
}

export type InterruptOptions = {
  /** Written to stderr on the first signal. */
  message: string | ((signal: NodeJS.Signals) => string);
  /** Default SIGINT and SIGTERM. */
  signals?: readonly NodeJS.Signals[];
  /**
   * A second SIGINT exits 105 at once (k6's Ctrl-C twice). Otherwise each
   * signal is caught once, and a second one gets Node's default (the process ends).
   */
  secondSigintExits?: boolean;
};

/** Turns Ctrl-C / SIGTERM into an abort, so the command can stop cleanly and still write results. */
export function onInterrupt(options: InterruptOptions): Interrupt {
  const controller = new AbortController();
  let settle!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((resolve) => (settle = resolve));
  const listeners = new Map<NodeJS.Signals, () => void>();
  const stopListening = (name: NodeJS.Signals) => {
    const listener = listeners.get(name);
    if (listener) process.off(name, listener);
    listeners.delete(name);
  };
  for (const name of options.signals ?? (['SIGINT', 'SIGTERM'] as const)) {
    const listener = () => {
      if (controller.signal.aborted) {
        if (name === 'SIGINT' && options.secondSigintExits) process.exit(EXIT.interrupted);
        return;
      }
      if (!(name === 'SIGINT' && options.secondSigintExits)) stopListening(name);
      const message = options.message;
      process.stderr.write(typeof message === 'function' ? message(name) : message);
      controller.abort(name);
      settle(name);
    };
    listeners.set(name, listener);
    process.on(name, listener);
  }
  return {
    signal: controller.signal,
    received,
    dispose: () => [...listeners.keys()].forEach(stopListening),
  };
}

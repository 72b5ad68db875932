// cli/args.ts: the parsing, value checks and interrupt handling every command shares.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  collect,
  isOneOf,
  onInterrupt,
  parseCommandLine,
  parseHttpUrl,
  parseNumber,
  parsePair,
  parsePairList,
  parsePairs,
  parseWholeNumber,
  throwProblems,
} from '../../cli/args.ts';
import { EXIT, InputError } from '../../core/errors.ts';

/** The InputError `fn` throws. */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

const commandLine = {
  options: {
    target: { type: 'string' },
    env: { type: 'string', short: 'e', multiple: true },
    quiet: { type: 'boolean', short: 'q' },
  },
} as const;
const HINT = "see 'loadgate test --help'";

describe('parseCommandLine', () => {
  it('parses like node:util parseArgs in strict mode', () => {
    const { values, positionals } = parseCommandLine(
      ['--target', 'http://x', '-qe', 'A=1', '--env=B=2', 'file.js'],
      { ...commandLine, allowPositionals: true },
      HINT,
    );
    expect(values).toEqual({ target: 'http://x', quiet: true, env: ['A=1', 'B=2'] });
    expect(positionals).toEqual(['file.js']);
  });

  it.each([
    [['--foo'], "unknown option '--foo'"],
    [['-x'], "unknown option '-x'"],
    [['--target'], "option '--target' needs a value"],
    [['-e'], "option '-e' needs a value"],
    [
      ['--target', '--quiet'],
      "option '--target' needs a value (a value starting with '-' is written --target=--quiet)",
    ],
    [['--quiet=yes'], "option '--quiet' takes no value"],
    [['file.js'], "unexpected argument 'file.js'"],
  ])('%j: %s, with the hint', (argv, message) => {
    const error = inputError(() => parseCommandLine(argv, commandLine, HINT));
    expect(error.message).toBe(message);
    expect(error.hint).toBe(HINT);
    expect(error.code).toBe(EXIT.badInput);
  });

  it('says unknown option plainly even when positionals are allowed', () => {
    // Node's own text here runs on about '--' with unbalanced quotes.
    const error = inputError(() =>
      parseCommandLine(['x', '--foo'], { ...commandLine, allowPositionals: true }, HINT),
    );
    expect(error.message).toBe("unknown option '--foo'");
  });
});

describe('KEY=VALUE pairs', () => {
  it('splits at the first = by default, so values keep theirs', () => {
    expect(parsePair('WEIGHTS=browse=80', '-e')).toEqual(['WEIGHTS', 'browse=80']);
    expect(parsePairs(['A=1', 'B=', 'A=3'], '--var')).toEqual({ A: '3', B: '' });
  });

  it('can split at the last =, and keeps repeated keys in a list', () => {
    expect(parsePairList(['/a=1', '/a=2'], '--latency', { splitAt: 'last' })).toEqual([
      ['/a', '1'],
      ['/a', '2'],
    ]);
    expect(parsePairList(undefined, '--latency')).toEqual([]);
  });

  it('names the flag, the expected shape and an example', () => {
    expect(inputError(() => parsePairs(['NOEQUALS'], '-e')).message).toBe(
      "-e 'NOEQUALS' is not KEY=VALUE",
    );
    expect(inputError(() => parsePair('=1', '--var', { key: 'NAME' })).message).toBe(
      "--var '=1' is not NAME=VALUE",
    );
    expect(
      inputError(() => parsePair('/x', '--latency', { key: 'ROUTE', example: '/a=1' })).message,
    ).toBe("--latency '/x' is not ROUTE=VALUE (e.g. /a=1)");
  });
});

describe('values', () => {
  it('takes http(s) URLs without trailing slashes', () => {
    expect(parseHttpUrl('https://h:9090//', '--prometheus')).toBe('https://h:9090');
    expect(parseHttpUrl(undefined, '--prometheus')).toBeUndefined();
    expect(inputError(() => parseHttpUrl('localhost:9090', '--prometheus')).message).toBe(
      "--prometheus 'localhost:9090' is not an http(s) URL (e.g. http://127.0.0.1:8100)",
    );
    expect(() => parseHttpUrl('ftp://h', '--target')).toThrow(InputError);
  });

  it('takes numbers and whole numbers', () => {
    expect(parseNumber('0.25', '--cpu-request')).toBe(0.25);
    expect(parseNumber(undefined, '--port')).toBeUndefined();
    expect(inputError(() => parseNumber(' ', '--port')).message).toBe("--port ' ' is not a number");
    expect(inputError(() => parseNumber('1e999', '--port')).message).toMatch(/not a number/);
    expect(parseWholeNumber('10', '--vus')).toBe(10);
    expect(inputError(() => parseWholeNumber('1.5', '--vus')).message).toBe(
      "--vus '1.5' is not a whole number",
    );
  });

  it('checks membership', () => {
    expect(isOneOf('k6', ['auto', 'k6'])).toBe(true);
    expect(isOneOf('jmeter', ['auto', 'k6'])).toBe(false);
  });

  it('collects every problem, then throws them at once', () => {
    const problems: string[] = [];
    expect(collect(problems, () => parseNumber('x', '--a'))).toBeUndefined();
    expect(collect(problems, () => parseNumber('2', '--b'))).toBe(2);
    expect(collect(problems, () => parseWholeNumber('-1', '--c'))).toBeUndefined();
    expect(() =>
      collect(problems, () => {
        throw new Error('a bug');
      }),
    ).toThrow('a bug');
    const error = inputError(() => throwProblems(problems, HINT));
    expect(error.message).toBe(
      "bad arguments:\n✖ --a 'x' is not a number\n✖ --c '-1' is not a whole number",
    );
    expect(error.hint).toBe(HINT);
    expect(() => throwProblems([], HINT)).not.toThrow();
  });
});

describe('onInterrupt', () => {
  // The test runner's own listeners stay out of the way while signals are emitted.
  const saved = new Map<string, NodeJS.SignalsListener[]>();
  beforeEach(() => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      saved.set(name, process.listeners(name));
      process.removeAllListeners(name);
    }
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    for (const [name, listeners] of saved) {
      process.removeAllListeners(name);
      for (const listener of listeners) process.on(name, listener);
    }
  });

  it('aborts on the first signal with a message, and is gone after dispose()', async () => {
    const interrupt = onInterrupt({ message: (signal) => `stopping on ${signal}\n` });
    expect(process.listenerCount('SIGINT')).toBe(1);
    expect(process.listenerCount('SIGTERM')).toBe(1);
    process.emit('SIGTERM', 'SIGTERM');
    expect(interrupt.signal.aborted).toBe(true);
    expect(interrupt.signal.reason).toBe('SIGTERM');
    expect(await interrupt.received).toBe('SIGTERM');
    expect(process.stderr.write).toHaveBeenCalledWith('stopping on SIGTERM\n');
    // Caught once: a second SIGTERM would get Node's default again.
    expect(process.listenerCount('SIGTERM')).toBe(0);
    process.emit('SIGINT', 'SIGINT');
    expect(process.stderr.write).toHaveBeenCalledTimes(1);
    interrupt.dispose();
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('exits 105 on a second SIGINT when asked to, as k6 does', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const interrupt = onInterrupt({
      message: 'stopping\n',
      signals: ['SIGINT'],
      secondSigintExits: true,
    });
    expect(process.listenerCount('SIGTERM')).toBe(0);
    process.emit('SIGINT', 'SIGINT');
    expect(interrupt.signal.aborted).toBe(true);
    expect(exit).not.toHaveBeenCalled();
    process.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledWith(EXIT.interrupted);
    interrupt.dispose();
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});

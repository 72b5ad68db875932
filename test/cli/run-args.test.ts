import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../cli/commands/run.ts';
import { ExitError } from '../../core/errors.ts';

function problemsOf(argv: string[]): string {
  try {
    parseRunArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(ExitError);
    expect((error as ExitError).code).toBe(2);
    return (error as ExitError).message;
  }
  throw new Error('expected bad input');
}

describe('loadgate run arguments', () => {
  it('defaults to every journey on the local platform, judged by the default spec', () => {
    expect(parseRunArgs(['smoke'])).toEqual({
      profile: 'smoke',
      journey: 'mix',
      target: undefined,
      prometheus: undefined,
      slo: true,
      engine: 'auto',
      runners: 1,
      results: 'results',
      baseline: undefined,
      pushgateway: undefined,
      remoteWrite: undefined,
      yes: false,
      maxRps: undefined,
      dryRun: false,
      faults: {
        faults: undefined,
        latency: undefined,
        'error-ratio': undefined,
        'pause-queue': undefined,
      },
      env: {},
      rawSamples: false,
    });
  });

  it('keeps raw samples only with --raw-samples', () => {
    expect(parseRunArgs(['smoke', '--raw-samples'])?.rawSamples).toBe(true);
  });

  it('refuses a -e name the scenarios do not read, naming the closest, and those loadgate run sets', () => {
    expect(() => parseRunArgs(['capacity', '-e', 'TARGET_RSP=300'])).toThrow(
      /-e TARGET_RSP: not a scenario variable \(did you mean TARGET_RPS\?\)/,
    );
    expect(() => parseRunArgs(['capacity', '-e', 'BASE_URL=http://x'])).toThrow(/--target/);
  });

  it('takes --max-rps above 0 only', () => {
    expect(parseRunArgs(['capacity', '--max-rps', '20'])?.maxRps).toBe(20);
    expect(() => parseRunArgs(['capacity', '--max-rps', '0'])).toThrow(/above 0/);
    expect(() => parseRunArgs(['capacity', '--max-rps', 'x'])).toThrow(/not a number/);
  });

  it('takes --runners from 1 to 16, as a whole number, before any load', () => {
    expect(parseRunArgs(['capacity', '--runners', '3'])?.runners).toBe(3);
    for (const bad of ['0', '17', '2.5', 'two'])
      expect(() => parseRunArgs(['capacity', '--runners', bad]), bad).toThrow(
        /--runners .*: must be a whole number from 1 to 16/,
      );
    // The live page shows one engine process: refused with runners, not left blank.
    expect(() => parseRunArgs(['capacity', '--runners', '2', '--dashboard'])).toThrow(
      /--dashboard .*not with --runners/,
    );
  });

  it('keeps -e values whole and trims a trailing slash from URLs', () => {
    const options = parseRunArgs([
      'capacity',
      '--target',
      'http://127.0.0.1:8100/',
      '-e',
      'WEIGHTS=browse=80,checkout=20',
      '-e',
      'TARGET_RPS=200',
    ]);
    expect(options?.target).toBe('http://127.0.0.1:8100');
    expect(options?.env).toEqual({ WEIGHTS: 'browse=80,checkout=20', TARGET_RPS: '200' });
  });

  it('names every problem at once', () => {
    const message = problemsOf([
      'warp',
      'extra',
      '--engine',
      'jmeter',
      '--prometheus',
      'localhost:9090',
      '--baseline',
      '/nonexistent/run',
      '-e',
      'NOEQUALS',
      '--slo',
      'nope.yaml',
      '--no-slo',
      '--target',
      'http://127.0.0.1:8100',
      '--pause-queue',
    ]);
    for (const expected of [
      "unknown profile 'warp'",
      'unexpected argument(s): extra',
      "unknown engine 'jmeter'",
      "--prometheus 'localhost:9090' is not an http(s) URL",
      '--baseline /nonexistent/run: no slo.json there',
      "-e 'NOEQUALS' is not KEY=VALUE",
      '--slo nope.yaml: no such file',
      '--slo and --no-slo contradict each other',
      'faults are injected into the local platform only',
    ]) {
      expect(message).toContain(expected);
    }
  });

  it('asks for a profile, and explains an unknown flag', () => {
    expect(problemsOf([])).toContain('a profile is required');
    expect(problemsOf(['smoke', '--vus', '10'])).toMatch(/--vus/);
  });

  it('returns nothing for --help', () => {
    expect(parseRunArgs(['--help'])).toBeUndefined();
  });
});

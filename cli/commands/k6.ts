// `loadgate k6 run script.js [flags]`: k6's own command line, so a k6 user
// needs no new habits. Exit codes are k6's (99 thresholds, 105 interrupted,
// 107 script error, 108 test.abort(), 104 invalid options).
import { isOneOf, onInterrupt, parseCommandLine, parsePairs, parseWholeNumber } from '../args.ts';
import { runScript } from '../../engine/index.ts';
import { parseOut, type OutputRequest } from '../../engine/outputs/index.ts';
import { EXIT, InputError } from '../../core/errors.ts';
import {
  ExecutionTuple,
  parseSegment,
  parseSequence,
  SegmentError,
} from '../../engine/execution-segment.ts';

const USAGE = `Usage: loadgate k6 run [flags] script.js

Runs a k6 script with real k6 when it is on PATH (or K6_BIN is set), else with
loadgate's built-in k6-compatible engine. Flags (as k6's):
  -e, --env K=V                     environment variable for __ENV (repeatable)
  -u, --vus N                       number of VUs
  -d, --duration D                  test duration (e.g. 30s, 1m30s)
  -i, --iterations N                total iterations (shared by the VUs)
      --execution-segment SEG       run only this part of the test, e.g. 1/3:2/3
      --execution-segment-sequence SEQ
                                    the parts the test is split in, e.g. 0,1/3,2/3,1
      --tag NAME=VALUE              tag on every sample of the test (repeatable)
      --summary-export FILE         legacy end-of-test summary JSON
  -o, --out json=FILE               every metric sample as NDJSON
  -o, --out experimental-prometheus-rw
                                    Prometheus remote write to $K6_PROMETHEUS_RW_SERVER_URL
  -q, --quiet                       no progress line (the summary is still printed, as by k6)
      --no-summary                  no end-of-test text summary
      --engine auto|builtin|k6      force an engine (default auto)
  -h, --help                        this help

Exit codes: 0 ok, 99 thresholds crossed, 100/101 setup()/teardown() timed out,
104 invalid options, 105 interrupted, 107 script exception, 108 test.abort().`;

export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE + '\n');
    return sub ? EXIT.ok : EXIT.badInput;
  }
  if (sub !== 'run')
    throw new InputError(`unknown k6 command '${sub}': only 'run' is available`, USAGE);
  const { values, positionals } = parseCommandLine(
    rest,
    {
      allowPositionals: true,
      options: {
        env: { type: 'string', short: 'e', multiple: true },
        vus: { type: 'string', short: 'u' },
        duration: { type: 'string', short: 'd' },
        iterations: { type: 'string', short: 'i' },
        'execution-segment': { type: 'string' },
        'execution-segment-sequence': { type: 'string' },
        tag: { type: 'string', multiple: true },
        'summary-export': { type: 'string' },
        out: { type: 'string', short: 'o', multiple: true },
        quiet: { type: 'boolean', short: 'q' },
        'no-summary': { type: 'boolean' },
        engine: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    "run 'loadgate k6 run --help' for the flags",
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new InputError('expected exactly one script', USAGE);

  const env = parsePairs(values.env, '--env');
  const tags = values.tag && parsePairs(values.tag, '--tag', { key: 'NAME' });
  const vus = parseWholeNumber(values.vus, '--vus');
  const iterations = parseWholeNumber(values.iterations, '--iterations');
  const executionSegment = checked(
    values['execution-segment'],
    '--execution-segment',
    parseSegment,
  );
  const executionSegmentSequence = checked(
    values['execution-segment-sequence'],
    '--execution-segment-sequence',
    parseSequence,
  );
  if (executionSegment !== undefined && executionSegmentSequence !== undefined)
    checked(executionSegment, '--execution-segment', (seg) =>
      ExecutionTuple.of(parseSegment(seg), parseSequence(executionSegmentSequence)),
    );
  // One output per --out name, the last one given winning.
  const outputs = new Map<string, OutputRequest>();
  for (const out of values.out ?? []) {
    const request = parseOut(out);
    outputs.set(request.name, request);
  }
  const engine = values.engine ?? 'auto';
  if (!isOneOf(engine, ['auto', 'builtin', 'k6'] as const))
    throw new InputError(`unknown engine '${engine}': expected auto, builtin or k6`);

  // First Ctrl-C: stop like k6 (exit 105, summary still written); second: leave now.
  const interrupt = onInterrupt({
    message: '\nstopping the test (Ctrl-C again to quit at once)…\n',
    signals: ['SIGINT'],
    secondSigintExits: true,
  });
  try {
    const result = await runScript({
      script: positionals[0]!,
      env,
      vus,
      duration: values.duration,
      iterations,
      executionSegment,
      executionSegmentSequence,
      tags,
      summaryExport: values['summary-export'],
      outputs: [...outputs.values()],
      signal: interrupt.signal,
      engine,
      progress: !values.quiet,
      quiet: values.quiet,
      noSummary: values['no-summary'],
    });
    return result.exitCode;
  } finally {
    interrupt.dispose();
  }
}

/** A flag's value once `parse` accepts it (exit 2 naming the flag otherwise). */
function checked(
  value: string | undefined,
  flag: string,
  parse: (text: string) => unknown,
): string | undefined {
  if (value === undefined) return undefined;
  try {
    parse(value);
  } catch (e) {
    if (e instanceof SegmentError) throw new InputError(`invalid ${flag} '${value}': ${e.message}`);
    throw e;
  }
  return value;
}

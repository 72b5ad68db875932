// `loadgate k6 run script.js [flags]`: k6's own command line, so a k6 user
// needs no new habits. Exit codes are k6's (99 thresholds, 105 interrupted,
// 107 script error, 108 test.abort(), 104 invalid options).
import { isOneOf, onInterrupt, parseCommandLine, parsePairs, parseWholeNumber } from '../args.ts';
import { runScript } from '../../engine/index.ts';
import { parseOut, type OutputRequest } from '../../engine/outputs/index.ts';
import { EXIT, InputError } from '../../core/errors.ts';

const USAGE = `Usage: loadgate k6 run [flags] script.js

Runs a k6 script with real k6 when it is on PATH (or K6_BIN is set), else with
loadgate's built-in k6-compatible engine. Flags (as k6's):
  -e, --env K=V                     environment variable for __ENV (repeatable)
  -u, --vus N                       number of VUs
  -d, --duration D                  test duration (e.g. 30s, 1m30s)
  -i, --iterations N                total iterations (shared by the VUs)
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
  const vus = parseWholeNumber(values.vus, '--vus');
  const iterations = parseWholeNumber(values.iterations, '--iterations');
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

import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { FaultFlags } from './platform.ts';
import { EXIT, InputError } from '../../core/errors.ts';
import { RUN_FILES } from '../../run-dir/files.ts';
import type { RunRecord } from '../../run-dir/record.ts';
import type { Verdict } from '../../slo/verdict.ts';

/**
 * `loadgate run <profile>`: the main job. Runs a profile of the journeys
 * against a gateway (the embedded local platform unless --target is given),
 * records the run under results/<run-id>/, then lets the SLO checker judge it
 * from Prometheus.
 */
/** The package's own files (bundles, default specs), wherever loadgate is run from. */
const HOME = fileURLToPath(new URL('../..', import.meta.url));

const PROFILES = ['smoke', 'capacity', 'stress', 'spike', 'soak'] as const;
const JOURNEYS = ['mix', 'browse', 'basket', 'checkout', 'sav-upload', 'newsletter'] as const;

const USAGE = `Usage: loadgate run <profile> [options]

Profiles: ${PROFILES.join(', ')}

Options:
  --target URL        gateway to load (default: start the local platform on loopback)
  --journey NAME      ${JOURNEYS.join(' | ')} (default: mix, every journey at once)
  --prometheus URL    Prometheus the SLO checker queries (default: the local platform's)
  --slo FILE          SLO spec (default: slo/local.yaml locally, slo/platform.yaml with --target)
  --no-slo            skip the SLO check (k6 thresholds still decide)
  --baseline DIR      an earlier run (results/<run-id>) whose p95 this run must not exceed by +10 %
  --pushgateway URL   push the verdict metrics (loadgate_slo_*) there, for scheduled runs
  --engine NAME       auto | builtin | k6 (default: auto, real k6 when on PATH)
  --latency ROUTE=MS, --error-ratio ROUTE=R, --pause-queue, --faults JSON|@FILE
                      inject faults into the local platform (see loadgate platform --help):
                      rehearse that the SLO check catches a breach
  --results DIR       where runs are written (default: results)
  -e, --env K=V       extra variable for the scenarios (repeatable), e.g. -e SMOKE_DURATION=20s
  -h, --help          this help

Exit codes: 0 pass, 1 thresholds or an SLO failed, 2 bad input, 3 Prometheus unreachable,
104 invalid k6 options (or too many VUs for the built-in engine), 105 interrupted (partial
results are written), 107 script error, 108 test.abort().`;

export async function main(argv: string[]): Promise<number> {
  const options = parseRunArgs(argv);
  if (!options) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const bundle = join(HOME, 'k6-bundles', `${options.journey}.js`);
  if (!existsSync(bundle)) {
    throw new InputError(`no bundle ${bundle}`, 'build the scenarios first: npm run build');
  }

  const runId = makeRunId(options.profile);
  const runDir = resolve(options.results, runId);

  // Ctrl-C stops the load but still writes what was measured (k6 exit 105).
  const abort = new AbortController();
  const onSignal = () => {
    process.stderr.write(
      '\nloadgate: interrupted, stopping the load and writing partial results…\n',
    );
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const { startPlatform } = await import('../../infra/local/platform.ts');
  const { readFaults } = await import('./platform.ts');
  const platform = options.target
    ? undefined
    : await startPlatform({ prometheus: true, faults: await readFaults(options.faults) });
  try {
    await mkdir(runDir, { recursive: true });
    const target = options.target ?? platform!.gatewayUrl;
    const prometheusUrl = options.prometheus ?? platform?.prometheusUrl;
    process.stderr.write(
      `loadgate: run ${runId}: ${options.profile} profile of ${options.journey} against ${target}\n`,
    );
    if (platform)
      process.stderr.write(
        `loadgate: local platform: gateway ${platform.gatewayUrl}, Prometheus ${prometheusUrl}\n`,
      );

    const { runScript } = await import('../../engine/index.ts');
    const startedAt = new Date();
    const result = await runScript({
      script: bundle,
      env: {
        ...options.env,
        BASE_URL: target,
        RUN_ID: runId,
        PROFILE: options.profile,
        RESULTS_DIR: runDir,
      },
      outJson: join(runDir, RUN_FILES.metrics),
      remoteWrite: prometheusUrl ? { url: `${prometheusUrl}/api/v1/write` } : undefined,
      engine: options.engine,
      signal: abort.signal,
    });
    const endedAt = new Date();
    const interrupted = abort.signal.aborted;

    const { writeRunRecord } = await import('../../run-dir/record.ts');
    const record = await writeRunRecord(runDir, {
      id: runId,
      profile: options.profile,
      target,
      engine: result.engine,
      scripts: [relative(HOME, bundle)],
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      exitCode: result.exitCode,
      interrupted,
      prometheusUrl,
    });
    process.stderr.write(
      `loadgate: ${result.engine} engine finished with exit code ${result.exitCode}; results in ${runDir}\n`,
    );

    try {
      const { ranToEnd, runOutcome } = await import('../../run-dir/outcome.ts');
      // An interrupted or failed load is not judged: its outcome is the engine's.
      const slo = ranToEnd(record)
        ? await judge(options, { record, runDir, local: platform !== undefined })
        : undefined;
      return runOutcome({ ...record, slo }).exitCode;
    } finally {
      // Whatever the verdict (or its absence), the run gets its page.
      const { writeReport } = await import('../../report/index.ts');
      const page = await writeReport(runDir).catch((error: Error) => {
        process.stderr.write(`loadgate: could not write the HTML report: ${error.message}\n`);
      });
      if (page) process.stderr.write(`loadgate: report ${page}\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await platform?.stop();
  }
}

/**
 * The SLO verdict of a run that ran to its end, when there is a Prometheus to
 * ask and the check is not switched off (the k6 thresholds decide either way:
 * see run-dir/outcome.ts). The record is handed over as written, not re-read.
 */
async function judge(
  options: RunOptions,
  run: { record: RunRecord; runDir: string; local: boolean },
): Promise<Verdict | undefined> {
  const { record } = run;
  if (record.exitCode === EXIT.thresholdsFailed)
    process.stderr.write('loadgate: k6 thresholds failed (see the summary above)\n');
  if (!options.slo) return undefined;
  if (!record.prometheusUrl) {
    process.stderr.write(
      'loadgate: no Prometheus to query (pass --prometheus URL): SLO check skipped\n',
    );
    return undefined;
  }
  const { runCheck } = await import('../../slo/index.ts');
  const spec =
    options.slo === true
      ? join(HOME, 'slo', run.local ? 'local.yaml' : 'platform.yaml')
      : options.slo;
  const check = await runCheck({
    spec,
    prometheusUrl: record.prometheusUrl,
    run: record,
    runDir: run.runDir,
    profile: record.profile,
    vars: { profile: options.profile, ...(options.baseline && { baseline: options.baseline }) },
    pushgatewayUrl: options.pushgateway,
  });
  return check.verdict;
}

type RunOptions = {
  profile: (typeof PROFILES)[number];
  journey: (typeof JOURNEYS)[number];
  target?: string;
  prometheus?: string;
  /** true: the default spec for the target; a string: that file; false: skip. */
  slo: string | boolean;
  engine: 'auto' | 'builtin' | 'k6';
  results: string;
  baseline?: string;
  pushgateway?: string;
  faults: FaultFlags;
  env: Record<string, string>;
};

/** Flags to options, with every problem reported at once; undefined for --help. */
export function parseRunArgs(argv: string[]): RunOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: 'string' },
        journey: { type: 'string', default: 'mix' },
        prometheus: { type: 'string' },
        slo: { type: 'string' },
        'no-slo': { type: 'boolean', default: false },
        baseline: { type: 'string' },
        pushgateway: { type: 'string' },
        faults: { type: 'string' },
        latency: { type: 'string', multiple: true },
        'error-ratio': { type: 'string', multiple: true },
        'pause-queue': { type: 'boolean' },
        engine: { type: 'string', default: 'auto' },
        results: { type: 'string', default: 'results' },
        env: { type: 'string', short: 'e', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new InputError((error as Error).message, "see 'loadgate run --help'");
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;

  const problems: string[] = [];
  const [profile, ...extra] = positionals;
  if (!profile) problems.push(`a profile is required: ${PROFILES.join(', ')}`);
  else if (!isOneOf(profile, PROFILES))
    problems.push(`unknown profile '${profile}': expected ${PROFILES.join(', ')}`);
  if (extra.length) problems.push(`unexpected argument(s): ${extra.join(' ')}`);
  if (!isOneOf(values.journey, JOURNEYS))
    problems.push(`unknown journey '${values.journey}': expected ${JOURNEYS.join(', ')}`);
  if (!isOneOf(values.engine, ['auto', 'builtin', 'k6'] as const))
    problems.push(`unknown engine '${values.engine}': expected auto, builtin or k6`);
  for (const [flag, url] of [
    ['--target', values.target],
    ['--prometheus', values.prometheus],
    ['--pushgateway', values.pushgateway],
  ] as const) {
    if (url !== undefined && !isHttpUrl(url))
      problems.push(`${flag} '${url}' is not an http(s) URL (e.g. http://127.0.0.1:8100)`);
  }
  const injects = values.faults || values.latency || values['error-ratio'] || values['pause-queue'];
  if (injects && values.target)
    problems.push(
      'faults are injected into the local platform only: drop --target, or the fault flags',
    );
  if (values.slo && values['no-slo']) problems.push('--slo and --no-slo contradict each other');
  if (values.slo && !existsSync(values.slo)) problems.push(`--slo ${values.slo}: no such file`);
  if (values.baseline && !existsSync(join(values.baseline, 'slo.json')))
    problems.push(
      `--baseline ${values.baseline}: no slo.json there (pass a results/<run-id> directory)`,
    );
  const env: Record<string, string> = {};
  for (const pair of values.env) {
    const at = pair.indexOf('=');
    if (at <= 0) problems.push(`-e '${pair}' is not KEY=VALUE`);
    else env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (problems.length) {
    throw new InputError(
      'bad arguments:\n' + problems.map((p) => `✖ ${p}`).join('\n'),
      "see 'loadgate run --help'",
    );
  }
  return {
    profile: profile as RunOptions['profile'],
    journey: values.journey as RunOptions['journey'],
    target: values.target?.replace(/\/+$/, ''),
    prometheus: values.prometheus?.replace(/\/+$/, ''),
    slo: values['no-slo'] ? false : (values.slo ?? true),
    engine: values.engine as RunOptions['engine'],
    results: values.results,
    baseline: values.baseline,
    pushgateway: values.pushgateway,
    faults: {
      faults: values.faults,
      latency: values.latency,
      'error-ratio': values['error-ratio'],
      'pause-queue': values['pause-queue'],
    },
    env,
  };
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Sortable and readable: smoke-20261124-224501-3f9a. */
function makeRunId(profile: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${profile}-${stamp}-${randomBytes(2).toString('hex')}`;
}

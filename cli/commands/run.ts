// `loadgate run <profile>`: the main job. Runs a profile of the journeys
// against a gateway (the embedded local platform unless --target is given),
// records the run under results/<run-id>/, then lets the SLO checker judge it
// from Prometheus.
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import {
  collect,
  isOneOf,
  onInterrupt,
  parseCommandLine,
  parseHttpUrl,
  parseNumber,
  parsePair,
  throwProblems,
} from '../args.ts';
import { FAULT_OPTIONS, faultSources, hasFaultFlags } from '../fault-flags.ts';
import {
  PROMETHEUS_AUTH_OPTIONS,
  PROMETHEUS_AUTH_USAGE,
  prometheusAuth,
  type PrometheusAuthValues,
} from '../prometheus-auth.ts';
import { preflight } from '../run-preflight.ts';
import { scenarioEnvProblems } from '../scenario-env.ts';
// Everything the run needs after the load is imported here, with the command:
// a Ctrl-C to the process group also stops the run-time TypeScript loader's
// helper process, after which no module can be loaded (TransformError).
import { runScript } from '../../engine/index.ts';
import { readFaults, type FaultSources } from '../../infra/local/faults-config.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { INSTALL_PROMETHEUS } from '../../infra/local/prometheus.ts';
import { replicaSummary } from '../../infra/local/services.ts';
import { writeReport } from '../../report/index.ts';
import { createDirectory } from '../../run-dir/create.ts';
import { ranToEnd, runOutcome } from '../../run-dir/outcome.ts';
import { writeRunRecord } from '../../run-dir/record.ts';
import { runCheck } from '../../slo/index.ts';
import { JOURNEYS as CATALOGUE_JOURNEYS, MIX, PROFILES } from '../../lib/catalogue.ts';
import { EXIT, InputError } from '../../core/errors.ts';
import { redactUrl } from '../../core/urls.ts';
import type { RemoteWriteTarget } from '../../engine/outputs/remote-write.ts';
import type { PrometheusAuth } from '../../slo/prometheus.ts';
import { RUN_FILES } from '../../run-dir/files.ts';
import type { RunRecord } from '../../run-dir/record.ts';
import type { Verdict } from '../../slo/verdict.ts';

/** The package's own files (bundles, default specs), wherever loadgate is run from. */
const HOME = fileURLToPath(new URL('../..', import.meta.url));

/** What --journey takes: the mix (every journey at once), or one journey alone. */
const JOURNEYS = [MIX, ...CATALOGUE_JOURNEYS] as const;

const USAGE = `Usage: loadgate run <profile> [options]

Profiles: ${PROFILES.join(', ')}

Options:
  --target URL        gateway to load (default: start the local platform on loopback)
  --journey NAME      ${JOURNEYS.join(' | ')} (default: mix, every journey at once)
  --prometheus URL    Prometheus the SLO checker queries (default: the local platform's);
                      asked vector(1) before any load
  --remote-write URL  where the engine writes its metrics (Prometheus remote write, e.g.
                      https://prometheus.example/api/v1/write); default: the local platform's
                      Prometheus without --target, nowhere with it (never implied by --prometheus)
  --slo FILE          SLO spec (default: slo/local.yaml locally, slo/platform.yaml with --target)
  --no-slo            skip the SLO check (k6 thresholds still decide)
  --baseline DIR      an earlier run (results/<run-id>) whose p95 this run must not exceed by +10 %
  --pushgateway URL   push the verdict metrics (loadgate_slo_*) there, for scheduled runs
Prometheus authentication (the SLO check's queries and the engine's remote write alike):
${PROMETHEUS_AUTH_USAGE}
  --engine NAME       auto | builtin | k6 (default: auto, real k6 when on PATH)
  --latency ROUTE=MS, --error-ratio ROUTE=R, --pause-queue, --faults JSON|@FILE
                      inject faults into the local platform (see loadgate platform --help):
                      rehearse that the SLO check catches a breach
  --results DIR       where runs are written (default: results)
  -e, --env K=V       scenario variable (repeatable), e.g. -e SMOKE_DURATION=20s; an unknown
                      name is refused (exit 2)
Safety gate (any profile but smoke against a target that is not loopback):
  --yes               load it: without --yes (or LOADGATE_CONFIRM=1) the plan is printed and
                      nothing is sent (exit 2)
  --max-rps N         cap the peak planned request rate at N req/s (scales TARGET_RPS; refused
                      for VU-loop scenarios such as smoke's, whose rate is not planned)
  --dry-run           print the plan (stages, peak req/s, VUs, length) and exit 0, without load
  -h, --help          this help

Before any load: the SLO spec (schema, variables, PromQL), -e names, the engine and the
results directory are checked (2), then the target's /health and Prometheus (3).

Exit codes: 0 pass, 1 thresholds or an SLO failed, 2 bad input (or not confirmed), 3 target,
Prometheus or a local port unavailable,
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

  // The environment's credentials too: read before anything starts, never written.
  const auth = await prometheusAuth(options.auth ?? {});
  const runId = makeRunId(options.profile);
  const runDir = resolve(options.results, runId);

  // Before anything starts: a results directory that cannot be made is bad input.
  await createDirectory(options.results, `--results ${options.results}`);

  // Everything else checkable, then the plan and the gate (cli/run-preflight.ts).
  const ready = await preflight({
    ...options,
    bundle,
    auth,
    env: { ...options.env, RUN_ID: runId, PROFILE: options.profile, RESULTS_DIR: runDir },
    defaultSpec: (local) => join(HOME, 'slo', local ? 'local.yaml' : 'platform.yaml'),
  });
  if (!ready) return EXIT.ok;
  // --max-rps's TARGET_RPS, for the run as for the plan.
  Object.assign(options.env, ready.env);

  // Ctrl-C stops the load but still writes what was measured (k6 exit 105).
  const abort = onInterrupt({
    message: '\nloadgate: interrupted, stopping the load and writing partial results…\n',
  });

  const platform = options.target
    ? undefined
    : await startPlatform({
        // Without its binary the platform runs all the same: the check judges what it can.
        prometheus: options.slo ? 'if-installed' : false,
        faults: await readFaults(options.faults),
      });
  try {
    await createDirectory(runDir, `--results ${options.results}`);
    const target = options.target ?? platform!.gatewayUrl;
    const prometheusUrl = options.prometheus ?? platform?.prometheusUrl;
    // Only where asked, or the local platform's own: never a real Prometheus by default.
    const remoteWrite =
      options.remoteWrite ?? (platform?.prometheusUrl && `${platform.prometheusUrl}/api/v1/write`);
    process.stderr.write(
      `loadgate: run ${runId}: ${options.profile} profile of ${options.journey} against ${redactUrl(target)}\n`,
    );
    if (platform)
      process.stderr.write(
        `loadgate: local platform: gateway ${platform.gatewayUrl}, Prometheus ${prometheusUrl ?? 'none'}\n`,
      );

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
      remoteWrite: remoteWrite ? remoteWriteTo(remoteWrite, auth) : undefined,
      engine: options.engine,
      signal: abort.signal,
      // The local HPAs at work, beside the load (a real target's are in Prometheus).
      progress: {
        plain: true,
        extra: platform && (() => replicaSummary(platform.replicasByDeployment())),
      },
    });
    const endedAt = new Date();
    const interrupted = abort.signal.aborted;

    const record = await writeRunRecord(runDir, {
      id: runId,
      profile: options.profile,
      // Records are shared (CI artifacts, reports): URLs without their credentials.
      target: redactUrl(target),
      engine: result.engine,
      scripts: [relative(HOME, bundle)],
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      exitCode: result.exitCode,
      interrupted,
      prometheusUrl: prometheusUrl && redactUrl(prometheusUrl),
    });
    process.stderr.write(
      `loadgate: ${result.engine} engine finished with exit code ${result.exitCode}; results in ${runDir}\n`,
    );

    try {
      // An interrupted or failed load is not judged: its outcome is the engine's.
      const slo = ranToEnd(record)
        ? await judge(options, {
            record,
            runDir,
            local: platform !== undefined,
            prometheus: prometheusUrl ? { url: prometheusUrl, auth } : undefined,
          })
        : undefined;
      return runOutcome({ ...record, slo }).exitCode;
    } finally {
      // Whatever the verdict (or its absence), the run gets its page.
      const page = await writeReport(runDir).catch((error: Error) => {
        process.stderr.write(`loadgate: could not write the HTML report: ${error.message}\n`);
      });
      if (page) process.stderr.write(`loadgate: report ${page}\n`);
    }
  } finally {
    abort.dispose();
    await platform?.stop();
  }
}

/**
 * The SLO verdict of a run that ran to its end, unless the check is switched
 * off (the k6 thresholds decide either way: see run-dir/outcome.ts). Without
 * a Prometheus to ask, the objectives that need one are skipped as not checked
 * and the verdict is at best WARN. The record is handed over as written, not
 * re-read.
 */
async function judge(
  options: RunOptions,
  run: {
    record: RunRecord;
    runDir: string;
    local: boolean;
    /** The record's Prometheus with its credentials, which the record does not keep. */
    prometheus?: { url: string; auth: PrometheusAuth };
  },
): Promise<Verdict | undefined> {
  const { record } = run;
  if (record.exitCode === EXIT.thresholdsFailed)
    process.stderr.write('loadgate: k6 thresholds failed (see the summary above)\n');
  if (!options.slo) return undefined;
  if (!run.prometheus)
    process.stderr.write(
      'loadgate: no Prometheus to query: judging the objectives that need none (the k6 summary), the others are not checked\n',
    );
  const spec =
    options.slo === true
      ? join(HOME, 'slo', run.local ? 'local.yaml' : 'platform.yaml')
      : options.slo;
  const check = await runCheck({
    spec,
    prometheusUrl: run.prometheus?.url,
    auth: run.prometheus?.auth,
    withoutPrometheus: run.local
      ? `${INSTALL_PROMETHEUS} (the local platform then starts it), or pass --prometheus URL`
      : 'pass --prometheus URL (the Prometheus that scrapes the target)',
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
  /** Prometheus remote write endpoint for the engine's metrics (explicit only). */
  remoteWrite?: string;
  /** The safety gate: load a non-smoke profile against a remote target. */
  yes: boolean;
  maxRps?: number;
  dryRun: boolean;
  /** The Prometheus auth flags given, if any (the environment is read in main()). */
  auth?: PrometheusAuthValues;
  faults: FaultSources;
  env: Record<string, string>;
};

const HINT = "see 'loadgate run --help'";

/** Flags to options, with every problem reported at once; undefined for --help. */
export function parseRunArgs(argv: string[]): RunOptions | undefined {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        journey: { type: 'string', default: 'mix' },
        prometheus: { type: 'string' },
        slo: { type: 'string' },
        'no-slo': { type: 'boolean', default: false },
        baseline: { type: 'string' },
        pushgateway: { type: 'string' },
        'remote-write': { type: 'string' },
        yes: { type: 'boolean', default: false },
        'max-rps': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        ...PROMETHEUS_AUTH_OPTIONS,
        ...FAULT_OPTIONS,
        engine: { type: 'string', default: 'auto' },
        results: { type: 'string', default: 'results' },
        env: { type: 'string', short: 'e', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    HINT,
  );
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
  const target = collect(problems, () => parseHttpUrl(values.target, '--target'));
  const prometheus = collect(problems, () => parseHttpUrl(values.prometheus, '--prometheus'));
  // Checked, but passed on as given: the Pushgateway client builds its own paths.
  collect(problems, () => parseHttpUrl(values.pushgateway, '--pushgateway'));
  const remoteWrite = collect(problems, () =>
    parseHttpUrl(values['remote-write'], '--remote-write'),
  );
  const maxRps = collect(problems, () => parseNumber(values['max-rps'], '--max-rps'));
  if (maxRps !== undefined && !(maxRps > 0))
    problems.push(`--max-rps ${values['max-rps']}: must be a number of requests/s above 0`);
  if (hasFaultFlags(values) && values.target)
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
  for (const item of values.env) {
    const pair = collect(problems, () => parsePair(item, '-e'));
    if (pair) env[pair[0]] = pair[1];
  }
  problems.push(...scenarioEnvProblems(Object.keys(env)));
  const faults = collect(problems, () => faultSources(values)) ?? {};
  throwProblems(problems, HINT);
  return {
    profile: profile as RunOptions['profile'],
    journey: values.journey as RunOptions['journey'],
    target,
    prometheus,
    slo: values['no-slo'] ? false : (values.slo ?? true),
    engine: values.engine as RunOptions['engine'],
    results: values.results,
    baseline: values.baseline,
    pushgateway: values.pushgateway,
    remoteWrite,
    yes: values.yes || process.env.LOADGATE_CONFIRM === '1',
    maxRps,
    dryRun: values['dry-run'],
    auth: AUTH_FLAGS.some((flag) => values[flag] !== undefined)
      ? Object.fromEntries(AUTH_FLAGS.map((flag) => [flag, values[flag]]))
      : undefined,
    faults,
    env,
  };
}

const AUTH_FLAGS = Object.keys(PROMETHEUS_AUTH_OPTIONS) as (keyof PrometheusAuthValues)[];

/**
 * Where the engine remote-writes (the write endpoint's full URL), authenticated
 * as the SLO check's queries are: the same credentials, headers and TLS settings.
 */
function remoteWriteTo(writeUrl: string, auth: PrometheusAuth): RemoteWriteTarget {
  // The output itself turns the URL's user-info into basic auth.
  return { ...auth, url: writeUrl };
}

/** Sortable and readable: smoke-20261124-224501-3f9a. */
function makeRunId(profile: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${profile}-${stamp}-${randomBytes(2).toString('hex')}`;
}

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
import {
  dashboardConfig,
  DEFAULT_PORT,
  K6_DASHBOARD_FILE,
  openDashboard,
  type DashboardConfig,
} from '../dashboard.ts';
import { watchGenerator } from '../generator-health.ts';
import { preflight } from '../run-preflight.ts';
import { scenarioEnvProblems } from '../scenario-env.ts';
// Everything the run needs after the load is imported here, with the command:
// a Ctrl-C to the process group also stops the run-time TypeScript loader's
// helper process, after which no module can be loaded (TransformError).
import { engineOf, runScript } from '../../engine/index.ts';
import { parseOut } from '../../engine/outputs/index.ts';
import { readFaults, type FaultSources } from '../../infra/local/faults-config.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { INSTALL_PROMETHEUS } from '../../infra/local/prometheus.ts';
import { replicaSummary } from '../../infra/local/services.ts';
import { keepServerSeries, writeReport } from '../../report/index.ts';
import { createDirectory } from '../../run-dir/create.ts';
import { ranToEnd, runOutcome } from '../../run-dir/outcome.ts';
import { writeRunRecord } from '../../run-dir/record.ts';
import { saturationReasons } from '../../run-dir/generator.ts';
import { stagesOf } from '../../run-dir/stages.ts';
import { readSummaries } from '../../run-dir/summary.ts';
import { runCheck } from '../../slo/index.ts';
import { runnerInstance } from '../../engine/split/instance.ts';
import { runSplit } from '../../engine/split/run.ts';
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
                      Prometheus without --target, nowhere with it (never implied by --prometheus);
                      sent an empty write before any load
  --slo FILE          SLO spec (default: slo/local.yaml locally, slo/platform.yaml with --target)
  --no-slo            skip the SLO check (k6 thresholds still decide)
  --baseline DIR      an earlier run (results/<run-id>) whose p95 this run must not exceed by +10 %
  --pushgateway URL   push the verdict metrics (loadgate_slo_*) there, for scheduled runs
Prometheus authentication (the SLO check's queries and the engine's remote write alike):
${PROMETHEUS_AUTH_USAGE}
  --engine NAME       auto | builtin | k6 (default: auto, real k6 when on PATH)
  --runners N         split the test over N runner processes, as k6-operator splits a TestRun:
                      each runs its --execution-segment, tagged instance=runner-i and the run's
                      testid, all remote-writing into one Prometheus; one merged summary, k6
                      thresholds judged once over it, one verdict (default 1)
  --latency ROUTE=MS, --error-ratio ROUTE=R, --pause-queue, --faults JSON|@FILE
                      inject faults into the local platform (see loadgate platform --help):
                      rehearse that the SLO check catches a breach
  --results DIR       where runs are written (default: results)
  --dashboard         a live view on 127.0.0.1:K6_WEB_DASHBOARD_PORT (default ${DEFAULT_PORT}); also
                      K6_WEB_DASHBOARD=true. Real k6: its web dashboard, exported to
                      ${K6_DASHBOARD_FILE}; built-in engine: the report's charts, live
  --raw-samples       also keep every sample, gzipped (metrics.ndjson.gz, as k6 --out
                      json=file.gz); by default only per-second aggregates are kept
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
    remoteWrite: options.remoteWrite ? remoteWriteTo(options.remoteWrite, auth) : undefined,
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

    // Listening before the load: a taken port is exit 3, not a failed run.
    const dashboard =
      options.dashboard &&
      (await openDashboard(options.dashboard, {
        realK6: engineOf(options.engine) !== undefined,
        exportFile: join(runDir, K6_DASHBOARD_FILE),
        title: `loadgate ${options.profile} run ${runId}`,
      }));
    if (dashboard)
      process.stderr.write(
        dashboard.url
          ? `loadgate: live dashboard ${dashboard.url}\n`
          : `loadgate: k6's web dashboard on 127.0.0.1:${options.dashboard!.port}, exported to ${join(runDir, K6_DASHBOARD_FILE)}\n`,
      );
    const startedAt = new Date();
    const generator = watchGenerator();
    const invocation = {
      script: bundle,
      env: {
        ...options.env,
        BASE_URL: target,
        RUN_ID: runId,
        PROFILE: options.profile,
        RESULTS_DIR: runDir,
      },
      remoteWrite: remoteWrite ? remoteWriteTo(remoteWrite, auth) : undefined,
    };
    // --runners N: N processes, each its segment (engine/split/run.ts); else this one.
    const split =
      options.runners > 1
        ? await runSplit({
            runners: options.runners,
            runDir,
            testid: runId,
            invocation,
            engine: options.engine,
            signal: abort.signal,
          })
        : undefined;
    const result =
      split ??
      (await runScript({
        ...invocation,
        // Per-second aggregates by default; every sample (gzipped) only when asked.
        outJson: options.rawSamples ? join(runDir, RUN_FILES.rawSamples) : undefined,
        outputs: [
          parseOut(`aggregates=${join(runDir, RUN_FILES.aggregates)}`),
          ...(dashboard ? [dashboard.output] : []),
        ],
        // The same labels as a split run's runners: the SLO check finds the run by its testid.
        tags: { testid: runId, instance: runnerInstance(1) },
        engine: options.engine,
        signal: abort.signal,
        // The local HPAs at work, beside the load (a real target's are in Prometheus).
        progress: {
          plain: true,
          extra: platform && (() => replicaSummary(platform.replicasByDeployment())),
        },
      }));
    if (split?.failedThresholds.length)
      process.stderr.write(
        `loadgate: k6 thresholds over the merged runners failed: ${split.failedThresholds.join(', ')}\n`,
      );
    const endedAt = new Date();
    const interrupted = abort.signal.aborted;
    await dashboard?.close();
    const health = generator.stop(result.engine, (await readSummaries(runDir)).byScript);

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
      stages: stagesOf(ready.plan.shapes, startedAt),
      generator: health,
      testid: runId,
      ...(split && { runners: split.runners }),
    });
    process.stderr.write(
      `loadgate: ${result.engine} engine finished with exit code ${result.exitCode}; results in ${runDir}\n`,
    );
    for (const reason of saturationReasons(health))
      process.stderr.write(`loadgate: INCONCLUSIVE: ${reason}\n`);
    // The server side, for the report, while the (local) Prometheus still answers.
    if (prometheusUrl)
      await keepServerSeries(
        runDir,
        record,
        { ...auth, url: prometheusUrl },
        specFile(options, !platform),
      ).catch((error: Error) =>
        process.stderr.write(`loadgate: could not keep the server-side series: ${error.message}\n`),
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
  const spec = specFile(options, !run.local);
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
    vars: {
      profile: options.profile,
      ...(options.baseline && { baseline: options.baseline }),
      // The run's series (runners-reported; a split run's trends, merged).
      ...(record.testid && { testid: record.testid }),
      runners: String(record.runners?.length ?? 1),
    },
    pushgatewayUrl: options.pushgateway,
  });
  return check.verdict;
}

/** The SLO spec of the run: --slo's, or the default for the target (also with --no-slo, for its vars). */
function specFile(options: RunOptions, remote: boolean): string {
  return typeof options.slo === 'string'
    ? options.slo
    : join(HOME, 'slo', remote ? 'platform.yaml' : 'local.yaml');
}

type RunOptions = {
  profile: (typeof PROFILES)[number];
  journey: (typeof JOURNEYS)[number];
  target?: string;
  prometheus?: string;
  /** true: the default spec for the target; a string: that file; false: skip. */
  slo: string | boolean;
  engine: 'auto' | 'builtin' | 'k6';
  /** Runner processes the test is split over (1: not split). */
  runners: number;
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
  /** Keep every sample (metrics.ndjson.gz) besides the per-second aggregates. */
  rawSamples: boolean;
  /** The live dashboard (--dashboard, K6_WEB_DASHBOARD=true). */
  dashboard?: DashboardConfig;
};

const HINT = "see 'loadgate run --help'";

/** Runner processes on one machine: each is a k6 with its own VUs, beyond a few they only compete. */
const MAX_RUNNERS = 16;

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
        runners: { type: 'string', default: '1' },
        results: { type: 'string', default: 'results' },
        'raw-samples': { type: 'boolean', default: false },
        dashboard: { type: 'boolean', default: false },
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
  const runners = Number(values.runners);
  if (!/^\d+$/.test(values.runners) || !(runners >= 1 && runners <= MAX_RUNNERS))
    problems.push(`--runners ${values.runners}: must be a whole number from 1 to ${MAX_RUNNERS}`);
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
  const dashboard = collect(problems, () => dashboardConfig(values.dashboard, process.env));
  // The live page is fed by the one engine process of the run; runners are processes of their own.
  if (dashboard && runners > 1)
    problems.push(
      '--dashboard (or K6_WEB_DASHBOARD=true) shows one engine process live: not with --runners; the report of the split run is written all the same',
    );
  throwProblems(problems, HINT);
  return {
    profile: profile as RunOptions['profile'],
    journey: values.journey as RunOptions['journey'],
    target,
    prometheus,
    slo: values['no-slo'] ? false : (values.slo ?? true),
    engine: values.engine as RunOptions['engine'],
    runners,
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
    rawSamples: values['raw-samples'],
    dashboard,
  };
}

const AUTH_FLAGS = Object.keys(PROMETHEUS_AUTH_OPTIONS) as (keyof PrometheusAuthValues)[];

/**
 * Where the engine remote-writes (the write endpoint's full URL), authenticated
 * as the SLO check's queries are: the same credentials, headers and TLS settings.
 */
function remoteWriteTo(writeUrl: string, auth: PrometheusAuth): RemoteWriteTarget {
  // The output itself turns the URL's user-info into basic auth. Trends as native
  // histograms: runners' latencies merge in Prometheus (a p95 of p95s is no p95).
  return { ...auth, url: writeUrl, nativeHistograms: true };
}

/** Sortable and readable: smoke-20261124-224501-3f9a. */
function makeRunId(profile: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${profile}-${stamp}-${randomBytes(2).toString('hex')}`;
}

// One test run of the built-in engine, from script to summary, as a
// pipeline of engine/run/*: bundle the script, init VU 0 (options, exports),
// plan the run, init the scenarios' VUs, setup(), run the scenarios,
// teardown(), evaluate the thresholds, write the summaries. When one
// process cannot hold the VUs, they run in child engine processes
// (engine/run/children.ts) whose samples come back here: one run all the same.
import { resolve } from 'node:path';
import { EXIT, ExitError, type ExitCode } from '../core/errors.ts';
import { buildSummary, CheckTree, type SummaryData } from './end-of-test-summary.ts';
import { Registry, type Tags } from './metrics.ts';
import type { Overrides } from './options.ts';
import type { Output } from './outputs/output.ts';
import { sampleIngester } from './run/ingest.ts';
import { runSetup, runTeardown, startVu0, writeSummaries } from './run/lifecycle.ts';
import { progressState, startMonitor, type ProgressState } from './run/monitor.ts';
import { planRun } from './run/plan.ts';
import { checkMemoryFor, processesFor, vusPerProcess } from './run/admission.ts';
import { EngineChildren } from './run/children.ts';
import { instanceShares } from './run/shares.ts';
import { ActiveVus, initScenarioVus, runScenarios, type VuPools } from './run/scheduling.ts';
import { TestStop } from './run/test-stop.ts';
import { VuFleet } from './run/vu-fleet.ts';
import { bundleScript, ScriptError, workerSource } from './script.ts';
import { evaluateThresholds } from './thresholds.ts';
import { GLOBAL } from './protocol.ts';
import { parseDuration } from './k6-duration.ts';
import { hasWork, initialVus, mostVus, plannedMs, type Scenario } from './executors/index.ts';

export type { ProgressState } from './run/monitor.ts';

export type RunConfig = {
  script: string;
  env: Record<string, string>;
  overrides: Overrides;
  summaryExport?: string;
  outputs: Output[];
  signal?: AbortSignal;
  quiet?: boolean;
  noSummary?: boolean;
  /** Where text meant for the terminal goes (default process.stdout/stderr). */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  progress?: (state: ProgressState) => void;
};

export type RunOutcome = { exitCode: number; summary?: SummaryData };

/** Runs the test; a failure k6 reports with its own exit code (104, 107…) is said on stderr, not thrown. */
export async function runTest(config: RunConfig): Promise<RunOutcome> {
  const out = config.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = config.stderr ?? ((t: string) => void process.stderr.write(t));
  try {
    return await run(config, out, err);
  } catch (e) {
    if (e instanceof ExitError) {
      err(`${e.message}\n${e.hint ? `${e.hint}\n` : ''}`);
      return { exitCode: e.code };
    }
    throw e;
  }
}

async function run(
  config: RunConfig,
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<RunOutcome> {
  const scriptPath = resolve(config.script);
  let code: string;
  try {
    code = await bundleScript(scriptPath);
  } catch (e) {
    if (e instanceof ScriptError) throw new ExitError(EXIT.scriptException, e.message);
    throw e;
  }
  const registry = new Registry();
  const tree = new CheckTree();
  const stop = new TestStop();
  const testStart = Date.now();
  const ingest = sampleIngester(registry, tree, err);
  const workerCode = await workerSource();
  const fleet = new VuFleet({
    workerCode,
    code,
    scriptPath,
    env: { ...config.env },
    testStart,
    onSamples: ingest,
    onAbort: (reason) => stop.abort(reason),
    onFatal: (error) => stop.fail(error),
    warn: (m) => err(`WARN ${m}\n`),
  });
  const onSignal = () => stop.abort('interrupted');
  config.signal?.addEventListener('abort', onSignal);
  if (config.signal?.aborted) onSignal();
  let children: EngineChildren | undefined;

  try {
    const vu0 = await startVu0(fleet);
    const plan = planRun(vu0.options, config.overrides, vu0.exports, registry);
    const { scenarios, options, thresholds } = plan;
    fleet.options = plan.vuOptions;
    for (const o of config.outputs) o.start(registry, thresholds);

    // A VU that cannot start (its init threw, or ran out of memory) ends the
    // test before any load; the summary is still written, as after setup().
    let initFailure: ExitError | undefined;
    const failedInit = (e: unknown): undefined => {
      if (!(e instanceof ExitError) || e.code !== EXIT.scriptException) throw e;
      initFailure = e;
    };
    const { tuple } = plan;
    const testTags = (options.tags ?? {}) as Tags;
    const dropped = (s: Scenario, time = Date.now()) =>
      registry.add(
        registry.get('dropped_iterations'),
        1,
        { ...testTags, ...s.tags, scenario: s.name },
        time,
      );
    const mine = scenarios.filter((s) => hasWork(s, tuple));
    const perProcess = vusPerProcess();
    const processes = processesFor(
      mine.reduce((n, s) => n + mostVus(s, tuple), 0),
      perProcess,
    );
    const vusMetric = registry.get('vus');
    let pools: VuPools = new Map();
    let childrenActive = 0;
    if (processes > 1) {
      const vus = mine.reduce((n, s) => n + initialVus(s, tuple), 0);
      checkMemoryFor(vus);
      err(
        `loadgate: ${vus} VUs in ${processes} engine processes (${perProcess} VU threads at most in one)\n`,
      );
      children = await EngineChildren.start({
        count: processes,
        init: {
          workerCode,
          code,
          scriptPath,
          env: { ...config.env },
          testStart,
          vuOptions: plan.vuOptions,
          scenarios,
        },
        onSamples: ingest,
        onDropped: (name, time) =>
          dropped(
            scenarios.find((s) => s.name === name)!,
            time,
          ),
        onVus: (n, initialized) => {
          childrenActive = n;
          fleet.remoteVus = initialized;
          registry.add(vusMetric, n, testTags, Date.now());
        },
        onAbort: (reason) => stop.abort(reason),
        onFatal: (error) => stop.fail(error),
      }).catch(failedInit);
      if (children) fleet.remoteVus = children.vus;
    } else
      pools =
        (await initScenarioVus(scenarios, fleet, instanceShares(tuple)).catch(failedInit)) ?? pools;
    registry.add(registry.get('vus_max'), fleet.size - 1, testTags, Date.now());
    const runStart = Date.now();
    // The progress line's planned total: the last scenario's end (gracefulStop aside).
    const planned = Math.max(
      0,
      ...scenarios.map((s) => parseDuration(s.startTime ?? '0s') + plannedMs(s)),
    );

    const setup = initFailure
      ? { aborted: false, failure: initFailure }
      : await runSetup(vu0, fleet, stop, plan.setupTimeoutMs);
    if (setup.failure) err(`${setup.failure.message}\n`);
    let exitCode: ExitCode = setup.failure?.code ?? (setup.aborted ? EXIT.scriptAborted : EXIT.ok);
    const active = new ActiveVus((n) => {
      Atomics.store(fleet.counters, GLOBAL.vusActive, n);
      registry.add(vusMetric, n, testTags, Date.now());
    });
    const monitor = startMonitor({
      registry,
      thresholds,
      fleet,
      active: children
        ? {
            get size() {
              return childrenActive;
            },
          }
        : active,
      testTags,
      runStart,
      plannedMs: planned,
      stop,
      progress: config.progress,
      err,
    });
    if (exitCode === EXIT.ok && children) await children.run(setup.data, stop.signal);
    else if (exitCode === EXIT.ok)
      await runScenarios({
        scenarios,
        shares: instanceShares(plan.tuple),
        pools,
        fleet,
        dropped,
        data: setup.data,
        active,
        stop,
        warn: (m) => err(`WARN ${m}\n`),
      });
    const { thresholdAbort } = monitor.end();
    registry.add(vusMetric, 0, testTags, Date.now());

    // As in k6: no teardown() after a failed or aborted setup().
    if (!setup.aborted && !setup.failure) {
      const teardown = await runTeardown(vu0, fleet, setup.data, stop, err, plan.teardownTimeoutMs);
      if (teardown !== EXIT.ok) exitCode = teardown;
    }
    const durationMs = Date.now() - runStart;
    config.progress?.(progressState(registry, 0, durationMs, true, planned));

    evaluateThresholds(thresholds, registry, durationMs);
    const summary = buildSummary({
      registry,
      thresholds,
      tree,
      trendStats: plan.summaryTrendStats,
      summaryTimeUnit: options.summaryTimeUnit ?? '',
      durationMs,
    });
    for (const o of config.outputs) await o.stop();

    if (stop.fatal) exitCode = stop.fatal.code;
    else if (exitCode === EXIT.ok) {
      if (thresholdAbort) exitCode = EXIT.thresholdsFailed;
      else if (stop.reason === 'interrupted') exitCode = EXIT.interrupted;
      else if (stop.reason) exitCode = EXIT.scriptAborted;
      else if (thresholds.some((t) => t.failed)) exitCode = EXIT.thresholdsFailed;
    }
    if (stop.fatal) err(`${stop.fatal.message}\n`);
    else if (stop.reason && stop.reason !== 'interrupted') err(`test aborted: ${stop.reason}\n`);

    await writeSummaries(vu0, summary, { ...config, out, err });
    const crossed = [...new Set(thresholds.filter((t) => t.failed).map((t) => t.key))];
    if (crossed.length) err(`thresholds on metrics '${crossed.join("', '")}' have been crossed\n`);
    return { exitCode, summary };
  } finally {
    config.signal?.removeEventListener('abort', onSignal);
    await children?.close();
    await fleet.close();
  }
}

import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { runExecutor } from './executors.ts';
import { UndiciExchanger } from './undici-exchange.ts';
import { nativeAddon } from './native-addon.ts';
import { Registry, type Metric, type Tags } from './metrics.ts';
import {
  OptionsError,
  parseDuration,
  resolveOptions,
  type Overrides,
  type Scenario,
} from './options.ts';
import {
  GLOBAL,
  type ExchangeRequest,
  type FromWorker,
  type SampleBatch,
  type ScenarioInfo,
} from './protocol.ts';
import { bundleScript, ScriptError, workerSource } from './script.ts';
import {
  buildSummary,
  CheckTree,
  legacySummary,
  textSummary,
  type SummaryData,
} from './end-of-test-summary.ts';
import {
  bindThresholds,
  evaluateThresholds,
  parseThresholds,
  type Threshold,
} from './thresholds.ts';
import { VuHost } from './vu-host.ts';
import { EXIT, ExitError, type ExitCode } from '../core/errors.ts';

// One test run of the built-in engine, from script to summary: bundle, init
// VU 0 (options, setup, teardown, handleSummary), init the scenarios' VUs,
// run the executors, evaluate thresholds, write the summaries.

export type Output = {
  /** Called once the metric registry exists, before any sample. */
  start(registry: Registry, thresholds: Threshold[]): void;
  stop(): Promise<void>;
};

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

export type ProgressState = {
  elapsedMs: number;
  vus: number;
  iterations: number;
  requests: number;
  failed: number;
  done: boolean;
};

export type RunOutcome = { exitCode: number; summary?: SummaryData };

export async function runTest(config: RunConfig): Promise<RunOutcome> {
  const out = config.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = config.stderr ?? ((t: string) => void process.stderr.write(t));
  try {
    return await run(config, out, err);
  } catch (e) {
    // A failure k6 reports with its own exit code (104, 107…): said on stderr, not thrown.
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
  const workerCode = await workerSource();
  const env = { ...config.env };
  const registry = new Registry();
  const tree = new CheckTree();
  const shared: Record<string, SharedArrayBuffer> = {};
  let abortReason: string | undefined;
  const stop = new AbortController();
  const testStart = Date.now();

  // Made at the first request the main thread serves: by then the script's
  // options (insecureSkipTLSVerify, noConnectionReuse) are known.
  let undici: UndiciExchanger | undefined;
  const exchanger = () =>
    (undici ??= new UndiciExchanger({
      insecureSkipTLSVerify: resolvedOptions?.insecureSkipTLSVerify === true,
      noConnectionReuse: resolvedOptions?.noConnectionReuse === true,
    }));
  const addon = nativeAddon();
  if (addon.warning) err(`WARN ${addon.warning}\n`);
  const hooks = {
    http: (_vuId: number, reqs: ExchangeRequest[]) =>
      Promise.all(reqs.map((r) => exchanger().exchange(r))),
    message: (vuId: number, msg: FromWorker) => {
      if (msg.t === 'samples') ingest(vuId, msg);
      else if (msg.t === 'shared') shared[msg.name] = msg.buffer;
      else if (msg.t === 'abort') {
        abortReason ??= msg.reason;
        stop.abort();
      }
    },
  };
  const checks = registry.get('checks');
  const groupDuration = registry.get('group_duration');
  // Per VU: the metrics and tag sets its packed samples refer to by index.
  // Equal tag sets from different VUs share one object (`sameTags`).
  const vuMetrics = new Map<number, (Metric | undefined)[]>();
  const vuTagSets = new Map<number, Tags[]>();
  let sameTags = new Map<string, Tags>();
  function ingest(vuId: number, batch: SampleBatch): void {
    for (const d of batch.defs) {
      try {
        registry.define(d.name, d.type, d.isTime ? 'time' : 'default');
      } catch (e) {
        err(`${(e as Error).message}\n`);
      }
    }
    let metrics = vuMetrics.get(vuId);
    if (!metrics) vuMetrics.set(vuId, (metrics = []));
    for (const name of batch.names) metrics.push(registry.metrics.get(name));
    let tagSets = vuTagSets.get(vuId);
    if (!tagSets || batch.reset) vuTagSets.set(vuId, (tagSets = []));
    for (const tags of batch.tagSets) {
      const key = JSON.stringify(tags);
      let shared = sameTags.get(key);
      if (!shared) {
        if (sameTags.size >= 100_000) sameTags = new Map(); // unbounded tag values
        sameTags.set(key, (shared = tags));
      }
      tagSets.push(shared);
    }
    const d = batch.data;
    for (let i = 0; i < d.length; i += 4) {
      const metric = metrics[d[i]!];
      const tags = tagSets[d[i + 1]!]!;
      const value = d[i + 2]!;
      if (!metric) continue;
      if (metric === checks) tree.add(tags.group ?? '', tags.check ?? '', value !== 0);
      else if (metric === groupDuration && tags.group) tree.touchGroup(tags.group);
      registry.add(metric, value, tags, d[i + 3]!);
    }
  }

  // Two slots per scenario after GLOBAL.firstSlot (see below): room for ~500 scenarios.
  const globalBuffer = new SharedArrayBuffer(4 * 1024);
  const counters = new Int32Array(globalBuffer);
  const hosts: VuHost[] = [];
  let nextId = 0;
  let resolvedOptions: Record<string, unknown> | undefined;
  const startVu = async (): Promise<VuHost> => {
    const host = new VuHost({
      id: nextId++,
      workerCode,
      code,
      scriptPath,
      env: { ...env },
      global: globalBuffer,
      shared,
      options: resolvedOptions,
      testStart,
      nativeHttp: addon.path,
      hooks,
    });
    hosts.push(host);
    await host.ready();
    if (host.id > 0) Atomics.add(counters, GLOBAL.vusInitialized, 1);
    return host;
  };
  const terminateAll = () => Promise.all(hosts.map((h) => h.terminate().catch(() => undefined)));
  const onSignal = () => {
    abortReason ??= 'interrupted';
    stop.abort();
  };
  config.signal?.addEventListener('abort', onSignal);
  if (config.signal?.aborted) onSignal();

  try {
    // VU 0: options, exports; later setup, teardown and handleSummary.
    let vu0: VuHost;
    let exportsList: string[];
    let rawOptions: unknown;
    try {
      vu0 = await startVu();
      ({ options: rawOptions, exports: exportsList } = await vu0.ready());
    } catch (e) {
      throw new ExitError(
        EXIT.scriptException,
        `script error during init: ${(e as Error).message}`,
      );
    }

    // Invalid options are OptionsErrors (exit 104, caught in runTest); any
    // other error here is a bug and propagates as one.
    const {
      scenarios,
      summaryTrendStats: trendStats,
      options,
    } = resolveOptions(rawOptions, config.overrides);
    const thresholds = parseThresholds(options.thresholds ?? {});
    const problem = bindThresholds(thresholds, registry);
    if (problem) throw new OptionsError(problem);
    for (const s of scenarios) {
      const exec = s.exec ?? 'default';
      if (!exportsList.includes(exec))
        throw new OptionsError(
          `scenario '${s.name}': exported function '${exec}' not found in the script`,
        );
    }
    resolvedOptions = {
      ...options,
      scenarios: Object.fromEntries(scenarios.map(({ name, ...s }) => [name, s])),
    };
    for (const o of config.outputs) o.start(registry, thresholds);

    // Init every scenario's VUs before any load, as k6 does.
    const initialVus = (s: (typeof scenarios)[number]) =>
      s.executor === 'ramping-vus'
        ? Math.max(s.startVUs, ...s.stages.map((st) => st.target))
        : s.executor === 'constant-arrival-rate' || s.executor === 'ramping-arrival-rate'
          ? s.preAllocatedVUs
          : s.vus;
    checkRoomFor(scenarios.reduce((sum, s) => sum + initialVus(s), 0));
    const pools = new Map<string, VuHost[]>();
    try {
      for (const s of scenarios) {
        const n = initialVus(s);
        pools.set(s.name, await Promise.all(Array.from({ length: n }, () => startVu())));
      }
    } catch (e) {
      throw new ExitError(
        EXIT.scriptException,
        `script error during VU init: ${(e as Error).message}`,
      );
    }
    const vusMax = registry.get('vus_max');
    const vusMetric = registry.get('vus');
    registry.add(vusMax, hosts.length - 1, {}, Date.now());

    const testTags = (options.tags ?? {}) as Tags;
    let setupData: string | undefined;
    let exitCode: ExitCode = EXIT.ok;
    const runStart = Date.now();

    if (exportsList.includes('setup') && !stop.signal.aborted) {
      try {
        setupData = await vu0.call('setup', undefined);
      } catch (e) {
        if (abortReason) exitCode = EXIT.scriptAborted;
        else throw new ExitError(EXIT.scriptException, `setup() failed: ${(e as Error).message}`);
      }
    }

    // Periodic work: vus gauge, progress, abortOnFail thresholds.
    const active = new ActiveVus((n) => {
      Atomics.store(counters, GLOBAL.vusActive, n);
      registry.add(vusMetric, n, testTags, Date.now());
    });
    let thresholdAbort = false;
    const tick = setInterval(() => {
      const now = Date.now();
      Atomics.store(counters, GLOBAL.vusActive, active.size);
      registry.add(vusMetric, active.size, testTags, now);
      registry.add(vusMax, hosts.length - 1, testTags, now);
      const abort = evaluateThresholds(thresholds, registry, now - runStart);
      if (abort.length && !thresholdAbort) {
        thresholdAbort = true;
        err(
          `thresholds on ${abort.map((t) => `${t.key} (${t.source})`).join(', ')} have been crossed; aborting the test\n`,
        );
        stop.abort();
      }
      config.progress?.(progressState(registry, active.size, now - runStart, false));
    }, 1000);
    tick.unref();

    if (exitCode === EXIT.ok) {
      let slot = GLOBAL.firstSlot;
      await Promise.all(
        scenarios.map(async (s) => {
          const startMs = parseDuration(s.startTime ?? '0s');
          const info: ScenarioInfo = {
            name: s.name,
            executor: s.executor,
            exec: s.exec ?? 'default',
            env: s.env ?? {},
            tags: s.tags ?? {},
            startTime: startMs,
            plannedMs: plannedMs(s),
            iterSlot: slot++,
          };
          // shared-iterations: iterations left; arrival-rate: tokens.
          const sharedSlot = slot++;
          if (startMs > 0)
            await new Promise<void>((r) => {
              const t = setTimeout(r, startMs);
              stop.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
            });
          if (stop.signal.aborted) return;
          await runExecutor({
            scenario: s,
            info,
            pool: pools.get(s.name)!,
            data: setupData,
            newVu: () =>
              roomForOneMore()
                ? startVu()
                : Promise.reject(
                    new Error(
                      'no free memory or memory mappings left for another VU thread; running with the VUs started so far (real k6 has lighter VUs)',
                    ),
                  ),
            dropped: () =>
              registry.add(
                registry.get('dropped_iterations'),
                1,
                { ...testTags, ...s.tags, scenario: s.name },
                Date.now(),
              ),
            stopped: stop.signal,
            counters,
            sharedSlot,
            active,
            warn: (m) => err(`WARN ${m}\n`),
          });
        }),
      );
    }
    clearInterval(tick);
    registry.add(vusMetric, 0, testTags, Date.now());

    if (exportsList.includes('teardown') && exitCode !== EXIT.scriptAborted) {
      try {
        await vu0.call('teardown', setupData);
      } catch (e) {
        if (!abortReason) {
          err(`teardown() failed: ${(e as Error).message}\n`);
          exitCode = EXIT.scriptException;
        }
      }
    }
    const durationMs = Date.now() - runStart;
    config.progress?.(progressState(registry, 0, durationMs, true));

    evaluateThresholds(thresholds, registry, durationMs);
    const summary = buildSummary({
      registry,
      thresholds,
      tree,
      trendStats,
      summaryTimeUnit: options.summaryTimeUnit ?? '',
      durationMs,
    });
    for (const o of config.outputs) await o.stop();

    if (exitCode === EXIT.ok) {
      if (thresholdAbort) exitCode = EXIT.thresholdsFailed;
      else if (abortReason === 'interrupted') exitCode = EXIT.interrupted;
      else if (abortReason) exitCode = EXIT.scriptAborted;
      else if (thresholds.some((t) => t.failed)) exitCode = EXIT.thresholdsFailed;
    }
    if (abortReason && abortReason !== 'interrupted') err(`test aborted: ${abortReason}\n`);

    if (config.summaryExport) await writeText(config.summaryExport, legacySummary(summary));
    await handleSummary(
      exportsList.includes('handleSummary') ? vu0 : undefined,
      summary,
      config,
      out,
      err,
    );
    if (thresholds.some((t) => t.failed))
      err(
        `thresholds on metrics '${[...new Set(thresholds.filter((t) => t.failed).map((t) => t.key))].join("', '")}' have been crossed\n`,
      );
    return { exitCode, summary };
  } finally {
    config.signal?.removeEventListener('abort', onSignal);
    await terminateAll();
    await undici?.close();
  }
}

async function handleSummary(
  vu0: VuHost | undefined,
  summary: SummaryData,
  config: RunConfig,
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<void> {
  if (vu0) {
    try {
      const result = await vu0.call('handleSummary', JSON.stringify(summary));
      const files = (result ? JSON.parse(result) : {}) as Record<string, unknown>;
      for (const [path, content] of Object.entries(files)) {
        const text = typeof content === 'string' ? content : JSON.stringify(content);
        if (path === 'stdout') out(text);
        else if (path === 'stderr') err(text);
        else await writeText(resolve(path), text);
      }
      return;
    } catch (e) {
      err(`handleSummary() failed: ${(e as Error).message}\nfalling back to the default summary\n`);
    }
  }
  if (!config.noSummary && !config.quiet) out(textSummary(summary));
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, text);
}

/** The VUs taking part right now; every change is a `vus` sample, as k6 reports it. */
class ActiveVus extends Set<VuHost> {
  constructor(private changed: (size: number) => void) {
    super();
  }
  override add(vu: VuHost): this {
    const before = this.size;
    super.add(vu);
    if (this.size !== before) this.changed?.(this.size);
    return this;
  }
  override delete(vu: VuHost): boolean {
    const removed = super.delete(vu);
    if (removed) this.changed(this.size);
    return removed;
  }
}

function plannedMs(s: Scenario): number {
  switch (s.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
      return parseDuration(s.maxDuration);
    case 'constant-vus':
    case 'constant-arrival-rate':
      return parseDuration(s.duration);
    default:
      return s.stages.reduce((n, st) => n + parseDuration(st.duration), 0);
  }
}

function progressState(registry: Registry, vus: number, elapsedMs: number, done: boolean) {
  const count = (m: Metric) => ('count' in m.sink ? (m.sink as { count: number }).count : 0);
  const failed = registry.get('http_req_failed').sink as { passes: number };
  return {
    elapsedMs,
    vus,
    iterations: count(registry.get('iterations')),
    requests: count(registry.get('http_reqs')),
    failed: failed.passes,
    done,
  };
}

/**
 * Resident memory of one VU thread, with room: ~8.5 MB idle (`npm run bench
 * -- engine`), ~11 MB running the journeys (7.8 GB for 660 VUs in a local
 * capacity run).
 */
const VU_BYTES = 12 * 1024 * 1024;
/** Memory mappings of one VU thread (its V8 heap spaces and stack): ~44 measured, with room. */
const VU_MAPPINGS = 50;

/**
 * Each VU is a worker thread with its own V8 isolate, much heavier than a k6
 * VU: refuse a test that cannot fit rather than die minutes later, out of
 * memory or out of memory mappings (Linux caps them per process:
 * vm.max_map_count, 65,530 by default, about 1,300 VUs).
 */
function checkRoomFor(vus: number): void {
  const lighter = 'or run real k6 (K6_BIN or k6 on PATH), whose VUs are far lighter.';
  const lower =
    'Lower the load (VUs, preAllocatedVUs; TARGET_RPS or THINK_TIME for the bundled profiles), ';
  const needed = vus * VU_BYTES;
  const available = freemem();
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (needed > available * 0.8)
    throw new ExitError(
      EXIT.invalidConfig,
      `the scenarios start ${vus} VUs at once: about ${gib(needed)} for the built-in engine ` +
        `(a thread of ~12 MB per VU), more than the ${gib(available)} this machine has free. ` +
        lower +
        lighter,
    );
  const maps = mappingRoom();
  if (maps !== undefined && vus * VU_MAPPINGS > maps.free)
    throw new ExitError(
      EXIT.invalidConfig,
      `the scenarios start ${vus} VUs at once, more than the ~${Math.floor(maps.free / VU_MAPPINGS)} ` +
        `this process can map (vm.max_map_count = ${maps.max}; each VU thread needs ~${VU_MAPPINGS}). ` +
        `${lower}raise the limit (sysctl -w vm.max_map_count=262144), ${lighter}`,
    );
}

/** Room for one more VU thread now, with a margin for the rest of the process. */
function roomForOneMore(): boolean {
  const maps = mappingRoom();
  // Keep a tenth of the machine for everything else (the target, Prometheus, the OS).
  const margin = Math.max(4 * VU_BYTES, totalmem() / 10);
  return freemem() > margin && (maps === undefined || maps.free > 4 * VU_MAPPINGS);
}

/** Linux only: the per-process mapping limit and how much of it is left. */
function mappingRoom(): { max: number; free: number } | undefined {
  try {
    const max = Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8'));
    const used = readFileSync('/proc/self/maps', 'utf8').split('\n').length;
    return Number.isFinite(max) ? { max, free: max - used } : undefined;
  } catch {
    return undefined;
  }
}

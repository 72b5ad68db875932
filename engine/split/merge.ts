// The one summary of a split run (loadgate run --runners N): every runner's
// metric points (its metrics.ndjson, k6's --out json, written by either
// engine) replayed into one registry, so counts and rates are summed and
// trends computed over every sample, and the k6 thresholds evaluated once over
// that, by the engine's own evaluator, instead of per slice as each runner
// did. Gauges (vus, vus_max) are per process: their values are summed.
import { createReadStream, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { constants, createGunzip } from 'node:zlib';
import { Registry, sinkValues, type Contains, type MetricType } from '../metrics.ts';
import {
  bindThresholds,
  evaluateThresholds,
  parseThresholds,
  type Threshold,
} from '../thresholds.ts';
import { RUN_FILES, summaryFile } from '../../run-dir/files.ts';
import type { K6Summary } from '../../run-dir/summary.ts';

type Line =
  | { type: 'Metric'; data: { name: string; type: MetricType; contains?: Contains } }
  | {
      type: 'Point';
      metric: string;
      data: { time: string; value: number; tags: Record<string, string> | null };
    };

/** Writes the merged summary-<script>.json into `runDir`; returns it and the thresholds that failed. */
export async function mergeRunnerSummaries(args: {
  runDir: string;
  script: string;
  /** Each runner's directory (its metrics.ndjson) and summary, if it wrote one. */
  runners: { dir: string; summary?: K6Summary }[];
}): Promise<{ summary: K6Summary; failedThresholds: string[] }> {
  const summaries = args.runners.flatMap((r) => (r.summary ? [r.summary] : []));
  const registry = new Registry();
  // The same thresholds in every runner: the first summary that has them.
  const definitions: Record<string, string[]> = {};
  for (const s of summaries)
    for (const [key, m] of Object.entries(s.metrics))
      for (const expr of Object.keys(m.thresholds ?? {}))
        if (!(definitions[key] ??= []).includes(expr)) definitions[key]!.push(expr);
  const thresholds = parseThresholds(definitions);
  // Bound (their submetrics made) as soon as their metric is defined, before its first point.
  const bound = new Set<Threshold>();
  const bind = () => {
    for (const t of thresholds)
      if (!bound.has(t) && bindThresholds([t], registry) === undefined) bound.add(t);
  };
  bind();
  for (const runner of args.runners)
    await replay(join(runner.dir, RUN_FILES.rawSamples), registry, bind);
  // A threshold on a metric no runner ever sampled stays unbound: not evaluated.
  const bindable = thresholds.filter((t) => bound.has(t));
  const durationMs = Math.max(0, ...summaries.map((s) => s.state?.testRunDurationMs ?? 0));
  evaluateThresholds(bindable, registry, durationMs);

  const metrics: K6Summary['metrics'] = {};
  const trendStatsOf = (key: string) => {
    const first = summaries.find((s) => s.metrics[key])?.metrics[key]?.values;
    return first ? Object.keys(first) : ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
  };
  const thresholdsOf = (key: string) => {
    const own = bindable.filter((t) => t.key === key);
    return own.length > 0
      ? Object.fromEntries(own.map((t) => [t.source, { ok: !t.failed }]))
      : undefined;
  };
  for (const metric of registry.metrics.values()) {
    if (metric.type === 'gauge') {
      const values = summedGauge(summaries, metric.name);
      if (values) metrics[metric.name] = { type: 'gauge', contains: metric.contains, values };
      continue;
    }
    const entries = [{ key: metric.name, sink: metric.sink, observed: metric.observed }];
    for (const sub of metric.submetrics)
      entries.push({ key: sub.name, sink: sub.sink, observed: sub.observed });
    for (const { key, sink, observed } of entries) {
      if (!observed && !definitions[key]) continue;
      metrics[key] = {
        type: metric.type,
        contains: metric.contains,
        values: sinkValues(metric.type, sink, durationMs, trendStatsOf(key)),
        ...(thresholdsOf(key) && { thresholds: thresholdsOf(key) }),
      };
    }
  }
  const summary: K6Summary = { metrics, state: { testRunDurationMs: durationMs } };
  await writeFile(
    join(args.runDir, summaryFile(args.script)),
    JSON.stringify(summary, null, 2) + '\n',
  );
  return {
    summary,
    failedThresholds: bindable.filter((t) => t.failed).map((t) => `${t.key}: ${t.source}`),
  };
}

/** Feeds one k6 NDJSON file into the registry (a runner killed early wrote part of one: what is there counts). */
async function replay(file: string, registry: Registry, onDefine: () => void): Promise<void> {
  // A runner that died before its first sample wrote nothing.
  if (!existsSync(file)) return;
  // A killed runner's gzip stream ends early: Z_SYNC_FLUSH decompresses what is
  // there instead of failing on the missing end (zlib's documented way for truncated data).
  const input = createReadStream(file).pipe(createGunzip({ finishFlush: constants.Z_SYNC_FLUSH }));
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      continue; // the torn last line of a killed runner
    }
    if (line.type === 'Metric') {
      registry.define(line.data.name, line.data.type, line.data.contains);
      onDefine();
    } else if (line.type === 'Point' && registry.metrics.has(line.metric))
      registry.add(
        registry.get(line.metric),
        line.data.value,
        line.data.tags ?? {},
        Date.parse(line.data.time),
      );
  }
}

function summedGauge(summaries: K6Summary[], name: string): Record<string, number> | undefined {
  const present = summaries.map((s) => s.metrics[name]?.values).filter((v) => v !== undefined);
  if (present.length === 0) return undefined;
  const sum = (k: string) => present.reduce((n, v) => n + (v[k] ?? 0), 0);
  return { value: sum('value'), min: sum('min'), max: sum('max') };
}

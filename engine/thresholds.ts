// k6 thresholds: `{ 'http_req_duration{status:200}': ['p(95)<500', { threshold:
// 'rate<0.01', abortOnFail: true, delayAbortEval: '10s' }] }`.
import {
  CounterSink,
  GaugeSink,
  RateSink,
  type Metric,
  type Registry,
  type Sink,
  type Tags,
} from './metrics.ts';
import { TrendSink } from './histogram.ts';
import { OptionsError, optionDuration } from './options.ts';

export type ThresholdSpec =
  string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export type Threshold = {
  /** The metric key as written: `http_req_duration{status:200}`. */
  key: string;
  source: string;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
  stat: string;
  op: string;
  bound: number;
  /** Result of the last evaluation (false until proven failing). */
  failed: boolean;
};

const EXPR =
  /^\s*(avg|min|max|med|count|sum|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/;

/** `metric{tag:value,…}` → name and tag selector (values may be quoted). */
export function parseMetricKey(key: string): { name: string; selector?: Tags } {
  const m = /^([^{]+?)\s*(?:\{(.*)\})?$/.exec(key.trim());
  if (!m) throw new OptionsError(`invalid threshold metric '${key}'`);
  const name = m[1]!;
  if (m[2] === undefined) return { name };
  const selector: Tags = {};
  for (const part of m[2].split(',')) {
    const i = part.indexOf(':');
    if (i < 0)
      throw new OptionsError(
        `invalid submetric selector '${part}' in '${key}': expected tag:value`,
      );
    selector[part.slice(0, i).trim()] = part
      .slice(i + 1)
      .trim()
      .replace(/^(["'`])(.*)\1$/, '$2');
  }
  return { name, selector };
}

/** Parses the thresholds of the options; a malformed one is an OptionsError (exit 104). */
export function parseThresholds(
  spec: Record<string, ThresholdSpec[] | ThresholdSpec>,
): Threshold[] {
  const out: Threshold[] = [];
  for (const [key, list] of Object.entries(spec)) {
    parseMetricKey(key);
    for (const item of Array.isArray(list) ? list : [list]) {
      const source = typeof item === 'string' ? item : item.threshold;
      const m = EXPR.exec(source);
      if (!m)
        throw new OptionsError(
          `invalid threshold '${source}' on '${key}': expected e.g. 'p(95)<500' or 'rate<0.01'`,
        );
      out.push({
        key,
        source,
        abortOnFail: typeof item === 'object' && item.abortOnFail === true,
        delayAbortEvalMs:
          typeof item === 'object' && item.delayAbortEval ? optionDuration(item.delayAbortEval) : 0,
        stat: m[1]!,
        op: m[2]!,
        bound: Number(m[3]),
        failed: false,
      });
    }
  }
  return out;
}

/** Which stats each metric type accepts (k6 rejects e.g. `rate` on a trend). */
const STATS: Record<string, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^value$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|count|sum|p\(.+\))$/,
};

/**
 * Attaches thresholds to their metrics (creating submetrics) once the init
 * code has defined the custom metrics; returns an error message or undefined.
 */
export function bindThresholds(thresholds: Threshold[], registry: Registry): string | undefined {
  for (const t of thresholds) {
    const { name, selector } = parseMetricKey(t.key);
    const metric = registry.metrics.get(name);
    if (!metric)
      return `invalid threshold defined on ${t.key}; reason: no metric name "${name}" found`;
    if (!STATS[metric.type]!.test(t.stat))
      return `invalid threshold '${t.source}' on ${t.key}: '${t.stat}' does not apply to a ${metric.type} metric`;
    if (selector) metric.submetric(selector);
  }
  return undefined;
}

/** The sink a threshold reads, and whether any sample reached it yet. */
function sinkFor(registry: Registry, key: string): { metric: Metric; sink: Sink; empty: boolean } {
  const { name, selector } = parseMetricKey(key);
  const metric = registry.get(name);
  if (!selector) return { metric, sink: metric.sink, empty: !metric.observed };
  const sub = metric.submetric(selector);
  return { metric, sink: sub.sink, empty: !sub.observed };
}

/** k6's metrics engine evaluates the thresholds every 2 s while the test runs (thresholdsRate). */
export const THRESHOLD_EVALUATION_MS = 2000;

export function statValue(sink: Sink, stat: string, durationMs: number): number {
  if (sink instanceof CounterSink)
    return stat === 'rate' ? sink.count / Math.max(durationMs / 1000, 1e-9) : sink.count;
  if (sink instanceof GaugeSink) return sink.max === -Infinity ? 0 : sink.value;
  if (sink instanceof RateSink) return sink.rate;
  return (sink as TrendSink).stat(stat);
}

function compare(value: number, op: string, bound: number): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '!=':
      return value !== bound;
    default:
      return value === bound;
  }
}

/**
 * Evaluates every threshold; returns the ones that ask to abort the test now:
 * failing, `abortOnFail`, and the test older than their `delayAbortEval`
 * (strictly, as k6). `duringRun`: a threshold whose metric has no sample yet
 * is left as it was, as k6 skips empty sinks until the final evaluation.
 */
export function evaluateThresholds(
  thresholds: Threshold[],
  registry: Registry,
  elapsedMs: number,
  duringRun = false,
): Threshold[] {
  const abort: Threshold[] = [];
  for (const t of thresholds) {
    const { sink, empty } = sinkFor(registry, t.key);
    if (duringRun && empty) continue;
    t.failed = !compare(statValue(sink, t.stat, elapsedMs), t.op, t.bound);
    if (t.failed && t.abortOnFail && t.delayAbortEvalMs < elapsedMs) abort.push(t);
  }
  return abort;
}

// The metric registry of a run (main thread). Every sample of every VU ends
// here: it feeds the sinks the summary and thresholds read, the submetrics
// (`http_req_duration{expected_response:true}`), and the outputs that want
// points (NDJSON, remote write).
import { TrendSink } from './histogram.ts';

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type Contains = 'default' | 'time' | 'data';
export type Tags = Record<string, string>;

export class CounterSink {
  count = 0;
  add(v: number): void {
    this.count += v;
  }
}
export class GaugeSink {
  value = 0;
  min = Infinity;
  max = -Infinity;
  add(v: number): void {
    this.value = v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
}
export class RateSink {
  passes = 0;
  fails = 0;
  add(v: number): void {
    if (v !== 0) this.passes++;
    else this.fails++;
  }
  get rate(): number {
    const total = this.passes + this.fails;
    return total ? this.passes / total : 0;
  }
}
export type Sink = CounterSink | GaugeSink | RateSink | TrendSink;

export function newSink(type: MetricType): Sink {
  switch (type) {
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
    case 'rate':
      return new RateSink();
    case 'trend':
      return new TrendSink();
  }
}

export type Submetric = { name: string; selector: Tags; sink: Sink; observed: boolean };

export class Metric {
  readonly sink: Sink;
  readonly submetrics: Submetric[] = [];
  observed = false;
  constructor(
    readonly name: string,
    readonly type: MetricType,
    readonly contains: Contains,
  ) {
    this.sink = newSink(type);
  }

  /** The submetric for `{tag:value,…}`, created on first use. */
  submetric(selector: Tags): Submetric {
    const name = `${this.name}{${Object.entries(selector)
      .map(([k, v]) => `${k}:${v}`)
      .join(',')}}`;
    let sub = this.submetrics.find((s) => s.name === name);
    if (!sub) {
      sub = { name, selector, sink: newSink(this.type), observed: false };
      this.submetrics.push(sub);
    }
    return sub;
  }
}

export type SampleListener = (metric: Metric, value: number, tags: Tags, time: number) => void;

/** k6's built-in metrics, by name: type and what the values are. */
export const BUILTIN: Record<string, [MetricType, Contains]> = {
  vus: ['gauge', 'default'],
  vus_max: ['gauge', 'default'],
  iterations: ['counter', 'default'],
  iteration_duration: ['trend', 'time'],
  dropped_iterations: ['counter', 'default'],
  data_sent: ['counter', 'data'],
  data_received: ['counter', 'data'],
  checks: ['rate', 'default'],
  group_duration: ['trend', 'time'],
  http_reqs: ['counter', 'default'],
  http_req_failed: ['rate', 'default'],
  http_req_duration: ['trend', 'time'],
  http_req_blocked: ['trend', 'time'],
  http_req_connecting: ['trend', 'time'],
  http_req_tls_handshaking: ['trend', 'time'],
  http_req_sending: ['trend', 'time'],
  http_req_waiting: ['trend', 'time'],
  http_req_receiving: ['trend', 'time'],
};

export class Registry {
  readonly metrics = new Map<string, Metric>();
  private listeners: SampleListener[] = [];

  constructor() {
    for (const [name, [type, contains]] of Object.entries(BUILTIN))
      this.define(name, type, contains);
    // k6 always reports this submetric, thresholds or not.
    this.get('http_req_duration').submetric({ expected_response: 'true' });
  }

  /** Defines a metric, or returns the existing one if the definition matches. */
  define(name: string, type: MetricType, contains: Contains = 'default'): Metric {
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type)
        throw new Error(`metric '${name}' already exists as a ${existing.type}, not a ${type}`);
      return existing;
    }
    if (!/^[\p{L}\p{N}._!?/&#()<>%-]{1,128}$/u.test(name))
      throw new Error(
        `invalid metric name '${name}': use letters, digits and ._!?/&#()<>%- (1–128)`,
      );
    const metric = new Metric(name, type, contains);
    this.metrics.set(name, metric);
    return metric;
  }

  get(name: string): Metric {
    const metric = this.metrics.get(name);
    if (!metric) throw new Error(`no metric named '${name}'`);
    return metric;
  }

  onSample(listener: SampleListener): void {
    this.listeners.push(listener);
  }

  add(metric: Metric, value: number, tags: Tags, time: number): void {
    metric.observed = true;
    metric.sink.add(value);
    for (const sub of metric.submetrics) {
      if (matches(sub.selector, tags)) {
        sub.observed = true;
        sub.sink.add(value);
      }
    }
    for (const listener of this.listeners) listener(metric, value, tags, time);
  }
}

function matches(selector: Tags, tags: Tags): boolean {
  for (const key in selector) if (tags[key] !== selector[key]) return false;
  return true;
}

/** The values k6 reports for a sink (summary `values`, thresholds' inputs). */
export function sinkValues(
  type: MetricType,
  sink: Sink,
  durationMs: number,
  trendStats: readonly string[],
): Record<string, number> {
  const seconds = durationMs / 1000;
  if (sink instanceof CounterSink)
    return { count: sink.count, rate: seconds > 0 ? sink.count / seconds : 0 };
  if (sink instanceof GaugeSink)
    return sink.max === -Infinity
      ? { value: 0, min: 0, max: 0 }
      : { value: sink.value, min: sink.min, max: sink.max };
  if (sink instanceof RateSink) return { rate: sink.rate, passes: sink.passes, fails: sink.fails };
  const values: Record<string, number> = {};
  for (const stat of trendStats) values[stat] = sink.stat(stat);
  void type;
  return values;
}

// The sink behind every Trend. Exact while small (so short tests and the
// conformance suite get k6's exact percentiles), then a sparse log-linear
// histogram: bucket i holds values in [G^i, G^(i+1)) with G = 1.01, and a
// bucket is read back as its geometric midpoint, so any quantile is within
// 0.5 % of the true value. Between 1 µs and 1e9 that is at most ~3,500
// buckets: memory stays bounded however long the run.

const EXACT_LIMIT = 4096;
const G = 1.01;
const LOG_G = Math.log(G);

export class TrendSink {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  private exact: number[] | undefined = [];
  private sorted = true;
  /** bucket index → count; positive and negative values mirror each other. */
  private pos = new Map<number, number>();
  private neg = new Map<number, number>();
  private zeros = 0;

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.exact) {
      this.exact.push(value);
      this.sorted = false;
      if (this.exact.length > EXACT_LIMIT) {
        for (const v of this.exact) this.bucket(v);
        this.exact = undefined;
      }
    } else this.bucket(value);
  }

  private bucket(value: number): void {
    if (value === 0) this.zeros++;
    else {
      const map = value > 0 ? this.pos : this.neg;
      const i = Math.floor(Math.log(Math.abs(value)) / LOG_G);
      map.set(i, (map.get(i) ?? 0) + 1);
    }
  }

  get avg(): number {
    return this.count ? this.sum / this.count : 0;
  }

  /** k6's percentile: linear interpolation between the ranks around p·(n−1). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    if (this.count === 1) return this.min;
    const rank = p * (this.count - 1);
    if (this.exact) {
      if (!this.sorted) {
        this.exact.sort((a, b) => a - b);
        this.sorted = true;
      }
      const lo = this.exact[Math.floor(rank)]!;
      const hi = this.exact[Math.ceil(rank)]!;
      return lo + (hi - lo) * (rank - Math.floor(rank));
    }
    const target = Math.floor(rank);
    let seen = 0;
    for (const [value, n] of this.ascending()) {
      seen += n;
      if (seen > target) return Math.min(this.max, Math.max(this.min, value));
    }
    return this.max;
  }

  /** (representative value, count) from the smallest bucket up. */
  private *ascending(): Generator<[number, number]> {
    const negKeys = [...this.neg.keys()].sort((a, b) => b - a);
    for (const k of negKeys) yield [-Math.pow(G, k + 0.5), this.neg.get(k)!];
    if (this.zeros) yield [0, this.zeros];
    const posKeys = [...this.pos.keys()].sort((a, b) => a - b);
    for (const k of posKeys) yield [Math.pow(G, k + 0.5), this.pos.get(k)!];
  }

  /** A stat by k6's name: avg, min, med, max, count, sum, p(N). */
  stat(name: string): number {
    switch (name) {
      case 'avg':
        return this.avg;
      case 'min':
        return this.count ? this.min : 0;
      case 'max':
        return this.count ? this.max : 0;
      case 'med':
        return this.percentile(0.5);
      case 'count':
        return this.count;
      case 'sum':
        return this.sum;
    }
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(name);
    if (p) return this.percentile(Number(p[1]) / 100);
    throw new Error(`unknown trend stat '${name}'`);
  }
}

// Prometheus native histograms, as k6's experimental-prometheus-rw output
// builds them with K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true (client_golang
// with NativeHistogramBucketFactor 1.1): schema 3, so bucket i holds values in
// (2^((i−1)/8), 2^(i/8)], each bucket 2^(1/8) ≈ 1.0905 times wider than the
// last; |v| ≤ 2^-128 counts in the zero bucket. A quantile read back lies in the
// bucket of the true value: within a factor 2^(1/8) of it, i.e. a relative
// error under NATIVE_RELATIVE_ERROR. Histograms of the same schema merge by
// adding bucket counts, which is what summing them in PromQL does.

/** The schema k6 ends up with: the largest whose bucket growth is at most 1.1. */
export const NATIVE_SCHEMA = 3;
/** client_golang's DefNativeHistogramZeroThreshold, 2^-128. */
export const NATIVE_ZERO_THRESHOLD = 2.938735877055719e-39;
/** The worst relative error of a quantile read from a schema-3 histogram: 2^(1/8) − 1. */
export const NATIVE_RELATIVE_ERROR = Math.pow(2, Math.pow(2, -NATIVE_SCHEMA)) - 1;

/** A run of consecutive buckets: `offset` from the end of the previous span (the first: from 0). */
export type BucketSpan = { offset: number; length: number };

/** A native histogram as remote write carries it: spans plus count deltas. */
export type NativeHistogramSample = {
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  negativeSpans: BucketSpan[];
  negativeDeltas: number[];
  positiveSpans: BucketSpan[];
  positiveDeltas: number[];
};

export class NativeHistogram {
  count = 0;
  sum = 0;
  zeroCount = 0;
  private pos = new Map<number, number>();
  private neg = new Map<number, number>();

  add(value: number): void {
    this.count++;
    this.sum += value;
    const magnitude = Math.abs(value);
    if (magnitude <= NATIVE_ZERO_THRESHOLD) {
      this.zeroCount++;
      return;
    }
    const map = value > 0 ? this.pos : this.neg;
    const i = nativeBucketIndex(magnitude);
    map.set(i, (map.get(i) ?? 0) + 1);
  }

  /** The sample to remote-write: cumulative since the start, as k6's is. */
  sample(): NativeHistogramSample {
    const positive = spansAndDeltas(this.pos);
    const negative = spansAndDeltas(this.neg);
    return {
      count: this.count,
      sum: this.sum,
      schema: NATIVE_SCHEMA,
      zeroThreshold: NATIVE_ZERO_THRESHOLD,
      zeroCount: this.zeroCount,
      negativeSpans: negative.spans,
      negativeDeltas: negative.deltas,
      positiveSpans: positive.spans,
      positiveDeltas: positive.deltas,
    };
  }
}

/** The schema-3 bucket of a positive value: the i with 2^((i−1)/8) < v ≤ 2^(i/8). */
export function nativeBucketIndex(magnitude: number): number {
  const perOctave = Math.pow(2, NATIVE_SCHEMA);
  let i = Math.ceil(Math.log2(magnitude) * perOctave);
  // log2 rounds: put values at a boundary on its lower side, as Prometheus does.
  if (Math.pow(2, (i - 1) / perOctave) >= magnitude) i--;
  else if (Math.pow(2, i / perOctave) < magnitude) i++;
  return i;
}

/** The upper bound of schema-3 bucket i. */
export function nativeBucketUpper(i: number): number {
  return Math.pow(2, i / Math.pow(2, NATIVE_SCHEMA));
}

function spansAndDeltas(buckets: Map<number, number>): { spans: BucketSpan[]; deltas: number[] } {
  const spans: BucketSpan[] = [];
  const deltas: number[] = [];
  let previousIndex: number | undefined;
  let previousCount = 0;
  for (const i of [...buckets.keys()].sort((a, b) => a - b)) {
    const count = buckets.get(i)!;
    if (previousIndex !== undefined && i === previousIndex + 1) spans[spans.length - 1]!.length++;
    else spans.push({ offset: previousIndex === undefined ? i : i - previousIndex - 1, length: 1 });
    deltas.push(count - previousCount);
    previousCount = count;
    previousIndex = i;
  }
  return { spans, deltas };
}

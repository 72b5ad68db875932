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

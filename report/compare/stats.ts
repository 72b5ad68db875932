// The statistics behind `loadgate compare`: a seeded random generator (the
// same inputs give the same report), quantiles by selection, and the block
// bootstrap of the difference between two runs of a quantile or an error
// ratio. Blocks are the requests of a few seconds resampled together, so the
// interval keeps the correlation of neighbouring requests (a GC pause, a
// scale-up): resampling requests one by one would make it too narrow.

/** mulberry32: small, fast, and enough for resampling. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rearranges `v[lo, hi)` so that `v[k]` holds the value of rank k (Hoare's selection). */
function select(v: Float64Array, k: number, lo: number, hi: number): number {
  let l = lo;
  let r = hi - 1;
  while (l < r) {
    const pivot = v[(l + r) >>> 1]!;
    let i = l;
    let j = r;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else break;
  }
  return v[k]!;
}

/** Nearest-rank index of the q-quantile among n values. */
const rankOf = (q: number, n: number) => Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));

/**
 * The `qs`-quantiles (nearest rank) of `v[0, n)`, which is reordered. `qs`
 * must be descending: each selection then works on the part below the last.
 */
export function quantiles(v: Float64Array, n: number, qs: readonly number[]): number[] {
  let hi = n;
  return qs.map((q) => {
    const k = rankOf(q, n);
    const value = select(v, k, 0, Math.min(hi, n));
    hi = k + 1;
    return value;
  });
}

/** One resampling unit: the sampled latencies of a few seconds, and its request outcomes. */
export type Block = { values: Float64Array; failed: number; total: number };

/** What one bootstrap replicate gives: the quantiles and the error ratio. */
export type Replicate = { quantiles: number[]; errorRatio: number | null };

/**
 * `count` replicates of a run: as many blocks as it has, drawn with
 * replacement, their latencies' `qs`-quantiles and their error ratio.
 */
export function bootstrap(
  blocks: readonly Block[],
  qs: readonly number[],
  count: number,
  random: () => number,
): Replicate[] {
  const size = blocks.reduce((n, b) => n + b.values.length, 0);
  // A replicate holds at most every block's values times… any block drawn
  // repeatedly: bounded by the largest block times the number of blocks.
  const largest = blocks.reduce((n, b) => Math.max(n, b.values.length), 0);
  const buffer = new Float64Array(Math.max(size, largest * blocks.length, 1));
  const out: Replicate[] = [];
  for (let r = 0; r < count; r++) {
    let n = 0;
    let failed = 0;
    let total = 0;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[Math.floor(random() * blocks.length)]!;
      buffer.set(b.values, n);
      n += b.values.length;
      failed += b.failed;
      total += b.total;
    }
    out.push({
      quantiles: n > 0 ? quantiles(buffer, n, qs) : qs.map(() => NaN),
      errorRatio: total > 0 ? failed / total : null,
    });
  }
  return out;
}

export function standardDeviation(xs: readonly number[]): number {
  const finite = xs.filter(Number.isFinite);
  if (finite.length < 2) return NaN;
  const mean = finite.reduce((s, x) => s + x, 0) / finite.length;
  return Math.sqrt(finite.reduce((s, x) => s + (x - mean) ** 2, 0) / (finite.length - 1));
}

/** Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * The p-quantile of Student's t with `df` degrees of freedom, from the normal
 * one (Cornish–Fisher expansion, Abramowitz & Stegun 26.7.5): the interval of
 * a standard error estimated from few blocks must be wider than the normal one.
 */
export function studentQuantile(p: number, df: number): number {
  const z = normalQuantile(p);
  if (!Number.isFinite(df) || df <= 0) return z;
  const z2 = z * z;
  const g1 = ((z2 + 1) * z) / 4;
  const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
  const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
  const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

// k6's execution segments (lib/execution_segment.go): a test split over
// several instances, each running the share of it its segment (from, to] of
// a sequence gives it. Every instance computes its share alone, from its
// segment and the sequence, and the shares add up exactly to the whole test:
// values (VUs, iterations) are divided by k6's striping, which hands out the
// indexes 0, 1, 2… of anything (VUs, iterations, arrivals) to the segments in
// a fixed repeating pattern of length `lcd` (the lowest common denominator of
// the segments' lengths), each segment taking its numerator's worth per lcd.

/** An exact fraction: num/den with den > 0, in lowest terms. */
type Rat = { num: bigint; den: bigint };

const gcdBig = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};
function rat(num: bigint, den: bigint): Rat {
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcdBig(num, den) || 1n;
  return { num: num / g, den: den / g };
}
const ZERO = rat(0n, 1n);
const ONE = rat(1n, 1n);
const sub = (a: Rat, b: Rat) => rat(a.num * b.den - b.num * a.den, a.den * b.den);
const cmp = (a: Rat, b: Rat) => {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};
const ratString = (r: Rat) => (r.den === 1n ? String(r.num) : `${r.num}/${r.den}`);

/** A segment or sequence k6 would refuse; the callers say where it came from. */
export class SegmentError extends Error {}

/** k6's stringToRat: `50%`, `0.5`, `1/2` or `1`. */
function parseRat(text: string): Rat {
  const s = text.trim();
  const percent = /^(\d+)%$/.exec(s);
  if (percent) return rat(BigInt(percent[1]!), 100n);
  const fraction = /^(\d+)\/(\d+)$/.exec(s);
  if (fraction && BigInt(fraction[2]!) !== 0n)
    return rat(BigInt(fraction[1]!), BigInt(fraction[2]!));
  const decimal = /^(\d*)(?:\.(\d+))?$/.exec(s);
  if (decimal && s !== '' && s !== '.') {
    const frac = decimal[2] ?? '';
    return rat(BigInt(`${decimal[1] || '0'}${frac}`), 10n ** BigInt(frac.length));
  }
  throw new SegmentError(
    `'${text}' is not a valid percentage, decimal, fraction or interval value`,
  );
}

/** One (from, to] segment, 0 ≤ from < to ≤ 1. */
export type Segment = { from: Rat; to: Rat };

function segment(from: Rat, to: Rat): Segment {
  if (cmp(from, ZERO) < 0)
    throw new SegmentError(`segment start value should be at least 0 but was ${ratString(from)}`);
  if (cmp(from, to) >= 0)
    throw new SegmentError(
      `segment start (${ratString(from)}) should be less than its end (${ratString(to)})`,
    );
  if (cmp(to, ONE) > 0)
    throw new SegmentError(`segment end value shouldn't be more than 1 but was ${ratString(to)}`);
  return { from, to };
}

export const segmentString = (s: Segment): string => `${ratString(s.from)}:${ratString(s.to)}`;

/**
 * `--execution-segment`: `from:to` (`1/3:2/3`, `0.5:0.75`, `50%:75%`), or
 * one value, the end of a segment starting at 0 (`1/3` is `0:1/3`); empty is
 * the whole test.
 */
export function parseSegment(text: string): Segment {
  const [fromText, toText] = text.includes(':') ? text.split(/:(.*)/s) : ['0', text || '1'];
  return segment(parseRat(fromText!), parseRat(toText!));
}

/** `--execution-segment-sequence`: the points `0,1/3,2/3,1`, each segment from one point to the next. */
export function parseSequence(text: string): Segment[] {
  if (text === '') return [];
  const points = text.split(',').map(parseRat);
  if (points.length < 2)
    throw new SegmentError(
      `at least 2 points are needed for an execution segment sequence, ${points.length} given`,
    );
  return points.slice(1).map((to, i) => segment(points[i]!, to));
}

/**
 * How one segment's indexes repeat: `positions` (ascending, < lcd) are its
 * own in every cycle of `lcd`. With `of`, they are indexes among those `of`
 * owns: a segment of a segment (an instance split over child processes).
 */
export type Stripe = { positions: number[]; lcd: number; of?: Stripe };

/** The whole test's stripe: every index is this instance's. */
export const WHOLE: Stripe = { positions: [0], lcd: 1 };

/** The k-th (0-based) index of the instance's own, as an index of the whole test. */
export function globalIndex(stripe: Stripe, k: number): number {
  const n = stripe.positions.length;
  const local = Math.floor(k / n) * stripe.lcd + stripe.positions[k % n]!;
  return stripe.of ? globalIndex(stripe.of, local) : local;
}

/** Whether index i of the whole test is the instance's. */
export function isOwn(stripe: Stripe, i: number): boolean {
  if (stripe.of) {
    if (!isOwn(stripe.of, i)) return false;
    i = scaleBy(stripe.of, i); // its rank among the outer segment's own
  }
  return stripe.positions.includes(i % stripe.lcd);
}

/** How many of the indexes 0…value-1 are the instance's (k6's ScaleInt64). */
export function scaleBy(stripe: Stripe, value: number): number {
  if (stripe.of) value = scaleBy(stripe.of, value);
  const rest = value % stripe.lcd;
  let own = 0;
  for (const p of stripe.positions) if (p < rest) own++;
  return Math.floor(value / stripe.lcd) * stripe.positions.length + own;
}

/**
 * k6's striping (NewExecutionSegmentSequenceWrapper): over one cycle of lcd
 * indexes, the segments, biggest first, each take the next index when they
 * are due one (their count so far × lcd / their numerator ≤ the index), so
 * each segment's indexes are spread as evenly as they can be.
 */
function stripes(sequence: Segment[]): Stripe[] {
  const lengths = sequence.map((s) => sub(s.to, s.from));
  const lcd = Number(lengths.reduce((acc, l) => (acc * l.den) / gcdBig(acc, l.den), 1n));
  const numerators = lengths.map((l) => Number(l.num) * (lcd / Number(l.den)));
  const order = numerators
    .map((numerator, index) => ({ numerator, index }))
    .sort((a, b) => b.numerator - a.numerator); // stable: equal lengths keep their order
  const positions: number[][] = sequence.map(() => []);
  const chosen = order.map(() => 0);
  for (let i = 0; i < lcd; i++)
    for (let j = 0; j < order.length; j++) {
      const num = chosen[j]! * lcd;
      const denom = order[j]!.numerator;
      const due = Math.floor(num / denom);
      if (i > due || (i === due && num % denom === 0)) {
        chosen[j]!++;
        positions[order[j]!.index]!.push(i);
        break;
      }
    }
  return positions.map((p) => ({ positions: p, lcd }));
}

/**
 * One instance's place in a split test (k6's ExecutionTuple): its segment in
 * a sequence that covers 0 to 1. With `outer`, the segment is of what the
 * outer tuple owns: a child process's part of its parent's segment, so the
 * children of an instance run exactly that instance's share.
 */
export class ExecutionTuple {
  readonly sequence: Segment[];
  readonly index: number;
  readonly outer: ExecutionTuple | undefined;
  readonly stripe: Stripe;

  constructor(sequence: Segment[], index: number, outer?: ExecutionTuple) {
    this.sequence = sequence;
    this.index = index;
    this.outer = outer;
    const own = sequence.length === 1 ? WHOLE : stripes(sequence)[index]!;
    this.stripe = outer ? { ...own, of: outer.stripe } : own;
  }

  /** Part `index` of `count` equal parts of this instance's share (a child process's). */
  split(index: number, count: number): ExecutionTuple {
    const points = Array.from({ length: count + 1 }, (_, i) => rat(BigInt(i), BigInt(count)));
    const parts = points.slice(1).map((to, i) => ({ from: points[i]!, to }));
    return new ExecutionTuple(parts, index, this);
  }

  /** The instance of `segment` (the whole test when undefined) in `sequence` (k6's NewExecutionTuple). */
  static of(segment: Segment | undefined, sequence: Segment[] = []): ExecutionTuple {
    const filled = filledSequence(segment, sequence);
    const from = segment?.from ?? ZERO;
    const to = segment?.to ?? ONE;
    const index = filled.findIndex((s) => cmp(s.from, from) === 0 && cmp(s.to, to) === 0);
    if (index < 0)
      throw new SegmentError(
        `couldn't find segment ${segmentString({ from, to })} in sequence ${sequenceString(filled)}`,
      );
    return new ExecutionTuple(filled, index);
  }

  get segment(): Segment {
    return this.sequence[this.index]!;
  }

  /** The instance's share of `value` (VUs, iterations); the shares of all segments add up to it. */
  scale(value: number): number {
    return scaleBy(this.stripe, value);
  }

  /**
   * k6's GetNewExecutionTupleFromValue: the sequence re-cut so that each
   * segment is exactly its share of `value` (arrival-rate executors stripe
   * their iterations this way, by maxVUs); undefined when this instance's
   * share is nothing.
   */
  forValue(value: number): ExecutionTuple | undefined {
    if (value < 1) return undefined;
    if (this.outer) {
      // The outer share re-cut by the value, then this one by the outer's share of it.
      const outer = this.outer.forValue(value);
      const inner =
        outer && new ExecutionTuple(this.sequence, this.index).forValue(this.outer.scale(value));
      return inner && new ExecutionTuple(inner.sequence, inner.index, outer);
    }
    if (value % this.stripe.lcd === 0) return this;
    const all = stripes(this.sequence);
    const cut: Segment[] = [];
    let index = -1;
    let at = 0;
    for (let i = 0; i < this.sequence.length; i++) {
      const share = scaleBy(all[i]!, value);
      if (share === 0) continue;
      if (i === this.index) index = cut.length;
      cut.push({
        from: rat(BigInt(at), BigInt(value)),
        to: rat(BigInt(at + share), BigInt(value)),
      });
      at += share;
    }
    return index < 0 ? undefined : new ExecutionTuple(cut, index);
  }
}

export const sequenceString = (sequence: Segment[]): string =>
  [sequence[0]!.from, ...sequence.map((s) => s.to)].map(ratString).join(',');

/** k6's GetFilledExecutionSegmentSequence: the sequence (or the lone segment) with the gaps to 0 and 1 filled. */
function filledSequence(segment: Segment | undefined, sequence: Segment[]): Segment[] {
  const result = sequence.length ? [...sequence] : segment ? [segment] : [{ from: ZERO, to: ONE }];
  for (let i = 1; i < result.length; i++)
    if (cmp(result[i]!.from, result[i - 1]!.to) !== 0)
      throw new SegmentError(
        `the start value ${ratString(result[i]!.from)} of segment #${i} must be equal to the end value of the previous one, but it is ${ratString(result[i - 1]!.to)}`,
      );
  if (cmp(result[0]!.from, ZERO) !== 0) result.unshift({ from: ZERO, to: result[0]!.from });
  const last = result[result.length - 1]!;
  if (cmp(last.to, ONE) !== 0) result.push({ from: last.to, to: ONE });
  return result;
}

/** The instance a run's options describe: `executionSegment` in `executionSegmentSequence`. */
export function tupleOf(options: {
  executionSegment?: string;
  executionSegmentSequence?: string;
}): ExecutionTuple {
  const seg = options.executionSegment ? parseSegment(options.executionSegment) : undefined;
  const seq = options.executionSegmentSequence
    ? parseSequence(options.executionSegmentSequence)
    : [];
  return ExecutionTuple.of(seg, seq);
}

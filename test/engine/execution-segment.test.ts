import { describe, expect, it } from 'vitest';
import {
  ExecutionTuple,
  globalIndex,
  isOwn,
  parseSegment,
  parseSequence,
  segmentString,
  SegmentError,
  tupleOf,
} from '../../engine/execution-segment.ts';
import {
  hasWork,
  initialVus,
  iterationStripe,
  type Scenario,
} from '../../engine/executors/index.ts';
import { ownStarts } from '../../engine/executors/arrival-rate.ts';
import { rampingStarts } from '../../engine/executors/ramping-arrival-rate.ts';
import { vusAt } from '../../engine/executors/ramping-vus.ts';
import { resolveOptions } from '../../engine/options.ts';
import { childShares } from '../../engine/run/shares.ts';

const THIRDS = '0,1/3,2/3,1';
const SEQUENCES = [THIRDS, '0,1/2,3/4,1', '0,1/4,1/2,3/4,1', '0,0.3,0.5,1', '0,1/7,2/5,1'];

/** Every instance of the sequence, as k6-operator runs them (one per runner). */
function instances(sequence: string): ExecutionTuple[] {
  return parseSequence(sequence).map((s) => ExecutionTuple.of(s, parseSequence(sequence)));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('execution segments: parsing as k6 does', () => {
  it('reads from:to, a lone end, percentages and decimals', () => {
    expect(segmentString(parseSegment('1/3:2/3'))).toBe('1/3:2/3');
    expect(segmentString(parseSegment('1/3'))).toBe('0:1/3');
    expect(segmentString(parseSegment('50%:75%'))).toBe('1/2:3/4');
    expect(segmentString(parseSegment('0.5:1'))).toBe('1/2:1');
    expect(segmentString(parseSegment(''))).toBe('0:1');
    expect(parseSequence(THIRDS).map(segmentString)).toEqual(['0:1/3', '1/3:2/3', '2/3:1']);
  });

  it('refuses what k6 refuses, saying why', () => {
    expect(() => parseSegment('2/3:1/3')).toThrow(/should be less than its end/);
    expect(() => parseSegment('0:3/2')).toThrow(/shouldn't be more than 1/);
    expect(() => parseSegment('a:b')).toThrow(SegmentError);
    expect(() => parseSequence('0')).toThrow(/at least 2 points/);
    expect(() => ExecutionTuple.of(parseSegment('0:1/2'), parseSequence(THIRDS))).toThrow(
      /couldn't find segment 0:1\/2 in sequence 0,1\/3,2\/3,1/,
    );
  });

  it('fills a sequence that does not cover 0 to 1, and a lone segment, as k6 does', () => {
    const lone = ExecutionTuple.of(parseSegment('1/2:3/4'));
    expect(lone.sequence.map(segmentString)).toEqual(['0:1/2', '1/2:3/4', '3/4:1']);
    expect(tupleOf({}).scale(7)).toBe(7);
  });

  it('is an option of the script and a flag, which wins, and a wrong one is refused (104)', () => {
    const options = { executionSegment: '0:1/3', executionSegmentSequence: THIRDS, vus: 6 };
    expect(resolveOptions(options).tuple.index).toBe(0);
    const flagged = resolveOptions(options, { executionSegment: '2/3:1' });
    expect(flagged.tuple.index).toBe(2);
    expect(() =>
      resolveOptions({ executionSegment: '0:1/2', executionSegmentSequence: THIRDS }),
    ).toThrow(expect.objectContaining({ code: 104 }));
  });
});

describe("execution segments: k6's striping", () => {
  it("matches k6's documented example (0:1/2, 1/2:3/4, 3/4:1)", () => {
    const [a, b, c] = instances('0,1/2,3/4,1');
    const first = (t: ExecutionTuple) => range(4).map((k) => globalIndex(t.stripe, k));
    expect(first(a!)).toEqual([0, 2, 4, 6]);
    expect(first(b!)).toEqual([1, 5, 9, 13]);
    expect(first(c!)).toEqual([3, 7, 11, 15]);
    const scaled = (t: ExecutionTuple) => range(12).map((v) => t.scale(v + 1));
    expect(scaled(a!)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expect(scaled(b!)).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]);
    expect(scaled(c!)).toEqual([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3]);
  });

  it.each(SEQUENCES)(
    '%s: the shares of any value add up to it, never shrinking as it grows',
    (seq) => {
      const all = instances(seq);
      for (let v = 0; v <= 200; v++) {
        expect(all.reduce((sum, t) => sum + t.scale(v), 0)).toBe(v);
        for (const t of all) expect(t.scale(v + 1)).toBeGreaterThanOrEqual(t.scale(v));
      }
    },
  );

  it.each(SEQUENCES)('%s: the instances own disjoint indexes that cover the whole test', (seq) => {
    const owned = instances(seq).flatMap((t) =>
      range(t.scale(100)).map((k) => globalIndex(t.stripe, k)),
    );
    expect(owned.sort((x, y) => x - y)).toEqual(range(100));
  });

  it.each(SEQUENCES)('%s: re-cut by a value (maxVUs), the stripes still partition', (seq) => {
    for (const maxVus of [1, 2, 3, 4, 5, 7, 10, 64]) {
      const cut = instances(seq).map((t) => t.forValue(maxVus));
      expect(cut.filter(Boolean).length).toBeGreaterThan(0);
      const owned = cut.flatMap((t) =>
        t ? range(t.scale(60)).map((k) => globalIndex(t.stripe, k)) : [],
      );
      expect(owned.sort((x, y) => x - y)).toEqual(range(60));
    }
  });
});

/** A scenario as the options would parse it. */
function scenario(config: Record<string, unknown>): Scenario {
  return resolveOptions({ scenarios: { s: config } }).scenarios[0]!;
}

describe('execution segments: every executor, split in thirds, adds up to the whole test', () => {
  const whole = tupleOf({});
  const thirds = instances(THIRDS);
  const sum = (f: (t: ExecutionTuple) => number) => thirds.reduce((n, t) => n + f(t), 0);

  it('shared-iterations: VUs and iterations', () => {
    const s = scenario({ executor: 'shared-iterations', vus: 7, iterations: 100 });
    expect(sum((t) => initialVus(s, t))).toBe(7);
    expect(sum((t) => t.scale(100))).toBe(100);
    expect(thirds.map((t) => initialVus(s, t))).toEqual([3, 2, 2]);
    // exec.scenario.iterationInTest: each iteration of the whole test is one instance's.
    const numbers = thirds.flatMap((t) =>
      range(t.scale(100)).map((k) => globalIndex(iterationStripe(s, t), k)),
    );
    expect(numbers.sort((a, b) => a - b)).toEqual(range(100));
  });

  it('per-vu-iterations: VUs, each with all its iterations', () => {
    const s = scenario({ executor: 'per-vu-iterations', vus: 5, iterations: 3 });
    expect(sum((t) => initialVus(s, t) * 3)).toBe(initialVus(s, whole) * 3);
  });

  it('constant-vus: VUs', () => {
    const s = scenario({ executor: 'constant-vus', vus: 10, duration: '1m' });
    expect(thirds.map((t) => initialVus(s, t))).toEqual([4, 3, 3]);
  });

  it('ramping-vus: the VUs running at every moment', () => {
    const config = {
      executor: 'ramping-vus',
      startVUs: 2,
      stages: [
        { duration: '10s', target: 17 },
        { duration: '5s', target: 3 },
      ],
    };
    const s = scenario(config);
    const stages = [
      { ms: 10_000, target: 17 },
      { ms: 5_000, target: 3 },
    ];
    expect(sum((t) => initialVus(s, t))).toBe(17);
    for (let ms = 0; ms <= 15_000; ms += 37) {
      const vus = vusAt(2, stages, ms);
      expect(sum((t) => t.scale(vus))).toBe(vus);
    }
  });

  it.each([
    ['constant-arrival-rate', { rate: 50, timeUnit: '1s', duration: '3s' }],
    [
      'ramping-arrival-rate',
      { startRate: 5, timeUnit: '1s', stages: [{ duration: '4s', target: 40 }] },
    ],
  ])('%s: VUs, and every arrival at its own time', (executor, config) => {
    for (const [preAllocatedVUs, maxVUs] of [
      [3, 3],
      [4, 10],
      [1, 2],
    ]) {
      const s = scenario({ executor, preAllocatedVUs, maxVUs, ...config });
      expect(sum((t) => initialVus(s, t))).toBe(preAllocatedVUs);
      expect(sum((t) => (hasWork(s, t) ? t.scale(maxVUs!) : 0))).toBe(maxVUs);
      const schedule = [...wholeStarts(executor)];
      const split = thirds
        .filter((t) => hasWork(s, t))
        .flatMap((t) => [...ownStarts(iterationStripe(s, t), wholeStarts(executor))]);
      expect(split.length).toBe(schedule.length);
      expect(split.sort((a, b) => a - b)).toEqual(schedule);
    }
  });

  it('a segment with no share of a scenario does not run it (k6: HasWork)', () => {
    const s = scenario({ executor: 'constant-vus', vus: 1, duration: '1m' });
    expect(thirds.map((t) => hasWork(s, t))).toEqual([true, false, false]);
  });
});

/** The whole test's start times of the two arrival-rate cases above. */
function wholeStarts(executor: string): Generator<number> {
  if (executor === 'ramping-arrival-rate')
    return rampingStarts(5 / 1000, [{ ms: 4000, target: 40 / 1000 }]);
  return (function* () {
    for (let i = 0; i < 150; i++) yield i * 20;
  })();
}

describe('execution segments: an instance split over child processes', () => {
  const outers = [tupleOf({}), ...instances(THIRDS), ...instances('0,1/2,3/4,1')];

  it.each([2, 3, 5])('%i children run exactly their parent’s share', (count) => {
    for (const outer of outers) {
      const children = range(count).map((i) => outer.split(i, count));
      for (let v = 0; v <= 120; v++)
        expect(children.reduce((n, c) => n + c.scale(v), 0)).toBe(outer.scale(v));
      const owned = children.flatMap((c) =>
        range(c.scale(90)).map((k) => globalIndex(c.stripe, k)),
      );
      const parents = range(outer.scale(90)).map((k) => globalIndex(outer.stripe, k));
      expect(sorted(owned)).toEqual(parents);
    }
  });

  it.each([2, 3])('%i children share their parent’s arrivals, re-cut by maxVUs', (count) => {
    for (const outer of outers)
      for (const maxVus of [1, 3, 4, 9, 40]) {
        const parent = outer.forValue(maxVus);
        const mine = (t: ExecutionTuple | undefined) =>
          t ? range(150).filter((i) => isOwn(t.stripe, i)) : [];
        const children = range(count).flatMap((i) => mine(outer.split(i, count).forValue(maxVus)));
        expect(sorted(children)).toEqual(mine(parent));
      }
  });
});

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('execution segments: child processes of one run', () => {
  it('give every part of a scenario a VU, so shared iterations are not lost', () => {
    for (const vus of [1, 2, 3, 7])
      for (const outer of [tupleOf({}), ...instances(THIRDS)]) {
        const s = scenario({ executor: 'shared-iterations', vus, iterations: 50 });
        const parts = range(4)
          .map((i) => childShares(outer, i, 4).of(s))
          .filter((t) => t !== undefined);
        for (const t of parts) expect(initialVus(s, t)).toBeGreaterThan(0);
        expect(parts.reduce((n, t) => n + t.scale(50), 0)).toBe(
          hasWork(s, outer) ? outer.scale(50) : 0,
        );
      }
  });
});

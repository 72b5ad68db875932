import { describe, expect, it } from 'vitest';
import { lineChart, MAX_POINTS, mergeSeconds, niceTicks } from '../../report/chart.ts';

describe('SVG line chart', () => {
  it('draws one path per series, with a gap where a second has no value', () => {
    const svg = lineChart({
      title: 'p95 latency',
      unit: 'ms',
      start: 0,
      series: [
        { name: 'all', values: [10, 12, null, 14, 15] },
        { name: 'a<b', values: [1, 2, 3, 4, 5] },
      ],
    });
    const paths = [...svg.matchAll(/<path class="series" data-series="([^"]*)" d="([^"]*)"/g)];
    expect(paths.map((p) => p[1])).toEqual(['all', 'a&lt;b']);
    expect(paths[0]![2]!.match(/M/g)).toHaveLength(2); // two segments around the gap
    expect(paths[1]![2]!.match(/[ML]/g)).toHaveLength(5);
  });

  it('merges seconds on a long run so the file stays small, keeping spikes with max', () => {
    const values = Array.from({ length: 3 * 3600 }, (_, i) => (i === 5000 ? 900 : 10));
    const svg = lineChart({
      title: 'p95',
      unit: 'ms',
      start: 0,
      merge: 'max',
      series: [{ name: 'all', values }],
    });
    const d = /d="([^"]*)"/.exec(svg)![1]!;
    expect(d.match(/[ML]/g)!.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(svg).toContain('max over 9 s');
    expect(svg).toContain('>1000<'); // the y axis still reaches the 900 ms spike
  });

  it('merges groups of seconds by mean or max, ignoring empty seconds', () => {
    expect(mergeSeconds([1, 3, null, null, 5], 2, 'mean')).toEqual([2, null, 5]);
    expect(mergeSeconds([1, 3, null, 4, 5], 2, 'max')).toEqual([3, 4, 5]);
  });

  it('uses round y ticks that reach the largest value', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(17)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
  });
});

import { describe, expect, it } from 'vitest';
import { summaryOutputs, textSummary, type SummaryData } from '../../lib/summary.ts';

// Shaped like k6's handleSummary data (trimmed).
const data: SummaryData = {
  state: { testRunDurationMs: 61234 },
  root_group: {
    name: '',
    checks: [],
    groups: [
      {
        name: 'list products',
        checks: [
          { name: 'GET /api/products → 200', passes: 120, fails: 0 },
          { name: 'product list filtered by category', passes: 118, fails: 2 },
        ],
      },
    ],
  },
  metrics: {
    checks: {
      type: 'rate',
      contains: 'default',
      values: { rate: 0.9917, passes: 238, fails: 2 },
      thresholds: { 'rate>0.99': { ok: true } },
    },
    http_req_duration: {
      type: 'trend',
      contains: 'time',
      values: { avg: 12.5, min: 1, med: 10, max: 1500, 'p(90)': 20, 'p(95)': 31.25 },
    },
    'http_req_duration{journey:browse}': {
      type: 'trend',
      contains: 'time',
      values: { avg: 12.5, 'p(95)': 1250 },
      thresholds: { 'p(95)<1000': { ok: false } },
    },
    http_reqs: { type: 'counter', contains: 'default', values: { count: 480, rate: 7.84 } },
    data_received: {
      type: 'counter',
      contains: 'data',
      values: { count: 2_500_000, rate: 40_000 },
    },
    vus: { type: 'gauge', contains: 'default', values: { value: 2, min: 1, max: 2 } },
  },
};

describe('text summary', () => {
  it('shows checks (failing ones with counts), thresholds with the measured value, and metrics', () => {
    const text = textSummary('browse', data);
    expect(text).toContain('loadgate · browse · 61.2 s');
    expect(text).toContain('checks  99.17%  ✓ 238  ✗ 2');
    expect(text).toContain('  ✓ list products › GET /api/products → 200\n');
    expect(text).toContain(
      '  ✗ list products › product list filtered by category  (2 of 120 failed)',
    );
    expect(text).toContain('  ✗ http_req_duration{journey:browse}  p(95)<1000  (p(95)=1.25s)');
    expect(text).toContain('  ✓ checks  rate>0.99  (rate=99.17%)');
    expect(text).toMatch(/http_reqs\s+480 {2}7\.84\/s/);
    expect(text).toMatch(/data_received\s+2\.5 MB/);
    expect(text).toMatch(/http_req_duration\s+avg=12\.50ms {2}min=1\.00ms .* p\(95\)=31\.25ms/);
    expect(text).toMatch(/vus\s+2 {2}min=1 {2}max=2/);
  });

  it('writes the JSON data and the text under RESULTS_DIR, and always the text to stdout', () => {
    expect(Object.keys(summaryOutputs('mix', data))).toEqual(['stdout']);
    const outputs = summaryOutputs('mix', data, 'results/run-1/');
    expect(Object.keys(outputs)).toEqual([
      'stdout',
      'results/run-1/summary-mix.json',
      'results/run-1/summary-mix.txt',
    ]);
    expect(JSON.parse(outputs['results/run-1/summary-mix.json']!)).toEqual(data);
    expect(outputs['results/run-1/summary-mix.txt']).toBe(outputs.stdout);
  });
});

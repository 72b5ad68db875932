// The k6 side names the summaries itself (lib/summary.ts cannot import Node
// code): its names must be the ones the run-dir readers look for.
import { describe, expect, it } from 'vitest';
import { summaryOutputs, type SummaryData } from '../../lib/summary.ts';
import { summaryFile, summaryScript, summaryTextFile } from '../../run-dir/files.ts';

const data: SummaryData = { metrics: {} };

describe('run directory file names', () => {
  it('are the ones lib/summary.ts writes for every script', () => {
    for (const script of ['mix', 'browse', 'sav-upload']) {
      const outputs = summaryOutputs(script, data, '/results/run-1');
      expect(Object.keys(outputs).sort()).toEqual(
        [
          'stdout',
          `/results/run-1/${summaryFile(script)}`,
          `/results/run-1/${summaryTextFile(script)}`,
        ].sort(),
      );
      expect(summaryScript(summaryFile(script))).toBe(script);
    }
  });

  it('read a plain summary.json as the script `default`, and nothing else as a summary', () => {
    expect(summaryScript('summary.json')).toBe('default');
    for (const name of ['summary-mix.txt', 'slo.json', 'run.json', 'summary-.json'])
      expect(summaryScript(name)).toBeUndefined();
  });
});

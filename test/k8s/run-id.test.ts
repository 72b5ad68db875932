// A run id names the TestRun, and k6-operator names Jobs after it: whatever
// the manifest's name, the id must stay a DNS label those Jobs can extend.
import { describe, expect, it } from 'vitest';
import { DnsLabel } from '../../infra/k8s/testrun.ts';
import { newRunId } from '../../infra/k8s/run/run-id.ts';

const at = new Date('2025-03-04T05:06:07.890Z');

describe('newRunId', () => {
  it('is <name>-<yyyymmdd-hhmmss>-<4 hex> in UTC', () => {
    expect(newRunId('capacity', at, 'a1b2')).toBe('capacity-20250304-050607-a1b2');
  });

  it("cuts a long name, keeping the stamp, so '<id>-initializer' still fits 63 characters", () => {
    const id = newRunId('a'.repeat(29) + '-' + 'b'.repeat(33), at, 'ffff');
    expect(`${id}-initializer`.length).toBeLessThanOrEqual(63);
    expect(id).toMatch(DnsLabel);
    expect(id.endsWith('-20250304-050607-ffff')).toBe(true);
    // The cut landed on the '-': no '--' left behind.
    expect(id).toBe('a'.repeat(29) + '-20250304-050607-ffff');
  });
});

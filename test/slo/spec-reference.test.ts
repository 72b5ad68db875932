// docs/slo-spec.md is what the spec's own schemas say (slo/spec-reference.ts).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specReference } from '../../slo/spec-reference.ts';

const FILE = join(import.meta.dirname, '../../docs/slo-spec.md');

describe('docs/slo-spec.md', () => {
  it('is the reference generated from the spec schemas', async () => {
    const text = specReference();
    if (process.env.UPDATE_DOCS) await writeFile(FILE, text);
    expect(await readFile(FILE, 'utf8')).toBe(text);
    // Every kind and every client/hpa check has its section.
    for (const heading of [
      'kind: latency',
      'kind: baseline',
      'check: thresholds',
      'check: scale-up-time',
    ])
      expect(text).toContain(heading);
  });
});

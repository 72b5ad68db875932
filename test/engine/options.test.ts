import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../engine/options.ts';

/**
 * Command-line overrides follow k6's precedence (lib/options.go,
 * Options.Apply): --duration/--iterations replace the script's whole
 * execution settings, --vus alone only the VU count.
 */
const only = (raw: unknown, overrides = {}) => {
  const { scenarios } = resolveOptions(raw, overrides);
  return scenarios.map(({ name, executor, ...rest }) => ({ name, executor, ...rest }));
};

describe('resolveOptions: command-line overrides as k6 applies them', () => {
  it('--duration replaces the scenarios a script defines', () => {
    const raw = {
      scenarios: { a: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } },
    };
    expect(only(raw, { vus: 4, duration: '2s' })).toMatchObject([
      { name: 'default', executor: 'constant-vus', vus: 4, duration: '2s' },
    ]);
  });

  it('--duration replaces the script stages and iterations, not just adds to them', () => {
    expect(only({ stages: [{ duration: '5s', target: 10 }] }, { duration: '3s' })).toMatchObject([
      { executor: 'constant-vus', vus: 1, duration: '3s' },
    ]);
    expect(only({ vus: 2, iterations: 50 }, { duration: '3s' })).toMatchObject([
      { executor: 'constant-vus', vus: 2, duration: '3s' },
    ]);
  });

  it('--iterations drops the script duration (no maxDuration taken from it)', () => {
    const [s] = only({ vus: 2, duration: '1m' }, { iterations: 10 });
    expect(s).toMatchObject({ executor: 'shared-iterations', vus: 2, iterations: 10 });
    expect(s).not.toMatchObject({ maxDuration: '1m' });
  });

  it('--vus alone keeps the script scenarios', () => {
    const raw = { scenarios: { a: { executor: 'constant-vus', vus: 3, duration: '1s' } } };
    expect(only(raw, { vus: 7 })).toMatchObject([{ name: 'a', executor: 'constant-vus', vus: 3 }]);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS } from '../../lib/catalogue.ts';
import { loadConfig, parseConfig } from '../../lib/config.ts';

describe('configuration from __ENV', () => {
  it('needs only BASE_URL, and says how to give it', () => {
    expect(() => loadConfig({})).toThrow(
      'invalid configuration (k6 -e NAME=value):\n  ✖ BASE_URL is required (e.g. -e BASE_URL=http://127.0.0.1:8100)',
    );
    const config = loadConfig({ BASE_URL: 'http://127.0.0.1:8100/' });
    expect(config).toEqual({
      baseUrl: 'http://127.0.0.1:8100',
      runId: undefined,
      profile: 'smoke',
      weights: DEFAULT_WEIGHTS,
      targetRps: 50,
      thinkTime: 1,
      duration: undefined,
      usersFile: undefined,
      promoCode: 'WELCOME10',
      resultsDir: undefined,
    });
  });

  it('reports every problem at once, each naming its variable', () => {
    const result = parseConfig({
      PROFILE: 'loud',
      WEIGHTS: 'browse=60,shopping=10,basket',
      TARGET_RPS: 'many',
      THINK_TIME: '-2',
      DURATION: '5 minutes',
      RUN_ID: 'has spaces',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'BASE_URL is required (e.g. -e BASE_URL=http://127.0.0.1:8100)',
      'RUN_ID must be 1 to 64 letters, digits, ".", "_" or "-"',
      'PROFILE must be one of smoke, capacity, stress, spike, soak, got "loud"',
      'WEIGHTS has an unknown journey "shopping" (journeys: browse, basket, checkout, sav-upload, newsletter)',
      'WEIGHTS entry "basket" is not journey=number (e.g. browse=60,basket=20)',
      'TARGET_RPS must be a number ≥ 0.1 (e.g. TARGET_RPS=50), got "many"',
      'THINK_TIME must be a number ≥ 0 (e.g. THINK_TIME=1), got "-2"',
      'DURATION must be a k6 duration such as 30s, 5m or 1h30m',
    ]);
  });

  it('rejects a base URL that is not http(s), and weights that are all zero', () => {
    const result = parseConfig({ BASE_URL: '127.0.0.1:8100', WEIGHTS: 'browse=0' });
    expect(!result.ok && result.problems).toEqual([
      'BASE_URL must be an http(s) URL (e.g. http://127.0.0.1:8100), got "127.0.0.1:8100"',
      'WEIGHTS gives every journey a weight of 0',
    ]);
  });

  it('reads every variable; journeys missing from WEIGHTS get 0; empty values count as unset', () => {
    const config = loadConfig({
      BASE_URL: 'https://shop.example.test/gw',
      RUN_ID: 'release-1.4.2',
      PROFILE: 'capacity',
      WEIGHTS: 'browse=3, checkout=1',
      TARGET_RPS: '120',
      THINK_TIME: '0',
      DURATION: '20m',
      USERS_FILE: '/data/users.csv',
      PROMO_CODE: 'SUMMER20',
      RESULTS_DIR: 'results/r1',
      SMOKE_DURATION: '',
      PATH: '/usr/bin',
    });
    expect(config).toMatchObject({
      baseUrl: 'https://shop.example.test/gw',
      runId: 'release-1.4.2',
      profile: 'capacity',
      weights: { browse: 3, basket: 0, checkout: 1, 'sav-upload': 0, newsletter: 0 },
      targetRps: 120,
      thinkTime: 0,
      duration: '20m',
      usersFile: '/data/users.csv',
      promoCode: 'SUMMER20',
      resultsDir: 'results/r1',
    });
  });

  it('SMOKE_DURATION shortens the smoke profile only', () => {
    expect(loadConfig({ BASE_URL: 'http://h', SMOKE_DURATION: '10s' }).duration).toBe('10s');
    expect(
      loadConfig({ BASE_URL: 'http://h', SMOKE_DURATION: '10s', PROFILE: 'soak' }).duration,
    ).toBeUndefined();
  });
});

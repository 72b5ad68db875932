import { describe, expect, it } from 'vitest';
import { EXIT, InputError } from '../../core/errors.ts';
import { parseOut } from '../../engine/outputs/index.ts';
import { k6Command } from '../../engine/real-k6.ts';

// The --out registry: what each output name parses to, and what real k6 gets
// for it, whether it came from --out or from runScript's shorthands.
const ctx = { cwd: '/work', warn: () => undefined };

describe('--out outputs', () => {
  it('json=FILE: real k6 gets the file, resolved from the cwd', () => {
    expect(parseOut('json=out/m.ndjson').k6(ctx)).toEqual({
      args: ['--out', 'json=/work/out/m.ndjson'],
      env: {},
    });
  });

  it('experimental-prometheus-rw: the URL from K6_PROMETHEUS_RW_SERVER_URL, or the local default', () => {
    const url = 'http://prom:9090/api/v1/write';
    expect(
      parseOut('experimental-prometheus-rw', { K6_PROMETHEUS_RW_SERVER_URL: url }).k6(ctx),
    ).toEqual({
      args: ['--out', 'experimental-prometheus-rw'],
      env: {
        K6_PROMETHEUS_RW_SERVER_URL: url,
        K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),min,max,avg',
      },
    });
    expect(parseOut('experimental-prometheus-rw', {}).k6(ctx).env.K6_PROMETHEUS_RW_SERVER_URL).toBe(
      'http://localhost:9090/api/v1/write',
    );
  });

  it.each(['influxdb=http://x', 'json', 'experimental-prometheus-rw=x'])(
    'refuses %s as bad input, naming what the built-in engine writes',
    (value) => {
      const error: unknown = (() => {
        try {
          return parseOut(value, {});
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).code).toBe(EXIT.badInput);
      expect((error as InputError).message).toBe(
        `output '${value}' is not supported by the built-in engine (it writes json=FILE and experimental-prometheus-rw)`,
      );
    },
  );

  it('runScript shorthands give real k6 the same argv as before', () => {
    const { args, env } = k6Command(
      {
        script: '/s.js',
        summaryExport: '/r/summary.json',
        outJson: '/r/metrics.ndjson',
        remoteWrite: { url: 'http://p/api/v1/write' },
        quiet: true,
      },
      '/work',
    );
    expect(args).toEqual([
      'run',
      '--summary-export',
      '/r/summary.json',
      '--out',
      'json=/r/metrics.ndjson',
      '--out',
      'experimental-prometheus-rw',
      '--quiet',
      '/s.js',
    ]);
    expect(env).toEqual({
      K6_PROMETHEUS_RW_SERVER_URL: 'http://p/api/v1/write',
      K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),min,max,avg',
    });
  });
});

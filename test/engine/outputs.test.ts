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

  it("experimental-prometheus-rw: k6's credential variables, read and written back the same way", () => {
    const env = {
      K6_PROMETHEUS_RW_SERVER_URL: 'https://prom.example/api/v1/write',
      K6_PROMETHEUS_RW_USERNAME: 'user',
      K6_PROMETHEUS_RW_PASSWORD: 'pass:word',
      K6_PROMETHEUS_RW_HEADERS_X_Scope_OrgID: 'tenant',
      K6_PROMETHEUS_RW_INSECURE_SKIP_TLS_VERIFY: 'true',
    };
    expect(parseOut('experimental-prometheus-rw', env).k6(ctx).env).toEqual({
      ...env,
      K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),min,max,avg',
    });
  });

  it("runScript's remote write target: URL user-info and a bearer token become k6's variables", () => {
    const { args, env } = k6Command({
      script: 's.js',
      remoteWrite: {
        url: 'https://u:p%40ss@prom.example/api/v1/write',
        bearerToken: 'tok',
        caFile: '/etc/ca.pem',
      },
    });
    expect(args).toContain('experimental-prometheus-rw');
    expect(env).toMatchObject({
      K6_PROMETHEUS_RW_SERVER_URL: 'https://prom.example/api/v1/write',
      K6_PROMETHEUS_RW_USERNAME: 'u',
      K6_PROMETHEUS_RW_PASSWORD: 'p@ss',
      K6_PROMETHEUS_RW_HEADERS_Authorization: 'Bearer tok',
      SSL_CERT_FILE: '/etc/ca.pem',
    });
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
        `output '${value}' is not supported by the built-in engine (it writes json=FILE, experimental-prometheus-rw and aggregates=FILE)`,
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

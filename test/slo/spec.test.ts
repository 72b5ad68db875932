import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertThreshold } from '../../slo/alert-threshold.ts';
import { loadSpec, MAX_SPEC_BYTES, parseSpec, specJsonSchema } from '../../slo/spec.ts';
import { resolveWindow, stepFor } from '../../slo/window.ts';
import { ExitError } from '../../core/errors.ts';

const SLO = resolve(import.meta.dirname, '../../slo');

describe('the spec', () => {
  it('slo/spec.schema.json is the schema generated from the zod spec (regenerate: loadgate slo schema --write slo/spec.schema.json)', async () => {
    const committed = JSON.parse(await readFile(join(SLO, 'spec.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(specJsonSchema())));
  });

  it.each(['platform.yaml', 'local.yaml'])(
    'ships a valid %s with every objective kind',
    async (file) => {
      const spec = parseSpec(await readFile(join(SLO, file), 'utf8'), file);
      expect(new Set(spec.objectives.map((o) => o.kind))).toEqual(
        new Set([
          'latency',
          'error-ratio',
          'promql',
          'client',
          'hpa',
          'hpa-drift',
          'alert-rule',
          'alert-state',
          'queue-drain',
          'baseline',
          'runners-reported',
        ]),
      );
    },
  );

  it('platform.yaml and local.yaml judge the same objectives', async () => {
    // The cluster's documented services that the journeys never reach have
    // no local pool: only platform.yaml checks their configuration.
    const clusterOnly = new Set(['hpa-config-other-services']);
    const names = async (file: string) =>
      parseSpec(await readFile(join(SLO, file), 'utf8'))
        .objectives.filter((o) => !clusterOnly.has(o.name))
        .map((o) => JSON.stringify(o));
    expect(await names('local.yaml')).toEqual(await names('platform.yaml'));
  });

  it('reports every error at once, with its path and YAML line', () => {
    const text = [
      'apiVersion: loadgate/v1',
      'kind: SLO',
      'metadata: { name: broken }',
      'objectives:',
      '  - { name: a, kind: latency, bound: 1 }',
      '  - { name: a, kind: error-ratio, bound: 0.05 }',
      '  - name: c',
      '    kind: promql',
      '    query: up',
      '    bound: "1s"',
      '  - { name: d, kind: hpa, check: pinned, hpa: x }',
      '  - { name: e, kind: latency, bound: 1, warning: 2 }',
    ].join('\n');
    let error: unknown;
    try {
      parseSpec(text, 'broken.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExitError);
    expect((error as ExitError).code).toBe(2);
    const lines = (error as ExitError).message.split('\n');
    expect(lines[0]).toBe('broken.yaml is not a valid SLO spec (4 errors):');
    expect(lines).toContain(
      '✖ Invalid input: expected number, received string → at objectives[2].bound (line 10)',
    );
    expect(lines.some((l) => l.includes('→ at objectives[3].check (line 11)'))).toBe(true);
    expect(lines).toContain(
      "✖ duplicate objective name 'a' (first at objectives[0]) → at objectives[1].name (line 6)",
    );
    expect(
      lines.some(
        (l) => l.startsWith('✖ warning 2 must be on the passing side') && l.endsWith('(line 12)'),
      ),
    ).toBe(true);
  });

  it('names the line of a YAML syntax error', () => {
    expect(() => parseSpec('apiVersion: loadgate/v1\nobjectives: [\n', 'x.yaml')).toThrow(
      /not valid YAML[\s\S]*line/,
    );
  });
});

describe('hostile or broken spec files', () => {
  const refused = (text: string) => {
    try {
      parseSpec(text, 'spec.yaml');
    } catch (error) {
      return error as ExitError;
    }
    throw new Error('parsed');
  };

  it.each([
    ['an empty file', '', /the document is empty/],
    ['a lone ~', '~\n', /the document is empty/],
    ['a list', '- objectives\n', /expected a mapping/],
  ])('refuses %s with exit 2 and one line, not a crash', (_what, text, message) => {
    const error = refused(text);
    expect(error).toBeInstanceOf(ExitError);
    expect(error.code).toBe(2);
    expect(error.message).toMatch(message);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('refuses an alias bomb with exit 2 before expanding it', () => {
    const level = (n: number) =>
      n === 0
        ? 'a0: &a0 [x, x, x, x, x, x, x, x, x]'
        : `a${n}: &a${n} [${Array(9)
            .fill(`*a${n - 1}`)
            .join(', ')}]`;
    const bomb = Array.from({ length: 8 }, (_, n) => level(n)).join('\n') + '\n';
    const error = refused(bomb);
    expect(error.code).toBe(2);
    expect(error.message).toMatch(/not a usable YAML document: .*alias/);
  });

  it(`refuses a file over ${MAX_SPEC_BYTES / 1024 / 1024} MiB without reading it`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadgate-spec-'));
    try {
      const file = join(dir, 'huge.yaml');
      await writeFile(file, '#'.repeat(MAX_SPEC_BYTES + 1));
      await expect(loadSpec(file)).rejects.toMatchObject({
        code: 2,
        message: expect.stringMatching(/limited to 1 MiB/),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('alert thresholds, read from the PromQL syntax tree', () => {
  it.each([
    ['rate(http_requests_total{status=~"5.."}[5m]) > 0.05', '>', 0.05],
    ['histogram_quantile(0.95, sum by (le) (rate(x_bucket{le="0.5"}[5m]))) > 1', '>', 1],
    ['sum(rate(a[5m])) / sum(rate(b[5m])) > bool 5e-2', '>', 0.05],
    ['1000 < max by (queue) (rabbitmq_queue_messages_ready)', '>', 1000],
    ['(up == 0) and on (job) (x > 3)', '==', 0],
    ['increase(restarts_total[15m]) >= (2)', '>=', 2],
    ['x > -1', '>', -1],
  ])('%s → %s %s', (expr, comparison, value) => {
    expect(alertThreshold(expr)).toEqual({ comparison, value });
  });

  it('has no threshold without a comparison to a number, and rejects what does not parse', () => {
    expect(alertThreshold('a > on (x) group_left b')).toBeUndefined();
    expect(() => alertThreshold('sum(rate(x[5m])')).toThrow(/cannot parse/);
  });
});

describe('the window', () => {
  const run = {
    id: 'r1',
    profile: 'smoke',
    target: 'http://127.0.0.1:8100',
    engine: 'builtin' as const,
    scripts: ['browse'],
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: '2024-01-01T00:10:00.000Z',
    exitCode: 0,
    interrupted: false,
  };

  it("is the run's start plus the warm-up to its end", () => {
    expect(resolveWindow({ run, warmup: '1m' })).toEqual({
      loadStart: new Date('2024-01-01T00:00:00Z'),
      start: new Date('2024-01-01T00:01:00Z'),
      end: new Date('2024-01-01T00:10:00Z'),
    });
  });

  it('--last ends now; an end before the start is bad input', () => {
    const now = new Date('2024-01-01T12:00:00Z');
    expect(resolveWindow({ last: '15m', warmup: '0s', now }).start).toEqual(
      new Date('2024-01-01T11:45:00Z'),
    );
    const backwards = { ...run, endedAt: '2023-12-31T23:59:00.000Z' };
    expect(() => resolveWindow({ run: backwards, warmup: '0s' })).toThrow(/empty window/);
  });

  it('shrinks a warm-up that would swallow most of a short run, and says so', () => {
    const window = resolveWindow({ run, warmup: '6m' });
    expect(window.start).toEqual(new Date('2024-01-01T00:02:30Z'));
    expect(window.note).toMatch(/warm-up 6m is longer than half the 10m window: skipping 2m30s/);
  });

  it('keeps range queries under 11,000 points and short windows over one point', () => {
    const start = new Date('2024-01-01T00:00:00Z');
    const week = new Date(start.getTime() + 7 * 86_400_000);
    const step = stepFor(start, week, 5);
    expect((7 * 86_400) / step).toBeLessThan(11_000);
    expect(stepFor(start, new Date(start.getTime() + 10_000), 15)).toBe(1);
    expect(stepFor(start, new Date(start.getTime() + 3_600_000), 5)).toBe(5);
  });
});

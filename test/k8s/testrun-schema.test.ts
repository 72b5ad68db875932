// The TestRun schema refuses what the k6-operator would ignore or choke on,
// and accepts what the templates render.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { K8S } from '../../infra/k8s/paths.ts';
import { parseTestRun, TestRun, TestRunStatus, TESTRUN_STAGES } from '../../infra/k8s/testrun.ts';

const committed = parse(
  readFileSync(join(K8S, 'overlays/production/generated/testrun-capacity.yaml'), 'utf8'),
) as Record<string, unknown>;
const spec = committed.spec as Record<string, unknown>;
const withSpec = (patch: Record<string, unknown>) => ({
  ...committed,
  spec: { ...spec, ...patch },
});
const messages = (value: unknown) => {
  try {
    parseTestRun(value, 'it');
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('TestRun schema', () => {
  it('accepts the committed production capacity TestRun', () => {
    expect(TestRun.parse(committed).spec.parallelism).toBe(4);
  });

  it('refuses a misspelt field instead of letting the operator ignore it', () => {
    expect(messages(withSpec({ paralelism: 2 }))).toMatch(
      /Unrecognized key: "paralelism" → at spec/,
    );
  });

  it('wants exactly one script source', () => {
    expect(messages(withSpec({ script: {} }))).toMatch(/exactly one of configMap/);
    expect(
      messages(withSpec({ script: { configMap: { name: 'a' }, localFile: '/test/a.js' } })),
    ).toMatch(/exactly one of configMap/);
  });

  it('checks nested Kubernetes types with kubernetes-models', () => {
    const runner = { ...(spec.runner as object), securityContext: { runAsNonRoot: 'yes' } };
    expect(messages(withSpec({ runner }))).toMatch(
      /runAsNonRoot must be boolean → at spec\.runner\.securityContext/,
    );
  });

  it('refuses parallelism 0, cleanup other than post, and a name too long for its pods', () => {
    const text = messages({
      ...withSpec({ parallelism: 0, cleanup: 'always' }),
      metadata: { name: 'x'.repeat(52) },
    });
    expect(text).toMatch(/→ at spec\.parallelism/);
    expect(text).toMatch(/→ at spec\.cleanup/);
    expect(text).toMatch(/at most 51 characters/);
  });

  it('reads the documented stages, and refuses another', () => {
    expect(TESTRUN_STAGES).toEqual([
      'initialization',
      'initialized',
      'created',
      'started',
      'stopped',
      'finished',
      'error',
    ]);
    expect(TestRunStatus.parse({ stage: 'finished', extra: 1 }).stage).toBe('finished');
    expect(TestRunStatus.safeParse({ stage: 'done' }).success).toBe(false);
  });
});

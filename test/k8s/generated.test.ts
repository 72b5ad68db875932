// infra/k8s's generated files are what their sources make now (the check CI
// runs), and the PrometheusRule is the local Prometheus's rule files, which
// promtool accepts once extracted from it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { staleFiles } from '../../infra/k8s/generate.ts';
import { K8S, RULES_DIR } from '../../infra/k8s/paths.ts';
import { ruleFiles, ruleGroups } from '../../infra/k8s/rules.ts';
import { problemsOf } from '../../infra/k8s/validate.ts';
import { KUBECTL, NO_KUBECTL } from './helpers.ts';

const run = promisify(execFile);
const promtool = process.env.PROMTOOL_BIN ?? 'promtool';
const committedRule = parse(readFileSync(join(K8S, 'base/generated/prometheus-rule.yaml'), 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'loadgate-k8s-rules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('generated files', () => {
  it.skipIf(!KUBECTL)(
    `are up to date with their sources${KUBECTL ? '' : ` (skipped: ${NO_KUBECTL})`}`,
    async () => {
      expect(await staleFiles()).toEqual([]);
    },
  );
});

describe('PrometheusRule', () => {
  it('holds exactly the rule groups of infra/prometheus/rules/*.yml', () => {
    const files = ruleFiles(RULES_DIR);
    expect(files.length).toBeGreaterThan(1);
    expect(committedRule.spec.groups).toEqual(ruleGroups(files));
    expect(committedRule.spec.groups.map((g: { name: string }) => g.name)).toEqual([
      'e-commerce-platform',
      'e-commerce-slo',
    ]);
  });

  it('is picked up by kube-prometheus-stack and valid for the prometheus-operator models', () => {
    expect(committedRule.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(problemsOf(committedRule)).toEqual([]);
    // The model can fail: a rule without expr is refused.
    const broken = structuredClone(committedRule);
    delete broken.spec.groups[0].rules[0].expr;
    expect(problemsOf(broken).join('\n')).toMatch(/expr/);
  });

  it('passes promtool check rules once extracted from the PrometheusRule', async () => {
    const file = join(scratch, 'from-prometheus-rule.yml');
    writeFileSync(file, stringify({ groups: committedRule.spec.groups }));
    const { stdout } = await run(promtool, ['check', 'rules', file]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});

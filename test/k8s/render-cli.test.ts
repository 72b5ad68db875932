// `loadgate k8s render`, run as a user runs it: YAML a kubectl create -f -
// takes, valid against the schemas, and exit 2 on bad flags.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { EXIT } from '../../core/errors.ts';
import { ROOT } from '../../infra/k8s/paths.ts';
import { TestRun } from '../../infra/k8s/testrun.ts';
import { problemsOf } from '../../infra/k8s/validate.ts';
import type { K8sObject } from '../../infra/k8s/kustomize.ts';
import { KUBECTL, NO_KUBECTL } from './helpers.ts';

const run = promisify(execFile);
const loadgate = (...args: string[]) =>
  run(process.execPath, [join(ROOT, 'bin/loadgate.mjs'), 'k8s', ...args]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe.skipIf(!KUBECTL)(
  `loadgate k8s render${KUBECTL ? '' : ` (skipped: ${NO_KUBECTL})`}`,
  () => {
    it('prints a production capacity TestRun and its script ConfigMap, with the flags applied', async () => {
      const r = await loadgate(
        'render',
        '--profile',
        'capacity',
        '--overlay',
        'production',
        '--parallelism',
        '6',
        '--target',
        'http://gw.example:8080/',
      );
      expect(r.code).toBe(EXIT.ok);
      const [testRun, configMap] = parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
      const tr = TestRun.parse(testRun);
      expect(tr.metadata.name).toMatch(/^loadgate-capacity-\d{8}-\d{6}$/);
      expect(tr.metadata.namespace).toBe('e-commerce-prod');
      expect(tr.spec.parallelism).toBe(6);
      expect(tr.spec.separate).toBe(true);
      expect(tr.spec.runner!.env!.find((e) => e.name === 'BASE_URL')).toEqual({
        name: 'BASE_URL',
        value: 'http://gw.example:8080',
      });
      expect(tr.spec.runner!.env!.find((e) => e.name === 'PROFILE')?.value).toBe('capacity');
      expect(configMap!.metadata).toEqual({
        name: `${tr.metadata.name}-script`,
        namespace: 'e-commerce-prod',
      });
      expect(tr.spec.script.configMap?.name).toBe(configMap!.metadata.name);
      expect(problemsOf(configMap!)).toEqual([]);
    });

    it('without an overlay: no namespace, one runner, the gateway from the namespace settings', async () => {
      const r = await loadgate('render', '--profile', 'smoke');
      const tr = TestRun.parse(parseAllDocuments(r.stdout)[0]!.toJS());
      expect(tr.metadata.namespace).toBeUndefined();
      expect(tr.spec.parallelism).toBe(1);
      expect(tr.spec.runner!.env!.find((e) => e.name === 'BASE_URL')?.valueFrom).toEqual({
        configMapKeyRef: { name: 'loadgate-settings', key: 'GATEWAY_URL' },
      });
    });

    it.each([
      [['render'], /--profile is required/],
      [['render', '--profile', 'warp'], /--profile 'warp' is not one of smoke/],
      [['render', '--profile', 'smoke', '--parallelism', '0'], /at least 1/],
      [
        ['render', '--profile', 'smoke', '--target', 'gw:80'],
        /--target 'gw:80' is not an http\(s\) URL/,
      ],
      [
        ['render', '--profile', 'smoke', '--overlay', 'qa'],
        /--overlay 'qa' is not an overlay .*development, production, staging/,
      ],
      [['render', '--profile', 'smoke', '--bogus'], /unknown option '--bogus'/],
      [['deploy'], /unknown k8s command 'deploy'/],
    ])('%j is bad input (exit 2, nothing printed)', async (args, message) => {
      const r = await loadgate(...args);
      expect(r.code).toBe(EXIT.badInput);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  },
);

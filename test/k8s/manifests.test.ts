// Every overlay as `kubectl kustomize` renders it: each object valid against
// its schema, and the properties a user relies on (namespaces, parallelism,
// the script ConfigMap's size, restricted pods, least-privilege RBAC, the
// ArgoCD hook, the network boundary).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { K8sObject } from '../../infra/k8s/kustomize.ts';
import { CONFIGMAP_MAX_BYTES, configMapBytes } from '../../infra/k8s/one-off.ts';
import { overlayNamespace, SCRIPT } from '../../infra/k8s/paths.ts';
import { TestRun } from '../../infra/k8s/testrun.ts';
import { describeObject, problemsOf } from '../../infra/k8s/validate.ts';
import { KUBECTL, NO_KUBECTL, OVERLAYS, ofKind, one, renderAll, type Rendered } from './helpers.ts';

// Rendered YAML, read as the tests walk it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

const NAMESPACES = {
  development: 'e-commerce-dev',
  staging: 'e-commerce-staging',
  production: 'e-commerce-prod',
};

type Pod = {
  securityContext?: Record<string, unknown>;
  containers: { name: string; securityContext?: Record<string, unknown> }[];
};
const podOf = (o: K8sObject): Pod => {
  const spec = o.spec as Loose;
  return o.kind === 'CronJob' ? spec.jobTemplate.spec.template.spec : spec.template.spec;
};
const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

describe.skipIf(!KUBECTL)(
  `overlays rendered by kubectl kustomize${KUBECTL ? '' : ` (skipped: ${NO_KUBECTL})`}`,
  () => {
    let rendered: Map<string, Rendered>;
    beforeAll(async () => {
      rendered = await renderAll();
    });
    const get = (overlay: string) => rendered.get(overlay)!;

    it('has the three environments', () => {
      expect(OVERLAYS).toEqual(['development', 'production', 'staging']);
    });

    it.each(OVERLAYS)('%s: every object is valid against its schema', (overlay) => {
      const { synced, testRuns } = get(overlay);
      const problems = [...synced, ...testRuns].flatMap((o) =>
        problemsOf(o).map((p) => `${describeObject(o)}: ${p}`),
      );
      expect(problems).toEqual([]);
      expect(new Set(synced.map((o) => o.kind))).toEqual(
        new Set([
          'ConfigMap',
          'CronJob',
          'Job',
          'NetworkPolicy',
          'PrometheusRule',
          'Role',
          'RoleBinding',
          'ServiceAccount',
        ]),
      );
      expect(testRuns.map((o) => o.metadata.name).sort()).toEqual(
        ['capacity', 'smoke', 'soak', 'spike', 'stress'].map((p) => `loadgate-${p}`),
      );
    });

    it.each(OVERLAYS)('%s: everything lands in its own namespace', (overlay) => {
      const ns = NAMESPACES[overlay as keyof typeof NAMESPACES];
      expect(overlayNamespace(overlay)).toBe(ns);
      const { synced, testRuns } = get(overlay);
      expect(
        [...synced, ...testRuns].filter((o) => o.metadata.namespace !== ns).map(describeObject),
      ).toEqual([]);
      const settings = one(synced, 'ConfigMap', 'loadgate-settings').data as Record<string, string>;
      expect(settings.GATEWAY_URL).toBe(`http://api-gateway.${ns}.svc.cluster.local:8080`);
      expect(settings.PROMETHEUS_RW_URL).toMatch(
        /^http:\/\/[a-z-]+\.monitoring\.svc\.cluster\.local:9090\/api\/v1\/write$/,
      );
      // The SLO spec judges the overlay's namespace, not production's.
      const slo = parse(
        (one(synced, 'ConfigMap', 'loadgate-slo').data as Record<string, string>)['slo.yaml']!,
      );
      expect(slo.vars.namespace).toBe(ns);
    });

    it('production spreads capacity over several runners on distinct nodes; development runs one', () => {
      const capacity = (overlay: string) =>
        TestRun.parse(one(get(overlay).testRuns, 'TestRun', 'loadgate-capacity'));
      expect(capacity('production').spec.parallelism).toBeGreaterThan(1);
      expect(capacity('production').spec.separate).toBe(true);
      expect(capacity('development').spec.parallelism).toBe(1);
      expect(
        TestRun.parse(one(get('production').testRuns, 'TestRun', 'loadgate-smoke')).spec
          .parallelism,
      ).toBe(1);
    });

    it.each(OVERLAYS)(
      '%s: every TestRun runs mix.js with its profile, remote write and the restricted context',
      (overlay) => {
        for (const object of get(overlay).testRuns) {
          const { spec, metadata } = TestRun.parse(object);
          const profile = metadata.name.replace('loadgate-', '');
          expect(spec.script).toEqual({
            configMap: { name: 'loadgate-k6-scripts', file: 'mix.js' },
          });
          expect(spec.cleanup).toBe('post');
          expect(spec.arguments).toMatch(
            /^-o experimental-prometheus-rw --tag testid=\$\(RUN_ID\) --tag instance=\$\(POD_NAME\) /,
          );
          for (const pod of [spec.runner!, spec.initializer!]) {
            const env = Object.fromEntries(pod.env!.map((e) => [e.name, e.value ?? e.valueFrom]));
            expect(Object.keys(env).sort()).toEqual([
              'BASE_URL',
              'K6_PROMETHEUS_RW_SERVER_URL',
              'K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM',
              'POD_NAME',
              'PROFILE',
              'RUN_ID',
            ]);
            // Each runner its own instance label: the pod's name.
            expect(env.POD_NAME).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
            expect(env.PROFILE).toBe(profile);
            expect(env.K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM).toBe('true');
            expect(pod.resources?.limits).toBeDefined();
          }
          for (const pod of [spec.runner!, spec.initializer!, spec.starter!]) {
            expect(pod.securityContext).toMatchObject({
              runAsNonRoot: true,
              seccompProfile: { type: 'RuntimeDefault' },
            });
            expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
            expect(pod.containerSecurityContext).toEqual(RESTRICTED_CONTAINER);
          }
        }
      },
    );

    it.each(OVERLAYS)(
      '%s: the script ConfigMap is mix.js and far below the 1 MiB ConfigMap limit',
      (overlay) => {
        const scripts = one(
          get(overlay).synced,
          'ConfigMap',
          'loadgate-k6-scripts',
        ) as K8sObject & {
          data: Record<string, string>;
        };
        expect(scripts.metadata.name).toBe('loadgate-k6-scripts'); // no hash suffix: TestRuns name it
        expect(scripts.data['mix.js']).toBe(readFileSync(SCRIPT, 'utf8'));
        const bytes = configMapBytes(scripts);
        expect(bytes).toBeGreaterThan(readFileSync(SCRIPT).length);
        expect(bytes).toBeLessThan(CONFIGMAP_MAX_BYTES);
      },
    );

    it.each(OVERLAYS)(
      '%s: every pod template is restricted (non-root, seccomp, no escalation, read-only, no capabilities)',
      (overlay) => {
        const workloads = [
          ...ofKind(get(overlay).synced, 'CronJob'),
          ...ofKind(get(overlay).synced, 'Job'),
        ];
        expect(workloads).toHaveLength(2);
        for (const w of workloads) {
          const pod = podOf(w);
          expect(pod.securityContext, describeObject(w)).toMatchObject({
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          });
          for (const c of pod.containers)
            expect(c.securityContext, `${describeObject(w)} ${c.name}`).toEqual(
              RESTRICTED_CONTAINER,
            );
        }
      },
    );

    it.each(OVERLAYS)(
      '%s: the Role grants exactly what loadgate k8s run needs, to its own account',
      (overlay) => {
        const { synced } = get(overlay);
        const role = one(synced, 'Role', 'loadgate-runner') as K8sObject & { rules: unknown[] };
        expect(role.rules).toEqual([
          {
            apiGroups: ['k6.io'],
            resources: ['testruns'],
            verbs: ['create', 'get', 'list', 'watch', 'delete'],
          },
          { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] },
        ]);
        expect(ofKind(synced, 'Role')).toHaveLength(1);
        expect(synced.filter((o) => /ClusterRole/.test(o.kind))).toEqual([]);
        const binding = one(synced, 'RoleBinding', 'loadgate-runner') as K8sObject &
          Record<string, unknown>;
        expect(binding.roleRef).toEqual({
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'loadgate-runner',
        });
        expect(binding.subjects).toEqual([
          {
            kind: 'ServiceAccount',
            name: 'loadgate-runner',
            namespace: NAMESPACES[overlay as keyof typeof NAMESPACES],
          },
        ]);
        expect(
          (podOf(one(synced, 'CronJob', 'loadgate-capacity')) as unknown as Record<string, unknown>)
            .serviceAccountName,
        ).toBe('loadgate-runner');
        expect(
          (
            podOf(one(synced, 'Job', 'loadgate-postsync-smoke')) as unknown as Record<
              string,
              unknown
            >
          ).automountServiceAccountToken,
        ).toBe(false);
      },
    );

    it.each(OVERLAYS)(
      '%s: the CronJob runs loadgate k8s run on the mounted capacity TestRun and SLO spec, one at a time',
      (overlay) => {
        const { synced, testRuns } = get(overlay);
        const cron = one(synced, 'CronJob', 'loadgate-capacity') as K8sObject & {
          spec: Loose;
        };
        expect(cron.spec.concurrencyPolicy).toBe('Forbid');
        expect(cron.spec.successfulJobsHistoryLimit).toBeGreaterThan(0);
        expect(cron.spec.failedJobsHistoryLimit).toBeGreaterThan(0);
        expect(cron.spec.suspend ?? false).toBe(overlay === 'development');
        const pod = podOf(cron) as Pod & { volumes: Loose[] };
        expect((pod.containers[0] as unknown as { args: string[] }).args).toEqual([
          'k8s',
          'run',
          '--manifest',
          '/etc/loadgate/testrun.yaml',
          '--spec',
          '/etc/loadgate/slo.yaml',
          '--prometheus',
          '$(PROMETHEUS_URL)',
          '--pushgateway',
          '$(PUSHGATEWAY_URL)',
          '--deadline',
          '30m',
        ]);
        // The mounted manifest is the capacity TestRun this overlay renders, byte for byte in meaning.
        const sources = pod.volumes.find((v) => v.name === 'loadgate')!.projected.sources;
        const testrunMap = one(synced, 'ConfigMap', sources[0].configMap.name) as K8sObject & {
          data: Record<string, string>;
        };
        expect(parse(testrunMap.data['testrun.yaml']!)).toEqual(
          one(testRuns, 'TestRun', 'loadgate-capacity'),
        );
        expect(sources[1].configMap.name).toBe(
          one(synced, 'ConfigMap', 'loadgate-slo').metadata.name,
        );
      },
    );

    it.each(OVERLAYS)(
      '%s: the PostSync hook gates the sync: hook annotations, no retry, a deadline',
      (overlay) => {
        const hook = one(get(overlay).synced, 'Job', 'loadgate-postsync-smoke') as K8sObject & {
          spec: Loose;
        };
        expect(hook.metadata.annotations).toEqual({
          'argocd.argoproj.io/hook': 'PostSync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
        });
        expect(hook.spec.backoffLimit).toBe(0);
        expect(hook.spec.activeDeadlineSeconds).toBeGreaterThan(0);
        expect(hook.spec.template.spec.containers[0].args).toEqual([
          'run',
          'smoke',
          '--target',
          '$(GATEWAY_URL)',
          '--prometheus',
          '$(PROMETHEUS_URL)',
          '--slo',
          '/etc/loadgate/slo.yaml',
          '--results',
          '/tmp/results',
        ]);
      },
    );

    it.each(OVERLAYS)(
      '%s: load pods reach only DNS, the gateway, Prometheus, the Pushgateway (and the runners, the API server for the CronJob)',
      (overlay) => {
        const policies = ofKind(get(overlay).synced, 'NetworkPolicy') as (K8sObject & {
          spec: Loose;
        })[];
        const ports = (name: string) =>
          policies
            .find((p) => p.metadata.name === name)!
            .spec.egress.flatMap((rule: { ports: { port: number }[] }) =>
              rule.ports.map((p) => p.port),
            )
            .sort((a: number, b: number) => a - b);
        expect(ports('loadgate-k6-pods')).toEqual([53, 53, 6565, 8080, 9090]);
        expect(ports('loadgate-jobs')).toEqual([53, 53, 8080, 9090, 9091]);
        expect(ports('loadgate-scheduled-run-apiserver')).toEqual([443, 6443]);
        for (const p of policies) expect(p.spec.policyTypes).toContain('Egress');
        const k6 = policies.find((p) => p.metadata.name === 'loadgate-k6-pods')!;
        expect(k6.spec.podSelector).toEqual({ matchLabels: { app: 'k6' } });
        // Every egress rule but the API server's names its destination.
        for (const p of policies.filter(
          (p) => p.metadata.name !== 'loadgate-scheduled-run-apiserver',
        ))
          for (const rule of p.spec.egress)
            expect(rule.to?.length, p.metadata.name).toBeGreaterThan(0);
      },
    );
  },
);

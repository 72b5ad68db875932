// Every object the manifests render, checked against its schema before anyone
// applies it: built-in kinds with kubernetes-models (the Kubernetes OpenAPI
// schemas), PrometheusRule with @kubernetes-models/prometheus-operator, and
// TestRun with our zod schema of the k6-operator CRD. A kind we have no
// schema for is a problem too: it would go to the cluster unchecked.
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { InputError } from '../../core/errors.ts';
import { formatZodIssues } from '../../core/zod-issues.ts';
import type { K8sObject } from './kustomize.ts';
import { TestRun } from './testrun.ts';

type Model = new (data: never) => { validate(): void };

/** apiVersion/kind → the model that validates it. */
const MODELS: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/ServiceAccount': ServiceAccount,
  'batch/v1/CronJob': CronJob,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** The kinds this module can check, as `apiVersion/kind`. */
export const VALIDATED_KINDS = [...Object.keys(MODELS), 'k6.io/v1alpha1/TestRun'];

export const describeObject = (o: K8sObject) => `${o.kind}/${o.metadata?.name ?? '?'}`;

/** The problems of one object, each a line; empty when it is valid. */
export function problemsOf(object: K8sObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  if (key === 'k6.io/v1alpha1/TestRun') {
    const result = TestRun.safeParse(object);
    return result.success ? [] : formatZodIssues(result.error.issues).split('\n');
  }
  const Model = MODELS[key];
  if (!Model) return [`no schema for ${key}: loadgate renders only ${VALIDATED_KINDS.join(', ')}`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/** Throws one InputError naming every invalid object and its problems. */
export function validateObjects(objects: readonly K8sObject[], where: string): void {
  const problems = objects.flatMap((o) => problemsOf(o).map((p) => `${describeObject(o)}: ${p}`));
  if (problems.length > 0)
    throw new InputError(
      `${where} renders invalid objects:\n${problems.map((p) => `✖ ${p}`).join('\n')}`,
    );
}

import { AggregatorRegistry } from 'prom-client';
import type { Autoscaler } from './autoscaler.ts';
import type { ConditionStatus } from './hpa.ts';
import { NAMESPACE, type Pod, type PodPool } from './pods.ts';
import { hpaName } from './services.ts';
import { readProcStats } from './proc.ts';

// The series a cluster's Prometheus would scrape besides the gateway itself:
// kube-state-metrics v2 (HPA and pod containers) and cAdvisor (container CPU
// and memory), with their names and label sets, so the platform's alert
// rules and the SLO checker read the same queries locally as in a cluster.

export interface KubeMetricsOptions {
  /** kube_pod_container_resource_limits{resource="memory"} of every pod. */
  memoryLimitBytes: number;
}

type Labels = Record<string, string>;
type Sample = [Labels, number];

const CONDITIONS = ['AbleToScale', 'ScalingActive', 'ScalingLimited'] as const;
const STATUSES: ConditionStatus[] = ['true', 'false', 'unknown'];

/** One deployment of the platform: its pods and its HPA. */
export interface Deployment {
  pool: PodPool;
  autoscaler: Autoscaler;
}

export async function renderKubeMetrics(
  deployments: readonly Deployment[],
  options: KubeMetricsOptions,
): Promise<string> {
  const hpas = deployments.map(({ pool, autoscaler }) => {
    const spec = autoscaler.spec;
    const labels = { namespace: NAMESPACE, horizontalpodautoscaler: hpaName(pool.deployment) };
    const target = (metric: 'cpu' | 'memory') => ({
      ...labels,
      metric_name: metric,
      metric_target_type: 'utilization',
    });
    const current = pool.pods.length;
    const last = autoscaler.lastDecision;
    return {
      pool,
      autoscaler,
      spec,
      labels,
      target,
      current,
      desired: last?.desired ?? current,
      last,
    };
  });

  const out: string[] = [];
  family(
    out,
    'kube_horizontalpodautoscaler_info',
    'gauge',
    'Information about this autoscaler.',
    hpas.map((h) => [
      {
        ...h.labels,
        scaletargetref_api_version: 'apps/v1',
        scaletargetref_kind: 'Deployment',
        scaletargetref_name: h.pool.deployment,
      },
      1,
    ]),
  );
  family(
    out,
    'kube_horizontalpodautoscaler_spec_min_replicas',
    'gauge',
    'Lower limit for the number of pods that can be set by the autoscaler, default 1.',
    hpas.map((h) => [h.labels, h.spec.minReplicas]),
  );
  family(
    out,
    'kube_horizontalpodautoscaler_spec_max_replicas',
    'gauge',
    'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.',
    hpas.map((h) => [h.labels, h.spec.maxReplicas]),
  );
  family(
    out,
    'kube_horizontalpodautoscaler_spec_target_metric',
    'gauge',
    'The metric specifications used by this autoscaler when calculating the desired replica count.',
    hpas.flatMap((h): Sample[] => [
      [h.target('cpu'), h.spec.targetUtilisation],
      ...(h.spec.memoryTargetUtilisation === undefined
        ? []
        : [[h.target('memory'), h.spec.memoryTargetUtilisation] as Sample]),
    ]),
  );
  family(
    out,
    'kube_horizontalpodautoscaler_status_target_metric',
    'gauge',
    'The current metric status used by this autoscaler when calculating the desired replica count.',
    hpas.flatMap((h): Sample[] => [
      ...(h.last?.utilisation === undefined
        ? []
        : [[h.target('cpu'), h.last.utilisation] as Sample]),
      ...(h.last?.memoryUtilisation === undefined
        ? []
        : [[h.target('memory'), h.last.memoryUtilisation] as Sample]),
    ]),
  );
  family(
    out,
    'kube_horizontalpodautoscaler_status_current_replicas',
    'gauge',
    'Current number of replicas of pods managed by this autoscaler.',
    hpas.map((h) => [h.labels, h.current]),
  );
  family(
    out,
    'kube_horizontalpodautoscaler_status_desired_replicas',
    'gauge',
    'Desired number of replicas of pods managed by this autoscaler.',
    hpas.map((h) => [h.labels, h.desired]),
  );
  family(
    out,
    'kube_horizontalpodautoscaler_status_condition',
    'gauge',
    'The condition of this autoscaler.',
    hpas.flatMap((h) =>
      CONDITIONS.flatMap((condition) =>
        STATUSES.map((status): Sample => [
          { ...h.labels, condition, status },
          h.autoscaler.conditions[condition].status === status ? 1 : 0,
        ]),
      ),
    ),
  );
  const deployment = (pool: PodPool) => ({ namespace: NAMESPACE, deployment: pool.deployment });
  family(
    out,
    'kube_deployment_spec_replicas',
    'gauge',
    'Number of desired pods for a deployment.',
    hpas.map((h) => [deployment(h.pool), h.current]),
  );
  family(
    out,
    'kube_deployment_status_replicas_available',
    'gauge',
    'The number of available replicas per deployment.',
    hpas.map((h) => [
      deployment(h.pool),
      h.pool.pods.filter((p) => p.readyAt !== undefined).length,
    ]),
  );

  const pods = hpas.flatMap((h) => h.pool.pods.map((pod) => ({ pod, h })));
  const stats = await Promise.all(
    pods.map(({ pod }) =>
      pod.worker?.process.pid ? readProcStats(pod.worker.process.pid) : undefined,
    ),
  );
  const container = (pod: Pod, h: (typeof hpas)[number]) => ({
    namespace: NAMESPACE,
    pod: pod.name,
    container: h.pool.deployment,
  });
  family(
    out,
    'kube_pod_container_status_restarts_total',
    'counter',
    'The number of container restarts per container.',
    pods.map(({ pod, h }) => [container(pod, h), pod.restarts]),
  );
  family(
    out,
    'kube_pod_container_status_ready',
    'gauge',
    'Describes whether the containers readiness check succeeded.',
    pods.map(({ pod, h }) => [container(pod, h), pod.readyAt === undefined ? 0 : 1]),
  );
  family(
    out,
    'kube_pod_container_resource_requests',
    'gauge',
    'The number of requested request resource by a container.',
    pods.flatMap(({ pod, h }): Sample[] => [
      [{ ...container(pod, h), resource: 'cpu', unit: 'core' }, h.spec.cpuRequestCores],
      ...(h.spec.memoryRequestBytes === undefined
        ? []
        : [
            [
              { ...container(pod, h), resource: 'memory', unit: 'byte' },
              h.spec.memoryRequestBytes,
            ] as Sample,
          ]),
    ]),
  );
  family(
    out,
    'kube_pod_container_resource_limits',
    'gauge',
    'The number of requested limit resource by a container.',
    pods.map(({ pod, h }) => [
      { ...container(pod, h), resource: 'memory', unit: 'byte' },
      options.memoryLimitBytes,
    ]),
  );
  const measured = pods.flatMap((p, i) => (stats[i] ? [[p, stats[i]] as const] : []));
  family(
    out,
    'container_cpu_usage_seconds_total',
    'counter',
    'Cumulative cpu time consumed in seconds.',
    measured.map(([{ pod, h }, s]) => [container(pod, h), s.cpuSeconds]),
  );
  family(
    out,
    'container_memory_working_set_bytes',
    'gauge',
    'Current working set in bytes.',
    measured.map(([{ pod, h }, s]) => [container(pod, h), s.rssBytes]),
  );
  return out.join('');
}

/**
 * Every worker's own registry, merged the way a cluster's Prometheus sees
 * pods: each series gets `namespace` and `pod`, so counters of a deleted or
 * restarted pod end as their own series instead of making a summed counter
 * go backwards. Gauges declaring a non-sum aggregator (the shared queue,
 * `max`) describe one shared thing: they are merged without a `pod` label.
 */
export async function renderWorkerMetrics(pools: readonly PodPool[]): Promise<string> {
  const answers = (await Promise.all(pools.map((pool) => pool.workerMetrics()))).flat();
  const labelled = answers.map(({ pod, metrics }) =>
    metrics.flat().map((m) => {
      const shared = m.type === 'gauge' && m.aggregator !== undefined && m.aggregator !== 'sum';
      const extra = shared ? { namespace: NAMESPACE } : { namespace: NAMESPACE, pod: pod.name };
      return { ...m, values: m.values.map((v) => ({ ...v, labels: { ...v.labels, ...extra } })) };
    }),
  );
  return AggregatorRegistry.aggregate(labelled).metrics();
}

function family(out: string[], name: string, type: string, help: string, samples: Sample[]): void {
  out.push(`# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`);
  for (const [labels, value] of samples) out.push(`${name}{${formatLabels(labels)}} ${value}\n`);
}

function formatLabels(labels: Labels): string {
  return Object.entries(labels)
    .map(
      ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
    )
    .join(',');
}

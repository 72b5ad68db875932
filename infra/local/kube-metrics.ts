import { AggregatorRegistry } from 'prom-client';
import type { Autoscaler } from './autoscaler.ts';
import type { ConditionStatus } from './hpa.ts';
import { DEPLOYMENT, NAMESPACE, type PodPool } from './pods.ts';
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

export async function renderKubeMetrics(
  pool: PodPool,
  autoscaler: Autoscaler,
  options: KubeMetricsOptions,
): Promise<string> {
  const spec = autoscaler.spec;
  const hpa = { namespace: NAMESPACE, horizontalpodautoscaler: DEPLOYMENT };
  const cpuTarget = { ...hpa, metric_name: 'cpu', metric_target_type: 'utilization' };
  const current = pool.pods.length;
  const desired = autoscaler.lastDecision?.desired ?? current;
  const utilisation = autoscaler.lastDecision?.utilisation;

  const out: string[] = [];
  family(
    out,
    'kube_horizontalpodautoscaler_spec_min_replicas',
    'gauge',
    'Lower limit for the number of pods that can be set by the autoscaler, default 1.',
    [[hpa, spec.minReplicas]],
  );
  family(
    out,
    'kube_horizontalpodautoscaler_spec_max_replicas',
    'gauge',
    'Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.',
    [[hpa, spec.maxReplicas]],
  );
  family(
    out,
    'kube_horizontalpodautoscaler_spec_target_metric',
    'gauge',
    'The metric specifications used by this autoscaler when calculating the desired replica count.',
    [[cpuTarget, spec.targetUtilisation]],
  );
  family(
    out,
    'kube_horizontalpodautoscaler_status_target_metric',
    'gauge',
    'The current metric status used by this autoscaler when calculating the desired replica count.',
    utilisation === undefined ? [] : [[cpuTarget, utilisation]],
  );
  family(
    out,
    'kube_horizontalpodautoscaler_status_current_replicas',
    'gauge',
    'Current number of replicas of pods managed by this autoscaler.',
    [[hpa, current]],
  );
  family(
    out,
    'kube_horizontalpodautoscaler_status_desired_replicas',
    'gauge',
    'Desired number of replicas of pods managed by this autoscaler.',
    [[hpa, desired]],
  );
  const conditions = autoscaler.conditions;
  family(
    out,
    'kube_horizontalpodautoscaler_status_condition',
    'gauge',
    'The condition of this autoscaler.',
    CONDITIONS.flatMap((condition) =>
      STATUSES.map((status): Sample => [
        { ...hpa, condition, status },
        conditions[condition].status === status ? 1 : 0,
      ]),
    ),
  );

  const pods = pool.pods;
  const stats = await Promise.all(
    pods.map((p) => (p.worker?.process.pid ? readProcStats(p.worker.process.pid) : undefined)),
  );
  const container = (name: string) => ({ namespace: NAMESPACE, pod: name, container: DEPLOYMENT });
  family(
    out,
    'kube_pod_container_status_restarts_total',
    'counter',
    'The number of container restarts per container.',
    pods.map((p) => [container(p.name), p.restarts]),
  );
  family(
    out,
    'kube_pod_container_status_ready',
    'gauge',
    'Describes whether the containers readiness check succeeded.',
    pods.map((p) => [container(p.name), p.readyAt === undefined ? 0 : 1]),
  );
  family(
    out,
    'kube_pod_container_resource_requests',
    'gauge',
    'The number of requested request resource by a container.',
    pods.map((p) => [
      { ...container(p.name), resource: 'cpu', unit: 'core' },
      spec.cpuRequestCores,
    ]),
  );
  family(
    out,
    'kube_pod_container_resource_limits',
    'gauge',
    'The number of requested limit resource by a container.',
    pods.map((p) => [
      { ...container(p.name), resource: 'memory', unit: 'byte' },
      options.memoryLimitBytes,
    ]),
  );
  const measured = pods.flatMap((p, i) => (stats[i] ? [[p, stats[i]] as const] : []));
  family(
    out,
    'container_cpu_usage_seconds_total',
    'counter',
    'Cumulative cpu time consumed in seconds.',
    measured.map(([p, s]) => [container(p.name), s.cpuSeconds]),
  );
  family(
    out,
    'container_memory_working_set_bytes',
    'gauge',
    'Current working set in bytes.',
    measured.map(([p, s]) => [container(p.name), s.rssBytes]),
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
export async function renderWorkerMetrics(pool: PodPool): Promise<string> {
  const answers = await pool.workerMetrics();
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

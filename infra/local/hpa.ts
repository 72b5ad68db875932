// The Kubernetes HorizontalPodAutoscaler (autoscaling/v2, no `behavior` set)
// as pure functions, so the supervisor only measures and applies.
//
// It follows the controller's own code, kubernetes/pkg/controller/podautoscaler:
// - replica_calculator.go GetResourceReplicas: integer utilisation of the
//   ready pods' CPU (or memory) against their requests, 0.1 tolerance,
//   missing pods counted at 100 % on a scale-down and 0 % on a scale-up,
//   unready pods counted at 0 % on a scale-up (CPU only: for memory every
//   pod with a sample counts), no change when that flips the direction;
// - horizontal.go computeReplicasForMetrics: the largest proposal over the
//   metrics (CPU and memory), no scale-down while one metric is unknown;
// - horizontal.go normalizeDesiredReplicas: the scale-down stabilisation
//   window (highest recommendation seen within it), then
//   convertDesiredReplicasWithRules: min/max and the scale-up limit
//   max(2 × current, 4) per sync.

/** One pod as the controller sees it at a sync. */
export interface PodSample {
  name: string;
  /**
   * `ready`: serving, and its CPU sample window started after it became
   * ready (the controller's CPU initialisation rule); `unready`: starting,
   * or its sample still covers its start-up; `missing`: ready, no sample.
   */
  state: 'ready' | 'unready' | 'missing';
  /** Average CPU over the sample window, in cores (ignored unless ready). */
  cpuCores?: number;
  /** Working set (RSS) at the sync, bytes; undefined when it could not be read. */
  memoryBytes?: number;
}

export interface HpaSpec {
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU utilisation, percent of the request (70). */
  targetUtilisation: number;
  /** CPU request of one pod, in cores (0.25). */
  cpuRequestCores: number;
  /** Target average memory utilisation, percent of the request (80); undefined: CPU only. */
  memoryTargetUtilisation?: number;
  /** Memory request of one pod, bytes (needed with memoryTargetUtilisation). */
  memoryRequestBytes?: number;
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (300 s). */
  scaleDownStabilisationMs: number;
}

export type ConditionStatus = 'true' | 'false' | 'unknown';
export interface Condition {
  status: ConditionStatus;
  reason: string;
}
export interface Conditions {
  AbleToScale: Condition;
  ScalingActive: Condition;
  ScalingLimited: Condition;
}

/** A recommendation remembered for the stabilisation window. */
export interface Recommendation {
  at: number;
  replicas: number;
}

/** What the controller carries from one sync to the next. */
export interface HpaState {
  recommendations: Recommendation[];
  conditions: Conditions;
}

export interface Decision {
  at: number;
  /** Average CPU utilisation of the ready pods, percent of request; undefined without metrics. */
  utilisation: number | undefined;
  /** Average memory utilisation, percent of request; undefined when not a metric or unknown. */
  memoryUtilisation?: number;
  /** The metric whose proposal won (the largest), when one did. */
  metric?: ResourceName;
  current: number;
  desired: number;
  /** Human reason, as the controller would put in its event. */
  reason: string;
  conditions: Conditions;
}

export function initialHpaState(): HpaState {
  const unknown: Condition = { status: 'unknown', reason: '' };
  return {
    recommendations: [],
    conditions: { AbleToScale: unknown, ScalingActive: unknown, ScalingLimited: unknown },
  };
}

/** The controller's result for one metric: a replica count, or why there is none. */
export type MetricReplicas =
  | {
      replicas: number;
      utilisation: number;
      /** Why the rule itself keeps the current count, when it does. */
      kept?: 'within tolerance' | 'unready or missing pods would cancel or reverse the change';
    }
  | { error: string };

export type ResourceName = 'cpu' | 'memory';

/** A metric's answer that is a replica count. */
export type Proposal = Exclude<MetricReplicas, { error: string }>;

/** replica_calculator.go GetResourceReplicas, for CPU utilisation. */
export function replicasForCpu(
  pods: readonly PodSample[],
  currentReplicas: number,
  spec: Pick<HpaSpec, 'targetUtilisation' | 'cpuRequestCores' | 'tolerance'>,
): MetricReplicas {
  if (pods.length === 0)
    return { error: 'no pods returned by selector while calculating replica count' };
  // Kubernetes works in milli-cores and whole percents; so do we, so that
  // the tolerance edge behaves exactly the same.
  const ready = pods.filter((p) => p.state === 'ready');
  return resourceReplicas(
    ready.map((p) => Math.round((p.cpuCores ?? 0) * 1000)),
    pods.filter((p) => p.state === 'unready').length,
    pods.filter((p) => p.state === 'missing').length,
    currentReplicas,
    Math.round(spec.cpuRequestCores * 1000),
    spec.targetUtilisation,
    spec.tolerance,
  );
}

/**
 * replica_calculator.go GetResourceReplicas, for memory utilisation. The
 * readiness and start-up rules are CPU's only (groupPods): every pod with a
 * sample counts as ready, one without is missing.
 */
export function replicasForMemory(
  pods: readonly PodSample[],
  currentReplicas: number,
  spec: Pick<HpaSpec, 'memoryTargetUtilisation' | 'memoryRequestBytes' | 'tolerance'>,
): MetricReplicas {
  if (spec.memoryTargetUtilisation === undefined || spec.memoryRequestBytes === undefined)
    return { error: 'no memory target' };
  if (pods.length === 0)
    return { error: 'no pods returned by selector while calculating replica count' };
  const sampled = pods.filter((p) => p.memoryBytes !== undefined);
  return resourceReplicas(
    sampled.map((p) => p.memoryBytes!),
    0,
    pods.length - sampled.length,
    currentReplicas,
    spec.memoryRequestBytes,
    spec.memoryTargetUtilisation,
    spec.tolerance,
  );
}

/**
 * The shared body of GetResourceReplicas, in the resource's integer units:
 * `usage` of the ready pods, how many are unready and missing.
 */
function resourceReplicas(
  usage: readonly number[],
  unready: number,
  missing: number,
  currentReplicas: number,
  request: number,
  target: number,
  tolerance: number,
): MetricReplicas {
  if (usage.length === 0) {
    return { error: 'did not receive metrics for targeted pods (pods might be unready)' };
  }
  const ratioOf = (values: readonly number[]) => {
    const utilisation = Math.trunc((sum(values) * 100) / (request * values.length));
    return { utilisation, ratio: utilisation / target };
  };
  const { utilisation, ratio } = ratioOf(usage);

  const scaleUpWithUnready = unready > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing === 0) {
    if (Math.abs(1 - ratio) <= tolerance) {
      return { replicas: currentReplicas, utilisation, kept: 'within tolerance' };
    }
    return { replicas: Math.ceil(ratio * usage.length), utilisation };
  }

  // Be conservative about pods we cannot judge: assume the worst for the
  // direction we are going, then re-check that the direction still holds.
  const adjusted = [...usage];
  if (missing > 0 && ratio !== 1) {
    const fallback = ratio < 1 ? (request * Math.max(100, target)) / 100 : 0;
    adjusted.push(...Array<number>(missing).fill(fallback));
  }
  if (scaleUpWithUnready) adjusted.push(...Array<number>(unready).fill(0));
  const { ratio: newRatio } = ratioOf(adjusted);
  const keep = {
    replicas: currentReplicas,
    utilisation,
    kept: 'unready or missing pods would cancel or reverse the change',
  } as const;
  if (
    Math.abs(1 - newRatio) <= tolerance ||
    (ratio < 1 && newRatio > 1) ||
    (ratio > 1 && newRatio < 1)
  ) {
    return keep;
  }
  const replicas = Math.ceil(newRatio * adjusted.length);
  if (
    (newRatio < 1 && replicas > currentReplicas) ||
    (newRatio > 1 && replicas < currentReplicas)
  ) {
    return keep;
  }
  return { replicas, utilisation };
}

/**
 * horizontal.go stabilizeRecommendation: the highest recommendation within
 * the window wins, so a scale-down happens only once every recommendation of
 * the last window agrees. Scale-ups are never delayed.
 */
export function stabilise(
  recommendations: readonly Recommendation[],
  now: number,
  windowMs: number,
  desired: number,
): { replicas: number; recommendations: Recommendation[] } {
  const cutoff = now - windowMs;
  const kept = recommendations.filter((r) => r.at >= cutoff);
  const replicas = Math.max(desired, ...kept.map((r) => r.replicas));
  return { replicas, recommendations: [...kept, { at: now, replicas: desired }] };
}

/** horizontal.go convertDesiredReplicasWithRules. */
export function limitReplicas(
  current: number,
  desired: number,
  min: number,
  max: number,
): { replicas: number; limited: boolean; reason: string } {
  const scaleUpLimit = Math.max(2 * current, 4);
  const [maximum, maxReason] =
    max > scaleUpLimit ? [scaleUpLimit, 'ScaleUpLimit'] : [max, 'TooManyReplicas'];
  if (desired < min) return { replicas: min, limited: true, reason: 'TooFewReplicas' };
  if (desired > maximum) return { replicas: maximum, limited: true, reason: maxReason };
  return { replicas: desired, limited: false, reason: 'DesiredWithinRange' };
}

/**
 * horizontal.go computeReplicasForMetrics: the largest proposal wins; when
 * one metric is unknown, no scale-down (the unknown one might disagree).
 */
export function replicasForMetrics(
  pods: readonly PodSample[],
  current: number,
  spec: HpaSpec,
):
  | {
      metric: ResourceName;
      proposal: Proposal;
      memory?: number;
      cpu?: number;
    }
  | { error: string; cpu?: number; memory?: number } {
  const proposals: [ResourceName, MetricReplicas][] = [
    ['cpu', replicasForCpu(pods, current, spec)],
  ];
  if (spec.memoryTargetUtilisation !== undefined)
    proposals.push(['memory', replicasForMemory(pods, current, spec)]);
  const valueOf = (name: ResourceName) => {
    const found = proposals.find(([n]) => n === name)?.[1];
    return found && 'utilisation' in found ? found.utilisation : undefined;
  };
  const utilisations = { cpu: valueOf('cpu'), memory: valueOf('memory') };
  let best: { metric: ResourceName; proposal: Proposal } | undefined;
  let firstError: string | undefined;
  for (const [metric, proposal] of proposals) {
    if ('error' in proposal) {
      firstError ??= `${metric}: ${proposal.error}`;
      continue;
    }
    if (!best || proposal.replicas > best.proposal.replicas) best = { metric, proposal };
  }
  if (!best || (firstError !== undefined && best.proposal.replicas < current))
    return { error: firstError!, ...utilisations };
  return { ...best, ...utilisations };
}

/** One sync of the controller (horizontal.go reconcileAutoscaler). */
export function reconcile(
  state: HpaState,
  pods: readonly PodSample[],
  current: number,
  spec: HpaSpec,
  now: number,
): { decision: Decision; state: HpaState } {
  const conditions: Conditions = { ...state.conditions };
  const done = (
    desired: number,
    reason: string,
    measured: Pick<Decision, 'utilisation' | 'memoryUtilisation' | 'metric'> = {
      utilisation: undefined,
    },
    recommendations = state.recommendations,
  ) => ({
    decision: { at: now, ...measured, current, desired, reason, conditions },
    state: { recommendations, conditions },
  });

  if (current > spec.maxReplicas) {
    return done(spec.maxReplicas, 'Current number of replicas above Spec.MaxReplicas');
  }
  if (current < spec.minReplicas) {
    return done(spec.minReplicas, 'Current number of replicas below Spec.MinReplicas');
  }

  const result = replicasForMetrics(pods, current, spec);
  const measured = { utilisation: result.cpu, memoryUtilisation: result.memory };
  if ('error' in result) {
    conditions.ScalingActive = { status: 'false', reason: 'FailedGetResourceMetric' };
    conditions.AbleToScale = { status: 'true', reason: 'SucceededGetScale' };
    return done(current, `failed to compute desired number of replicas: ${result.error}`, measured);
  }
  conditions.ScalingActive = { status: 'true', reason: 'ValidMetricFound' };
  const { metric, proposal } = result;

  const stable = stabilise(
    state.recommendations,
    now,
    spec.scaleDownStabilisationMs,
    proposal.replicas,
  );
  conditions.AbleToScale =
    stable.replicas !== proposal.replicas
      ? { status: 'true', reason: 'ScaleDownStabilized' }
      : { status: 'true', reason: 'ReadyForNewScale' };
  const limit = limitReplicas(current, stable.replicas, spec.minReplicas, spec.maxReplicas);
  conditions.ScalingLimited = { status: limit.limited ? 'true' : 'false', reason: limit.reason };

  const reasons: string[] = [];
  if (proposal.kept === 'within tolerance') reasons.push(`within tolerance ${spec.tolerance}`);
  else if (proposal.kept) reasons.push(proposal.kept);
  else if (proposal.replicas > current)
    reasons.push(`${metric} resource utilization (percentage of request) above target`);
  else if (proposal.replicas < current) reasons.push('All metrics below target');
  else reasons.push('recommended size matches current size');
  if (stable.replicas !== proposal.replicas) {
    reasons.push(
      `ScaleDownStabilized: recommendation ${proposal.replicas}, highest in window ${stable.replicas}`,
    );
  }
  if (limit.limited) reasons.push(`ScalingLimited: ${limit.reason}`);
  return done(limit.replicas, reasons.join('; '), { ...measured, metric }, stable.recommendations);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

import { describe, expect, it } from 'vitest';
import {
  initialHpaState,
  limitReplicas,
  reconcile,
  replicasForCpu,
  replicasForMemory,
  stabilise,
  type HpaSpec,
  type PodSample,
} from '../../infra/local/hpa.ts';

const spec: HpaSpec = {
  minReplicas: 3,
  maxReplicas: 15,
  targetUtilisation: 70,
  cpuRequestCores: 0.25,
  tolerance: 0.1,
  scaleDownStabilisationMs: 300_000,
};

/** `n` ready pods each using `cores`. */
function pods(n: number, cores: number): PodSample[] {
  return Array.from({ length: n }, (_, i) => ({ name: `p${i}`, state: 'ready', cpuCores: cores }));
}

describe('replicasForCpu (replica_calculator.go)', () => {
  it('computes ceil(current × utilisation / target)', () => {
    // 3 pods at 0.25 core = 100 % of request; 100/70 → ceil(3 × 1.428…) = 5.
    expect(replicasForCpu(pods(3, 0.25), 3, spec)).toEqual({
      replicas: 5,
      utilisation: 100,
    });
    // 4 pods at 10 % → ceil(4 × 10/70) = 1.
    expect(replicasForCpu(pods(4, 0.025), 4, spec)).toMatchObject({ replicas: 1, utilisation: 10 });
  });

  it('keeps the current count within the 0.1 tolerance, and leaves it just outside', () => {
    // 76 % / 70 = 1.086: within tolerance.
    expect(replicasForCpu(pods(3, 0.19), 3, spec)).toMatchObject({
      replicas: 3,
      kept: 'within tolerance',
    });
    // 77 % / 70 is 1.1000000000000001 in float64, as in the Go controller:
    // just outside, so it scales.
    expect(replicasForCpu(pods(3, 0.1925), 3, spec)).toMatchObject({
      replicas: 4,
    });
    // 63 % / 70 = 0.9: within tolerance.
    expect(replicasForCpu(pods(3, 0.1575), 3, spec)).toMatchObject({
      replicas: 3,
      kept: 'within tolerance',
    });
    // 78 % / 70 = 1.114: scale up to ceil(3 × 1.114) = 4.
    expect(replicasForCpu(pods(3, 0.195), 3, spec)).toMatchObject({
      replicas: 4,
    });
  });

  it('truncates utilisation to a whole percent like the controller', () => {
    // 189 milli-cores = 75.6 % → 75 %.
    expect(replicasForCpu(pods(3, 0.189), 3, spec)).toMatchObject({ utilisation: 75, replicas: 3 });
  });

  it('counts unready pods as idle on a scale-up', () => {
    const sample: PodSample[] = [...pods(2, 0.25), { name: 'new', state: 'unready' }];
    // ready: 100 % → would scale; with the unready pod at 0: 66 % → ratio 0.95,
    // within tolerance, so no change.
    expect(replicasForCpu(sample, 3, spec)).toMatchObject({
      replicas: 3,
      kept: 'unready or missing pods would cancel or reverse the change',
    });
    const busy: PodSample[] = [...pods(2, 0.5), { name: 'new', state: 'unready' }];
    // ready 200 %; adjusted 133 % → ceil(1.9 × 3) = 6.
    expect(replicasForCpu(busy, 3, spec)).toMatchObject({ replicas: 6, utilisation: 200 });
  });

  it('counts missing pods at 100 % on a scale-down', () => {
    const sample: PodSample[] = [...pods(3, 0.025), { name: 'gone', state: 'missing' }];
    // ready 10 %; adjusted (10+10+10+100)/4 = 32 % → ceil(4 × 0.457) = 2.
    expect(replicasForCpu(sample, 4, spec)).toMatchObject({ replicas: 2 });
  });

  it('has no answer without a ready pod', () => {
    expect(replicasForCpu([{ name: 'a', state: 'unready' }], 3, spec)).toHaveProperty('error');
  });
});

describe('stabilise (horizontal.go stabilizeRecommendation)', () => {
  it('keeps the highest recommendation of the window, forgets older ones', () => {
    let recs = stabilise([], 0, 5000, 6).recommendations;
    const within = stabilise(recs, 4000, 5000, 2);
    expect(within.replicas).toBe(6);
    recs = within.recommendations;
    const after = stabilise(recs, 9500, 5000, 2);
    // The 6 (t=0) is out of the window; the 2 (t=4000) is in.
    expect(after.replicas).toBe(2);
  });

  it('never delays a scale-up', () => {
    const recs = stabilise([], 0, 300_000, 3).recommendations;
    expect(stabilise(recs, 1000, 300_000, 9).replicas).toBe(9);
  });
});

describe('limitReplicas (convertDesiredReplicasWithRules)', () => {
  it('clamps to min and max and limits a scale-up to max(2 × current, 4)', () => {
    expect(limitReplicas(3, 1, 3, 15)).toEqual({
      replicas: 3,
      limited: true,
      reason: 'TooFewReplicas',
    });
    expect(limitReplicas(3, 20, 3, 15)).toEqual({
      replicas: 6,
      limited: true,
      reason: 'ScaleUpLimit',
    });
    expect(limitReplicas(10, 20, 3, 15)).toEqual({
      replicas: 15,
      limited: true,
      reason: 'TooManyReplicas',
    });
    expect(limitReplicas(1, 9, 1, 4)).toEqual({
      replicas: 4,
      limited: true,
      reason: 'TooManyReplicas',
    });
    expect(limitReplicas(3, 5, 3, 15)).toEqual({
      replicas: 5,
      limited: false,
      reason: 'DesiredWithinRange',
    });
  });
});

describe('reconcile', () => {
  it('scales up at once, down only after the stabilisation window, with KSM-like conditions', () => {
    const small = { ...spec, minReplicas: 1, maxReplicas: 4, scaleDownStabilisationMs: 3000 };
    let state = initialHpaState();
    const step = (p: PodSample[], current: number, now: number) => {
      const r = reconcile(state, p, current, small, now);
      state = r.state;
      return r.decision;
    };
    const up = step(pods(1, 1), 1, 0); // 400 % → ceil(5.7) = 6 → max 4
    expect(up).toMatchObject({ current: 1, desired: 4, utilisation: 400 });
    expect(up.conditions.ScalingLimited).toEqual({ status: 'true', reason: 'TooManyReplicas' });
    expect(up.conditions.ScalingActive.status).toBe('true');

    const idle = step(pods(4, 0.01), 4, 1000);
    expect(idle.desired).toBe(4);
    expect(idle.conditions.AbleToScale.reason).toBe('ScaleDownStabilized');

    const later = step(pods(4, 0.01), 4, 4500);
    expect(later.desired).toBe(1);
    expect(later.conditions.ScalingLimited.status).toBe('false');
    expect(later.reason).toMatch(/below target/);
  });

  it('keeps the count and reports ScalingActive=false without metrics', () => {
    const d = reconcile(initialHpaState(), [{ name: 'a', state: 'unready' }], 3, spec, 0).decision;
    expect(d.desired).toBe(3);
    expect(d.utilisation).toBeUndefined();
    expect(d.conditions.ScalingActive).toEqual({
      status: 'false',
      reason: 'FailedGetResourceMetric',
    });
  });

  it('brings an out-of-range count back into range', () => {
    expect(reconcile(initialHpaState(), pods(2, 0), 2, spec, 0).decision.desired).toBe(3);
    expect(reconcile(initialHpaState(), pods(16, 1), 16, spec, 0).decision.desired).toBe(15);
  });
});

describe('CPU and memory (computeReplicasForMetrics)', () => {
  const both: HpaSpec = {
    ...spec,
    memoryTargetUtilisation: 80,
    memoryRequestBytes: 100 * 1024 * 1024,
  };
  const mib = 1024 * 1024;
  /** `n` ready pods at `cores` CPU and `mebibytes` of working set. */
  const loaded = (n: number, cores: number, mebibytes: number): PodSample[] =>
    pods(n, cores).map((p) => ({ ...p, memoryBytes: mebibytes * mib }));

  it('computes memory utilisation against the request, every sampled pod counted', () => {
    // 3 pods at 120 MiB of 100 MiB = 120 %; 120/80 = 1.5 → ceil(4.5) = 5.
    expect(replicasForMemory(loaded(3, 0, 120), 3, both)).toEqual({
      replicas: 5,
      utilisation: 120,
    });
    // An unready pod still counts for memory (the readiness rule is CPU's).
    const starting: PodSample[] = [
      ...loaded(2, 0, 120),
      { name: 'new', state: 'unready', memoryBytes: 120 * mib },
    ];
    expect(replicasForMemory(starting, 3, both)).toMatchObject({ replicas: 5 });
  });

  it('scales to the largest proposal: memory wins over an idle CPU', () => {
    const d = reconcile(initialHpaState(), loaded(3, 0.01, 120), 3, both, 0).decision;
    expect(d).toMatchObject({ desired: 5, metric: 'memory', memoryUtilisation: 120 });
    expect(d.reason).toMatch(/^memory resource utilization/);
  });

  it('scales to the largest proposal: CPU wins over a memory within target', () => {
    // CPU 200 % → ceil(3 × 2.857) = 9, capped at max(2 × 3, 4) = 6; memory 50 % → 2.
    const d = reconcile(initialHpaState(), loaded(3, 0.5, 50), 3, both, 0).decision;
    expect(d).toMatchObject({ desired: 6, metric: 'cpu', utilisation: 200 });
  });

  it('does not scale down while one metric is unknown', () => {
    // CPU idle (would go to min), memory unknown: keep the current count.
    const d = reconcile(initialHpaState(), pods(5, 0.001), 5, both, 0).decision;
    expect(d.desired).toBe(5);
    expect(d.conditions.ScalingActive.reason).toBe('FailedGetResourceMetric');
    // Without a memory target, the same pods scale down.
    expect(reconcile(initialHpaState(), pods(5, 0.001), 5, spec, 0).decision.desired).toBe(3);
  });
});

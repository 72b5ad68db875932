// The VUs' packed sample batches, unpacked into the metric registry and the
// check tree: the one place every sample of the run goes through on the
// main thread.
import type { CheckTree } from '../end-of-test-summary.ts';
import type { Metric, Registry, Tags } from '../metrics.ts';
import type { SampleBatch } from '../protocol.ts';

/** A function that takes VU `vuId`'s next batch; `err` hears of metrics defined twice, differently. */
export function sampleIngester(
  registry: Registry,
  tree: CheckTree,
  err: (text: string) => void,
): (vuId: number, batch: SampleBatch) => void {
  const checks = registry.get('checks');
  const groupDuration = registry.get('group_duration');
  // Per VU: the metrics and tag sets its packed samples refer to by index.
  // Equal tag sets from different VUs share one object (`sameTags`).
  const vuMetrics = new Map<number, (Metric | undefined)[]>();
  const vuTagSets = new Map<number, Tags[]>();
  let sameTags = new Map<string, Tags>();
  return (vuId, batch) => {
    for (const d of batch.defs) {
      try {
        registry.define(d.name, d.type, d.isTime ? 'time' : 'default');
      } catch (e) {
        err(`${(e as Error).message}\n`);
      }
    }
    let metrics = vuMetrics.get(vuId);
    if (!metrics) vuMetrics.set(vuId, (metrics = []));
    for (const name of batch.names) metrics.push(registry.metrics.get(name));
    let tagSets = vuTagSets.get(vuId);
    if (!tagSets || batch.reset) vuTagSets.set(vuId, (tagSets = []));
    for (const tags of batch.tagSets) {
      const key = JSON.stringify(tags);
      let shared = sameTags.get(key);
      if (!shared) {
        if (sameTags.size >= 100_000) sameTags = new Map(); // unbounded tag values
        sameTags.set(key, (shared = tags));
      }
      tagSets.push(shared);
    }
    const d = batch.data;
    for (let i = 0; i < d.length; i += 4) {
      const metric = metrics[d[i]!];
      const tags = tagSets[d[i + 1]!]!;
      const value = d[i + 2]!;
      if (!metric) continue;
      if (metric === checks) tree.add(tags.group ?? '', tags.check ?? '', value !== 0);
      else if (metric === groupDuration && tags.group) tree.touchGroup(tags.group);
      registry.add(metric, value, tags, d[i + 3]!);
    }
  };
}

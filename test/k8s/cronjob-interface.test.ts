// The CronJob hands `loadgate k8s run` the capacity TestRun an overlay renders
// (infra/k8s/overlays/<env>/generated/testrun-capacity.yaml): that manifest
// must load, and become this run's TestRun, still valid, named and tagged by
// the run id.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../infra/k8s/run/manifest.ts';
import { newRunId } from '../../infra/k8s/run/run-id.ts';
import { stampTestRun } from '../../infra/k8s/run/stamp.ts';
import { parseTestRun } from '../../infra/k8s/testrun.ts';

const ROOT = join(import.meta.dirname, '../..');

describe.each(['development', 'staging', 'production'])('the %s CronJob manifest', (overlay) => {
  it('loads and is stamped into a valid TestRun of this run', async () => {
    const manifest = await loadManifest(
      join(ROOT, 'infra/k8s/overlays', overlay, 'generated/testrun-capacity.yaml'),
    );
    const id = newRunId(manifest.metadata.name);
    const { body } = stampTestRun(manifest, id, 'e-commerce-test');
    const run = parseTestRun(body, 'the stamped TestRun');
    expect(run.metadata.name).toBe(id);
    expect(run.spec.arguments).toContain(`--tag testid=${id}`);
    expect(run.spec.arguments).not.toContain('testid=$(RUN_ID)');
    expect(run.spec.runner?.env?.filter((e) => e.name === 'RUN_ID')).toEqual([
      { name: 'RUN_ID', value: id },
    ]);
  });
});

// One scheduled run on the cluster, end to end: the manifest becomes this
// run's TestRun (unique name, RUN_ID, testid tag), k6-operator runs it, the
// SLO checker judges the window it ran in, and the TestRun is deleted. What
// the process should exit with is the verdict's code, or an ExitError.
import { followStages } from './follow.ts';
import { runnerEnv, type TestRunManifest } from './manifest.ts';
import { newRunId } from './run-id.ts';
import { stampTestRun } from './stamp.ts';
import type { TestRunApi } from './client.ts';
import { EXIT, InfrastructureError } from '../../../core/errors.ts';
import { runCheck, loadSpec, type CheckOptions } from '../../../slo/index.ts';
import { formatDuration } from '../../../slo/prom-duration.ts';

export { loadManifest, TestRunManifest } from './manifest.ts';
export { connectTestRuns, type TestRunApi } from './client.ts';

export type ClusterRunOptions = {
  manifest: TestRunManifest;
  api: TestRunApi;
  /** Default: the manifest's, then the kubeconfig context's, then `default`. */
  namespace?: string;
  /** The SLO spec judging the run. */
  spec: string;
  prometheusUrl: string;
  auth?: CheckOptions['auth'];
  pushgatewayUrl?: string;
  /** Where slo.json, slo.md and junit.xml go. */
  outDir?: string;
  /** From creation; past it the run is given up (exit 3). */
  deadlineMs: number;
  pollIntervalMs: number;
  /** Leave the TestRun in the cluster (to inspect it). */
  keep?: boolean;
  /** Ctrl-C / SIGTERM: stop following, delete, exit 105. */
  signal?: AbortSignal;
  now?: () => Date;
  log?: (line: string) => void;
};

export async function runOnCluster(o: ClusterRunOptions): Promise<number> {
  const now = o.now ?? (() => new Date());
  const log = o.log ?? ((line: string) => process.stderr.write(`k8s: ${line}\n`));
  // A broken spec must fail before the cluster spends half an hour on a run nobody can judge.
  await loadSpec(o.spec);
  const namespace =
    o.namespace ?? o.manifest.metadata.namespace ?? o.api.defaultNamespace ?? 'default';
  const id = newRunId(o.manifest.metadata.name, now());
  const { body, notes } = stampTestRun(o.manifest, id, namespace);
  notes.forEach(log);
  const where = `${namespace}/${id}`;

  await o.api.create(body);
  const createdAt = now();
  log(`created TestRun ${where} on ${o.api.server}`);
  try {
    const followed = await followStages({
      poll: () => o.api.stage(namespace, id),
      deadlineMs: o.deadlineMs,
      intervalMs: o.pollIntervalMs,
      signal: o.signal,
      now,
      onStage: (stage, ms) => log(`${where}: ${stage} (${formatDuration(ms / 1000)})`),
    });
    const reached = followed.stage
      ? `stage '${followed.stage}'`
      : 'no stage (k6-operator never picked it up)';
    const elapsed = formatDuration(followed.elapsedMs / 1000);
    const inspect = `kubectl -n ${namespace} describe testrun ${id}; kubectl -n ${namespace} logs -l k6_cr=${id} (pass --keep to leave it for inspection)`;
    switch (followed.outcome) {
      case 'interrupted':
        return EXIT.interrupted;
      case 'error':
        throw new InfrastructureError(
          `TestRun ${where} reached stage 'error' after ${elapsed}`,
          inspect,
        );
      case 'deadline':
        throw new InfrastructureError(
          `TestRun ${where} did not finish within the deadline (${elapsed}): it reached ${reached}`,
          inspect,
        );
      case 'finished':
        break;
    }
    const profile = runnerEnv(o.manifest, 'PROFILE');
    const check = runCheck({
      spec: o.spec,
      prometheusUrl: o.prometheusUrl,
      auth: o.auth,
      from: createdAt,
      to: followed.at,
      profile,
      vars: { testid: id, ...(profile && { profile }) },
      outDir: o.outDir,
      pushgatewayUrl: o.pushgatewayUrl,
      now,
    });
    const interrupted = new Promise<'interrupted'>((resolve) => {
      if (o.signal?.aborted) resolve('interrupted');
      o.signal?.addEventListener('abort', () => resolve('interrupted'), { once: true });
    });
    const result = await Promise.race([check, interrupted]);
    return result === 'interrupted' ? EXIT.interrupted : result.exitCode;
  } finally {
    await cleanUp(o, namespace, id, log);
  }
}

/** Deletes the TestRun unless kept; a failed delete is reported, it does not change the verdict. */
async function cleanUp(
  o: ClusterRunOptions,
  namespace: string,
  id: string,
  log: (l: string) => void,
) {
  if (o.keep) {
    log(`kept TestRun ${namespace}/${id} (--keep): kubectl -n ${namespace} delete testrun ${id}`);
    return;
  }
  try {
    const deleted = await o.api.remove(namespace, id);
    log(
      deleted
        ? `deleted TestRun ${namespace}/${id}`
        : `TestRun ${namespace}/${id} was already gone`,
    );
  } catch (error) {
    log(`could not delete TestRun ${namespace}/${id}: ${(error as Error).message}`);
  }
}

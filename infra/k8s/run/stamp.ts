// Turns the manifest into this run's TestRun: named by the run id, in the
// namespace chosen, its runners told RUN_ID and tagging every sample with
// `testid=<id>` (the SLO check selects the run's series by it).
import type { TestRunManifest } from './manifest.ts';

export type Stamped = {
  /** The object to create. */
  body: TestRunManifest;
  /** What was changed beyond the id, for the log. */
  notes: string[];
};

export function stampTestRun(manifest: TestRunManifest, id: string, namespace: string): Stamped {
  const body = structuredClone(manifest);
  const notes: string[] = [];
  body.metadata = { ...body.metadata, name: id, namespace };
  const env = (body.spec.runner?.env ?? []).filter((e) => e.name !== 'RUN_ID');
  body.spec.runner = { ...body.spec.runner, env: [...env, { name: 'RUN_ID', value: id }] };
  body.spec.arguments = withTestId(body.spec.arguments, id);
  if (body.spec.cleanup === 'post') {
    // The operator would delete the TestRun as soon as it finished, before a
    // poll could see `finished`; loadgate deletes it itself after the check.
    delete body.spec.cleanup;
    notes.push('spec.cleanup: post dropped (loadgate deletes the TestRun after the SLO check)');
  }
  return { body, notes };
}

/** k6 arguments with exactly one `--tag testid=<id>`: any other testid tag is replaced. */
export function withTestId(args: string | undefined, id: string): string {
  const tokens = (args ?? '').split(/\s+/).filter(Boolean);
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.startsWith('--tag=testid=')) continue;
    if (token === '--tag' && tokens[i + 1]?.startsWith('testid=')) {
      i++;
      continue;
    }
    kept.push(token);
  }
  return [...kept, '--tag', `testid=${id}`].join(' ');
}

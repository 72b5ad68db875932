// The TestRun manifest `loadgate k8s run` is handed, read from YAML and
// checked against the one TestRun schema (infra/k8s/testrun.ts, written from
// k6-operator's CRD) before anything is created: a misspelt field is exit 2
// here, not an object the operator half-understands.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { InputError } from '../../../core/errors.ts';
import { formatZodIssues } from '../../../core/zod-issues.ts';
import { TestRun } from '../testrun.ts';

export const TestRunManifest = TestRun;
export type TestRunManifest = TestRun;

/** Reads and checks a manifest; every problem is an InputError (exit 2), before anything is created. */
export async function loadManifest(file: string): Promise<TestRunManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read the TestRun manifest ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = TestRunManifest.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new InputError(
    `${file} is not a k6-operator TestRun manifest:\n${formatZodIssues(parsed.error.issues)}`,
    'Expected apiVersion: k6.io/v1alpha1, kind: TestRun, metadata.name, spec (see infra/k8s/)',
  );
}

/** A runner environment variable's literal value, if the manifest sets one. */
export function runnerEnv(manifest: TestRunManifest, name: string): string | undefined {
  return manifest.spec.runner?.env?.find((e) => e.name === name)?.value;
}

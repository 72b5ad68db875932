// The TestRun manifest `loadgate k8s run` is handed: read from YAML and
// checked on the fields this command reads or rewrites (name, namespace,
// runner env, arguments, cleanup). Every other field goes to the cluster
// untouched: k6-operator's CRD is the judge of those. The full schema of the
// rendered object is infra/k8s/testrun.ts (merge note: this one is a subset).
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../../core/errors.ts';
import { formatZodIssues } from '../../../core/zod-issues.ts';

/** A DNS-1123 label: what a TestRun's name must be for its Jobs and pods to be named after it. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const EnvVar = z.looseObject({ name: z.string().min(1), value: z.string().optional() });

export const TestRunManifest = z.looseObject({
  apiVersion: z.literal('k6.io/v1alpha1'),
  kind: z.literal('TestRun'),
  metadata: z.looseObject({
    name: z
      .string()
      .max(63)
      .regex(DNS_LABEL, 'expected a DNS-1123 label (lowercase letters, digits, -)'),
    namespace: z.string().regex(DNS_LABEL).optional(),
  }),
  spec: z.looseObject({
    arguments: z.string().optional(),
    // `post` lets k6-operator delete the TestRun itself once finished; see stamp.ts.
    cleanup: z.string().optional(),
    runner: z.looseObject({ env: z.array(EnvVar).optional() }).optional(),
  }),
});
export type TestRunManifest = z.infer<typeof TestRunManifest>;

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

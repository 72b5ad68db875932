// k6's handleSummary data, summary-<script>.json: one schema for its two
// readers, the SLO checker (metrics and their thresholds, for client-side
// objectives) and the report (also the checks tree and the duration k6
// measured). Only these fields are validated; k6 adds others freely.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { summaryScript } from './files.ts';
import { readJsonFile } from './read.ts';
import { InputError } from '../core/errors.ts';

type Group = {
  name: string;
  path: string;
  checks: { name: string; path: string; passes: number; fails: number }[];
  groups: Group[];
};

const Group: z.ZodType<Group> = z.lazy(() =>
  z.object({
    name: z.string(),
    path: z.string(),
    checks: z.array(
      z.object({ name: z.string(), path: z.string(), passes: z.number(), fails: z.number() }),
    ),
    groups: z.array(Group),
  }),
);

export const K6Summary = z.object({
  metrics: z.record(
    z.string(),
    z.object({
      type: z.string(),
      contains: z.string().optional(),
      values: z.record(z.string(), z.number()),
      thresholds: z.record(z.string(), z.object({ ok: z.boolean() })).optional(),
    }),
  ),
  root_group: Group.optional(),
  state: z.object({ testRunDurationMs: z.number().optional() }).optional(),
});
export type K6Summary = z.infer<typeof K6Summary>;

export type Summaries = {
  /** By script name (`default` for a plain summary.json), in file-name order. */
  byScript: Map<string, K6Summary>;
  /** The summary files that could not be used: their name in the directory, and why. */
  unreadable: { name: string; problem: string }[];
};

/** Every summary of the run in `dir`; none when `dir` cannot be listed. */
export async function readSummaries(dir: string): Promise<Summaries> {
  const out: Summaries = { byScript: new Map(), unreadable: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const script = summaryScript(name);
    if (script === undefined) continue;
    const read = await readJsonFile(join(dir, name), K6Summary);
    if (!read) continue;
    if ('problem' in read) out.unreadable.push({ name, problem: read.problem });
    else out.byScript.set(script, read.data);
  }
  return out;
}

/** Summaries to judge by: all of them, or bad input (exit 2) naming the first unusable file. */
export async function readValidSummaries(dir: string): Promise<Map<string, K6Summary>> {
  const { byScript, unreadable } = await readSummaries(dir);
  const bad = unreadable[0];
  if (bad) throw new InputError(`${join(dir, bad.name)} is not k6 summary data:\n${bad.problem}`);
  return byScript;
}

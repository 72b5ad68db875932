import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { formatZodIssues } from '../core/zod-issues.ts';

/**
 * The client side of a run: k6 handleSummary data (`summary.json`, or one
 * `summary-<script>.json` per script). Only the part the checker reads is
 * validated; k6 adds fields freely.
 */
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
});
export type K6Summary = z.infer<typeof K6Summary>;

/** Summaries by script name (`summary.json` is the script `default`). */
export async function readSummaries(runDir: string): Promise<Map<string, K6Summary>> {
  let names: string[];
  try {
    names = await readdir(runDir);
  } catch {
    return new Map();
  }
  const out = new Map<string, K6Summary>();
  for (const name of names.sort()) {
    const match = /^summary(?:-(.+))?\.json$/.exec(name);
    if (!match) continue;
    const file = join(runDir, name);
    const parsed = K6Summary.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success)
      throw new InputError(
        `${file} is not k6 summary data:\n${formatZodIssues(parsed.error.issues)}`,
      );
    out.set(match[1] ?? 'default', parsed.data);
  }
  return out;
}

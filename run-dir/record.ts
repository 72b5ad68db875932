// results/<run-id>/run.json, the run record: what ran, against what, when, and
// how the engine ended. Written by `loadgate run` when the load stops, read by
// `slo check --run` and by the report; its shape, writer and reader live here
// together so the file has one definition.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RUN_FILES } from './files.ts';
import { GeneratorHealth } from './generator.ts';
import { Stage } from './stages.ts';
import { readJsonFile } from './read.ts';
import { InputError } from '../core/errors.ts';

export const RunRecord = z.object({
  id: z.string().min(1),
  profile: z.string().min(1),
  target: z.string(),
  engine: z.enum(['builtin', 'k6']),
  scripts: z.array(z.string()),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  exitCode: z.number().int(),
  interrupted: z.boolean(),
  prometheusUrl: z.string().optional(),
  /** The planned load's stages (stages.ts); absent in records written before they were kept. */
  stages: z.array(Stage).optional(),
  /** How the load generator fared (generator.ts): a saturated one makes the run inconclusive. */
  generator: GeneratorHealth.optional(),
  /** The tag on every sample the run remote-wrote (k6's --tag testid=…). */
  testid: z.string().optional(),
  /** A split run's runners (loadgate run --runners N), each with its own summaries. */
  runners: z
    .array(
      z.object({
        /** Its `instance` label: runner-1… */
        instance: z.string().min(1),
        /** k6's --execution-segment, e.g. 1/3:2/3 */
        segment: z.string(),
        engine: z.enum(['builtin', 'k6']),
        exitCode: z.number().int(),
        /** Its directory in the run directory: summaries and log. */
        dir: z.string(),
      }),
    )
    .optional(),
});
export type RunRecord = z.infer<typeof RunRecord>;

const HINT = 'a run directory is written by loadgate run: results/<run-id> (ls results/)';

/** Validates the record (an invalid one is a bug: zod throws), writes it into `dir`, returns it. */
export async function writeRunRecord(dir: string, record: RunRecord): Promise<RunRecord> {
  const valid = RunRecord.parse(record);
  await writeFile(join(dir, RUN_FILES.record), JSON.stringify(valid, null, 2) + '\n');
  return valid;
}

/** The record of the run in `dir`; bad input (exit 2), naming the file, when absent or invalid. */
export async function readRunRecord(dir: string): Promise<RunRecord> {
  const file = join(dir, RUN_FILES.record);
  const read = await readJsonFile(file, RunRecord);
  if (!read) throw new InputError(`${dir} has no ${RUN_FILES.record}`, HINT);
  if ('problem' in read)
    throw new InputError(`${file} is not a run record:\n${read.problem}`, HINT);
  return read.data;
}

// Reading one JSON file of a run directory against its zod schema, with what is
// wrong put in words. The run record is required (a problem is an error), the
// other files are optional (a problem becomes a note in the report), so the
// readers share this and each decides what a problem means.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { formatZodIssues } from '../core/zod-issues.ts';

/** A file read and validated: its data, or why it is unusable; undefined when it does not exist. */
export type JsonFile<T> = { data: T } | { problem: string } | undefined;

export async function readJsonFile<T>(file: string, schema: z.ZodType<T>): Promise<JsonFile<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return { problem: `cannot read it: ${code ?? (error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { data: parsed.data } : { problem: formatZodIssues(parsed.error.issues) };
}

// `results/<run-id>/report.html`: the page an SRE opens after a run. Reads
// run.json (required), summary*.json, metrics.ndjson and slo.json (each
// optional: the page says what is missing), writes the file, returns its path.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReport } from './html.ts';
import { readRunData } from './run-data.ts';
import { RUN_FILES } from '../run-dir/files.ts';

export async function writeReport(runDir: string): Promise<string> {
  const html = renderReport(await readRunData(runDir));
  const file = join(runDir, RUN_FILES.report);
  await writeFile(file, html);
  return file;
}

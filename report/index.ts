import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReport } from './html.ts';
import { readRunDir } from './run-dir.ts';

/**
 * `results/<run-id>/report.html`: the page an SRE opens after a run. Reads
 * run.json (required), summary*.json, metrics.ndjson and slo.json (each
 * optional: the page says what is missing), writes the file, returns its path.
 */
export async function writeReport(runDir: string): Promise<string> {
  const html = renderReport(await readRunDir(runDir));
  const file = join(runDir, 'report.html');
  await writeFile(file, html);
  return file;
}

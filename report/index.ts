// `results/<run-id>/report.html`: the page an SRE opens after a run. Reads
// run.json (required), summary*.json, metrics.ndjson, server-series.json and
// slo.json (each optional: the page says what is missing), writes the file,
// returns its path. keepServerSeries() captures the server side at the end of
// a run, while its Prometheus still answers.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReport } from './html.ts';
import { readRunData } from './run-data.ts';
import { captureServerSeries, writeServerSeries } from './server-series.ts';
import { RUN_FILES } from '../run-dir/files.ts';
import type { RunRecord } from '../run-dir/record.ts';
import type { PrometheusOptions } from '../slo/prometheus.ts';
import { loadSpec } from '../slo/spec.ts';

export async function writeReport(runDir: string): Promise<string> {
  const html = renderReport(await readRunData(runDir));
  const file = join(runDir, RUN_FILES.report);
  await writeFile(file, html);
  return file;
}

/**
 * Queries the run's server side (gateway latency per route, 5xx ratio, every
 * HPA, the order queue) over its window and writes server-series.json. The
 * spec's vars say which gateway (service, namespace). Returns the file.
 */
export async function keepServerSeries(
  runDir: string,
  record: RunRecord,
  prometheus: PrometheusOptions,
  specFile: string,
): Promise<string> {
  const spec = await loadSpec(specFile);
  const series = await captureServerSeries({
    prometheus,
    shownUrl: record.prometheusUrl ?? '',
    start: new Date(record.startedAt),
    end: new Date(record.endedAt),
    vars: spec.vars,
  });
  return writeServerSeries(runDir, series);
}

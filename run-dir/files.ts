// The names of the files in results/<run-id>/, in one place: every writer and
// reader of a run directory (the main job, the SLO checker, the report) asks
// here. lib/summary.ts, on the k6 side, cannot import this and names the
// summaries itself; test/run-dir/files.test.ts keeps the two in step.

/** The files of a run directory, by what they hold. */
export const RUN_FILES = {
  /** The run record (record.ts): written by `loadgate run`. */
  record: 'run.json',
  /** k6 `--out json`: one metric point per line (runs before compact results; read still). */
  metrics: 'metrics.ndjson',
  /** The same, gzipped: written only with --raw-samples (k6 `--out json=file.gz`). */
  rawSamples: 'metrics.ndjson.gz',
  /** Per-second aggregates per journey and request name (aggregates.ts): the default. */
  aggregates: 'aggregates.ndjson.gz',
  /** What real k6 writes instead of the aggregates (it has no such output): its gzipped samples. */
  k6Samples: 'metrics-k6.ndjson.gz',
  /** The SLO verdict, also a later run's baseline. */
  verdict: 'slo.json',
  /** The SLO verdict as Markdown, for a CI job summary. */
  verdictMarkdown: 'slo.md',
  /** The SLO verdict as JUnit XML, for CI test reports. */
  junit: 'junit.xml',
  /** The self-contained HTML report. */
  report: 'report.html',
  /** The server side from Prometheus over the run window, kept for the report (report/server-series.ts). */
  serverSeries: 'server-series.json',
} as const;

/** The k6 handleSummary data of one script. */
export function summaryFile(script: string): string {
  return `summary-${script}.json`;
}

/** The text summary of one script (what k6 printed). */
export function summaryTextFile(script: string): string {
  return `summary-${script}.txt`;
}

/** The script whose summary data the file `name` holds (`default` for a plain summary.json). */
export function summaryScript(name: string): string | undefined {
  const match = /^summary(?:-(.+))?\.json$/.exec(name);
  return match ? (match[1] ?? 'default') : undefined;
}

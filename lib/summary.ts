// handleSummary(): the text summary on stdout, and k6's JSON summary data plus
// that text under RESULTS_DIR. Written here because remote jslib imports
// (k6-summary) need the network and the built-in engine does not fetch them.

/** The part of k6's handleSummary data this module reads (k6's own shape). */
export interface SummaryData {
  state?: { testRunDurationMs?: number };
  root_group?: SummaryGroup;
  metrics: Record<string, SummaryMetric>;
}
export interface SummaryGroup {
  name: string;
  groups?: SummaryGroup[];
  checks?: { name: string; passes: number; fails: number }[];
}
export interface SummaryMetric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains?: 'default' | 'time' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/**
 * The files handleSummary returns: `stdout`, and when `resultsDir` is set
 * `summary-<script>.{json,txt}`, named as run-dir/files.ts names them (this side
 * of the k6 boundary cannot import it; test/run-dir/files.test.ts keeps them in step).
 */
export function summaryOutputs(
  script: string,
  data: SummaryData,
  resultsDir?: string,
): Record<string, string> {
  const text = textSummary(script, data);
  const outputs: Record<string, string> = { stdout: text };
  if (resultsDir) {
    const dir = resultsDir.replace(/\/+$/, '');
    outputs[`${dir}/summary-${script}.json`] = JSON.stringify(data, null, 2);
    outputs[`${dir}/summary-${script}.txt`] = text;
  }
  return outputs;
}

export function textSummary(script: string, data: SummaryData): string {
  const lines: string[] = [];
  const seconds = (data.state?.testRunDurationMs ?? 0) / 1000;
  lines.push(`loadgate · ${script} · ${seconds.toFixed(1)} s`, '');

  const checks = collectChecks(data.root_group);
  if (checks.length > 0) {
    const passes = checks.reduce((n, c) => n + c.passes, 0);
    const fails = checks.reduce((n, c) => n + c.fails, 0);
    lines.push(`checks  ${percent(passes / Math.max(1, passes + fails))}  ✓ ${passes}  ✗ ${fails}`);
    for (const c of checks) {
      const mark = c.fails === 0 ? '✓' : '✗';
      lines.push(
        `  ${mark} ${c.name}${c.fails === 0 ? '' : `  (${c.fails} of ${c.passes + c.fails} failed)`}`,
      );
    }
    lines.push('');
  }

  const judged = Object.keys(data.metrics)
    .sort()
    .filter((name) => data.metrics[name]?.thresholds);
  if (judged.length > 0) {
    lines.push('thresholds');
    for (const name of judged) {
      const metric = data.metrics[name] as SummaryMetric;
      for (const [expr, result] of Object.entries(metric.thresholds ?? {})) {
        const stat = /^\s*([a-z]+(\([\d.]+\))?)/.exec(expr)?.[1] ?? '';
        const value = metric.values[stat];
        const measured = value === undefined ? 'no data' : `${stat}=${format(metric, stat, value)}`;
        lines.push(`  ${result.ok ? '✓' : '✗'} ${name}  ${expr}  (${measured})`);
      }
    }
    lines.push('');
  }

  lines.push('metrics');
  const names = Object.keys(data.metrics).sort();
  const width = Math.max(0, ...names.map((n) => n.length));
  for (const name of names) {
    const metric = data.metrics[name] as SummaryMetric;
    lines.push(`  ${name.padEnd(width)}  ${describe(metric)}`);
  }
  return `${lines.join('\n')}\n`;
}

function collectChecks(
  group: SummaryGroup | undefined,
  prefix = '',
): { name: string; passes: number; fails: number }[] {
  if (!group) return [];
  const here = (group.checks ?? []).map((c) => ({ ...c, name: prefix + c.name }));
  const nested = (group.groups ?? []).flatMap((g) => collectChecks(g, `${prefix}${g.name} › `));
  return [...here, ...nested];
}

function describe(metric: SummaryMetric): string {
  const v = metric.values;
  switch (metric.type) {
    case 'counter':
      return `${format(metric, 'count', v.count ?? 0)}  ${(v.rate ?? 0).toFixed(2)}/s`;
    case 'rate':
      return `${percent(v.rate ?? 0)}  ✓ ${v.passes ?? 0}  ✗ ${v.fails ?? 0}`;
    case 'gauge':
      return `${format(metric, 'value', v.value ?? 0)}  min=${format(metric, 'min', v.min ?? 0)}  max=${format(metric, 'max', v.max ?? 0)}`;
    case 'trend':
      return Object.entries(v)
        .map(([stat, value]) => `${stat}=${format(metric, stat, value)}`)
        .join('  ');
  }
}

function format(metric: SummaryMetric, stat: string, value: number): string {
  if (metric.type === 'rate' && stat === 'rate') return percent(value);
  if (stat === 'count' || stat === 'rate') {
    if (metric.contains === 'data') return bytes(value);
    return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
  if (metric.contains === 'time')
    return value < 1000 ? `${value.toFixed(2)}ms` : `${(value / 1000).toFixed(2)}s`;
  if (metric.contains === 'data') return bytes(value);
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

function bytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

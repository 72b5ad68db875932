// End-of-test data in k6's shapes: the handleSummary() argument, the legacy
// `--summary-export` JSON, and a k6-style text summary.
import { createHash } from 'node:crypto';
import { sinkValues, type Registry } from './metrics.ts';
import type { Threshold } from './thresholds.ts';

export type Check = { name: string; path: string; id: string; passes: number; fails: number };
export type Group = { name: string; path: string; id: string; groups: Group[]; checks: Check[] };
export type SummaryMetric = {
  type: string;
  contains: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
};
export type SummaryData = {
  root_group: Group;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
};

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export function newGroup(name: string, path: string): Group {
  return { name, path, id: md5(path), groups: [], checks: [] };
}

/** The group/check tree, fed by every `checks` sample (tags group and check). */
export class CheckTree {
  readonly root = newGroup('', '');

  add(groupPath: string, check: string, ok: boolean): void {
    const group = this.touchGroup(groupPath);
    let c = group.checks.find((x) => x.name === check);
    if (!c) {
      const path = `${group.path}::${check}`;
      group.checks.push((c = { name: check, path, id: md5(path), passes: 0, fails: 0 }));
    }
    if (ok) c.passes++;
    else c.fails++;
  }

  /** The group at `groupPath` (`::a::b`), made with its parents if new: groups entered without checks still appear, as in k6. */
  touchGroup(groupPath: string): Group {
    let group = this.root;
    let path = '';
    for (const name of groupPath.split('::').slice(1)) {
      path += `::${name}`;
      let child = group.groups.find((g) => g.name === name);
      if (!child) group.groups.push((child = newGroup(name, path)));
      group = child;
    }
    return group;
  }
}

export function buildSummary(args: {
  registry: Registry;
  thresholds: Threshold[];
  tree: CheckTree;
  trendStats: string[];
  summaryTimeUnit: string;
  durationMs: number;
}): SummaryData {
  const metrics: Record<string, SummaryMetric> = {};
  const byKey = new Map<string, Threshold[]>();
  for (const t of args.thresholds) byKey.set(t.key, [...(byKey.get(t.key) ?? []), t]);
  const thresholdsOf = (key: string) => {
    const list = byKey.get(key);
    return list ? Object.fromEntries(list.map((t) => [t.source, { ok: !t.failed }])) : undefined;
  };
  for (const m of args.registry.metrics.values()) {
    if (!m.observed && !byKey.has(m.name)) continue;
    const entry: SummaryMetric = {
      type: m.type,
      contains: m.contains,
      values: sinkValues(m.type, m.sink, args.durationMs, args.trendStats),
    };
    const th = thresholdsOf(m.name);
    if (th) entry.thresholds = th;
    metrics[m.name] = entry;
    for (const sub of m.submetrics) {
      const subKey = [...byKey.keys()].find((k) => sameSubmetric(k, sub.name));
      if (!sub.observed && !subKey) continue;
      const s: SummaryMetric = {
        type: m.type,
        contains: m.contains,
        values: sinkValues(m.type, sub.sink, args.durationMs, args.trendStats),
      };
      const subTh = subKey ? thresholdsOf(subKey) : undefined;
      if (subTh) s.thresholds = subTh;
      metrics[subKey ?? sub.name] = s;
    }
  }
  return {
    root_group: args.tree.root,
    options: {
      summaryTrendStats: args.trendStats,
      summaryTimeUnit: args.summaryTimeUnit,
      noColor: false,
    },
    state: {
      isStdOutTTY: Boolean(process.stdout.isTTY),
      isStdErrTTY: Boolean(process.stderr.isTTY),
      testRunDurationMs: args.durationMs,
    },
    metrics,
  };
}

function sameSubmetric(key: string, name: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, '').replace(/:(["'`])(.*?)\1/g, ':$2');
  return norm(key) === norm(name);
}

/**
 * `--summary-export`: k6's pre-handleSummary JSON (checks and groups keyed by
 * name), with what setup() returned (JSON) as `setup_data` when it returned
 * anything, as k6's summary wrapper writes it.
 */
export function legacySummary(data: SummaryData, setupData?: string): string {
  const group = (g: Group): unknown => ({
    name: g.name,
    path: g.path,
    id: g.id,
    groups: Object.fromEntries(g.groups.map((x) => [x.name, group(x)])),
    checks: Object.fromEntries(g.checks.map((c) => [c.name, c])),
  });
  const metrics: Record<string, Record<string, unknown>> = {};
  for (const [name, m] of Object.entries(data.metrics)) {
    const out: Record<string, unknown> = { ...m.values };
    if (m.type === 'rate' && 'rate' in out) {
      out.value = out.rate;
      delete out.rate;
    }
    if (m.thresholds)
      out.thresholds = Object.fromEntries(Object.entries(m.thresholds).map(([k, v]) => [k, !v.ok]));
    metrics[name] = out;
  }
  const setup = setupData === undefined ? {} : { setup_data: JSON.parse(setupData) as unknown };
  return JSON.stringify({ root_group: group(data.root_group), metrics, ...setup }, null, 4);
}

function fmtTime(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)}ns`;
  if (ms < 1) return `${(ms * 1000).toFixed(2)}µs`;
  if (ms < 1000) return `${ms.toFixed(2)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${((ms % 60_000) / 1000).toFixed(1)}s`;
}
function fmtData(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (bytes >= 1000 && i < units.length - 1) {
    bytes /= 1000;
    i++;
  }
  return `${i === 0 ? bytes.toFixed(0) : bytes.toFixed(1)} ${units[i]}`;
}
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/\.?0+$/, ''));

/** The end-of-test text summary, laid out like k6's. */
export function textSummary(data: SummaryData, indent = ' '): string {
  const lines: string[] = [];
  const walk = (g: Group, depth: number) => {
    const pad = indent + '    ' + '  '.repeat(depth);
    if (g.name) lines.push(`${pad}█ ${g.name}`, '');
    for (const c of g.checks) {
      const mark = c.fails === 0 ? '✓' : '✗';
      lines.push(`${pad}${g.name ? '  ' : ''}${mark} ${c.name}`);
      if (c.fails)
        lines.push(
          `${pad}${g.name ? '  ' : ''} ↳  ${Math.round((100 * c.passes) / (c.passes + c.fails))}% — ✓ ${c.passes} / ✗ ${c.fails}`,
        );
    }
    if (g.checks.length) lines.push('');
    for (const sub of g.groups) walk(sub, depth + 1);
  };
  walk(data.root_group, 0);
  const names = Object.keys(data.metrics).sort();
  const width = Math.max(...names.map((n) => displayName(n).length)) + 3;
  for (const name of names) {
    const m = data.metrics[name]!;
    const v = m.values;
    const f = m.contains === 'time' ? fmtTime : m.contains === 'data' ? fmtData : num;
    let text: string;
    if (m.type === 'trend')
      text = Object.entries(v)
        .map(([k, x]) => `${k}=${f(x)}`)
        .join(' ');
    else if (m.type === 'counter')
      text = `${f(v.count!)} ${m.contains === 'data' ? fmtData(v.rate!) : num(Number(v.rate!.toFixed(6)))}/s`;
    else if (m.type === 'rate') text = `${(100 * v.rate!).toFixed(2)}% ✓ ${v.passes} ✗ ${v.fails}`;
    else text = `${f(v.value!)} min=${f(v.min!)} max=${f(v.max!)}`;
    const failed = m.thresholds && Object.values(m.thresholds).some((t) => !t.ok);
    const mark = m.thresholds ? (failed ? '✗ ' : '✓ ') : '  ';
    const label = displayName(name);
    lines.push(`${indent}${mark}${label}${'.'.repeat(Math.max(1, width - label.length))}: ${text}`);
  }
  return `\n${lines.join('\n')}\n\n`;
}

function displayName(name: string): string {
  const i = name.indexOf('{');
  return i < 0 ? name : `  { ${name.slice(i + 1, -1)} }`;
}

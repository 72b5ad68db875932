// A comparison (index.ts) in words: a plain-text table for the terminal and
// Markdown for a CI comment. Both name the statistic and its parameters, so a
// reader can tell a flagged change from noise without the source.
import type { Change, Comparison, Row, RowStatus } from './index.ts';

const MARK: Record<Change['status'], string> = {
  regression: ' ✖',
  improvement: ' ✔',
  noise: '',
  untested: '',
};

const VERDICT: Record<RowStatus, string> = {
  regression: '✖ regression',
  improvement: '✔ improvement',
  noise: 'noise',
  untested: 'too few requests to test',
  'only in A': 'only in A',
  'only in B': 'only in B',
};

/** How the changes were judged, in one paragraph. */
export function methodText(c: Comparison): string {
  const o = c.options;
  return (
    `Beyond noise: block bootstrap of the difference B − A (${o.resamples} resamples of ` +
    `${c.blockSeconds} s blocks, seed ${o.seed}) of p50, p95, p99 and the error ratio; ` +
    `Student-t intervals from its standard error at ${pct(c.intervalConfidence, 3)} each, ${pct(o.confidence)} for the ` +
    `report's ${c.tests} changes together (Bonferroni). A change is flagged (✖ regression, ` +
    `✔ improvement) when its interval excludes 0 and it is at least ${pct(o.minChange)} ` +
    `(latency) or ${Number((o.minErrorChange * 100).toFixed(2))} percentage point (errors).`
  );
}

function cells(r: Row): string[] {
  return [
    r.kind === 'all' ? 'all requests' : `${r.kind} ${r.name}`,
    `${r.requests.a} → ${r.requests.b}`,
    latency(r.p50),
    latency(r.p95),
    latency(r.p99),
    errors(r.errorRatio),
    throughput(r.throughput),
    VERDICT[r.status],
  ];
}

const HEADER = ['', 'requests A → B', 'p50', 'p95', 'p99', 'errors', 'req/s', 'verdict'];

export function compareText(c: Comparison): string {
  const rows = [HEADER, ...c.rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const table = rows.map((r) =>
    r
      .map((cell, i) =>
        i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length),
      )
      .join('  ')
      .trimEnd(),
  );
  return [...heading(c), '', ...table, '', methodText(c)].join('\n');
}

export function compareMarkdown(c: Comparison): string {
  const line = (r: string[]) => `| ${r.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`;
  const regressions = c.rows.filter((r) => r.status === 'regression');
  return [
    '## loadgate compare',
    '',
    ...heading(c).map((l) => `${l}  `),
    '',
    regressions.length
      ? `**✖ ${regressions.length} significant regression(s):** ${regressions.map((r) => `\`${r.name}\``).join(', ')}`
      : '**No change beyond noise.**',
    '',
    line(HEADER),
    line(HEADER.map(() => '---')),
    ...c.rows.map((r) => line(cells(r))),
    '',
    `<sub>${methodText(c)}</sub>`,
    '',
  ].join('\n');
}

function heading(c: Comparison): string[] {
  const side = (label: string, s: Comparison['a']) =>
    `${label}: ${s.id} (${s.dir}, ${s.seconds.toFixed(0)} s${s.badLines ? `, ${s.badLines} unreadable lines` : ''})`;
  return [side('A', c.a), side('B', c.b)];
}

function latency(ch: Change): string {
  if (ch.a === null && ch.b === null) return '-';
  return `${ms(ch.a)} → ${ms(ch.b)} ${signed(ch.relative)}${MARK[ch.status]}`;
}

function errors(ch: Change): string {
  if (ch.a === null && ch.b === null) return '-';
  const p = (x: number | null) => (x === null ? '-' : pct(x, 2));
  return `${p(ch.a)} → ${p(ch.b)}${MARK[ch.status]}`;
}

function throughput(t: Row['throughput']): string {
  const f = (x: number | null) => (x === null ? '-' : x.toFixed(1));
  return `${f(t.a)} → ${f(t.b)} ${signed(t.relative)}`;
}

function ms(x: number | null): string {
  if (x === null) return '-';
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 1 : 0)} ms`;
}

function signed(ratio: number | null): string {
  if (ratio === null) return '';
  const v = ratio * 100;
  return `(${v >= 0 ? '+' : ''}${v.toFixed(Math.abs(v) < 10 ? 1 : 0)} %)`;
}

function pct(ratio: number, digits = 1): string {
  return `${Number((ratio * 100).toFixed(digits))} %`;
}

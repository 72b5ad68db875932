// The three renderings of a verdict: console table, Markdown (CI step summary), JUnit XML.
import {
  formatScore,
  formatValue,
  unchecked,
  type ObjectiveResult,
  type Status,
  type Verdict,
} from './verdict.ts';

const MARK: Record<Status, string> = {
  pass: '✔ pass',
  warn: '▲ warn',
  fail: '✖ fail',
  'no-data': '✖ no-data',
  error: '✖ error',
  skipped: '– skipped',
};

function mark(r: ObjectiveResult): string {
  // Not checked (no Prometheus) is why the verdict cannot pass: it shows as a warning, unlike a profile skip.
  if (unchecked(r)) return '▲ not checked';
  // A no-data that only warns (onNoData: warn) must not look like a failure.
  return r.status === 'no-data' && !r.failed ? '▲ no-data' : MARK[r.status];
}

/** The objectives not checked for want of Prometheus, and how to check them (one hint: they share it). */
function notChecked(v: Verdict): { names: string[]; hint?: string } | undefined {
  const results = v.objectives.filter(unchecked);
  if (results.length === 0) return undefined;
  return { names: results.map((r) => r.name), hint: results.find((r) => r.hint)?.hint };
}

const ICON: Record<Verdict['status'], string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  inconclusive: '❔',
};

function name(r: ObjectiveResult): string {
  return `${r.name}${r.key ? ' (key)' : ''}${r.phase ? ` [${r.phase}]` : ''}`;
}

function headline(v: Verdict): string {
  const missing = notChecked(v);
  return `SLO ${v.status.toUpperCase()}: ${v.spec}${v.run ? ` · run ${v.run}` : ''}${missing ? ` · ${missing.names.length} not checked (no Prometheus)` : ''} · score ${formatScore(v.score, v.minScore)} (min ${formatScore(v.minScore)}) · ${v.window.start} → ${v.window.end}`;
}

export function consoleTable(v: Verdict): string {
  const header = ['objective', 'kind', 'measured', 'bound', 'status'];
  const rows = v.objectives.map((r) => [name(r), r.kind, r.measured, r.bound, mark(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line), ''];
  // The objectives not checked are named once, with how to check them, below.
  for (const r of v.objectives.filter((r) => r.status !== 'pass' && !unchecked(r))) {
    out.push(`${mark(r)} ${r.name}${r.message ? `: ${r.message}` : ''}`);
    // A skip is a one-line note: nothing was asked.
    if (r.query && r.status !== 'skipped') out.push(`    query: ${r.query}`);
    for (const d of r.details ?? [])
      out.push(`    ${labelText(d.labels)}: ${formatValue(d.value, r.unit)}`);
    if (r.hint) out.push(`    hint: ${r.hint}`);
  }
  for (const reason of v.inconclusive ?? []) out.push(`? inconclusive: ${reason}`);
  const missing = notChecked(v);
  if (missing)
    out.push(
      `▲ not checked without Prometheus: ${missing.names.join(', ')}`,
      `    to check them: ${missing.hint ?? 'pass --prometheus URL'}`,
    );
  out.push(headline(v));
  return out.join('\n') + '\n';
}

export function markdown(v: Verdict): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out = [
    `### ${ICON[v.status]} ${headline(v)}`,
    '',
    ...(v.inconclusive ?? []).map((r) => `**Inconclusive:** ${cell(r)}\n`),
    '| objective | kind | measured | bound | status |',
    '|---|---|---|---|---|',
    ...v.objectives.map(
      (r) =>
        `| ${cell(name(r))} | ${r.kind} | ${cell(r.measured)} | ${cell(r.bound)} | ${mark(r)} |`,
    ),
  ];
  const missing = notChecked(v);
  if (missing)
    out.push(
      '',
      `**Not checked without Prometheus** (the verdict cannot pass): ${missing.names.map(cell).join(', ')}. To check them: ${cell(missing.hint ?? 'pass --prometheus URL')}`,
    );
  const notes = v.objectives.filter((r) => r.status !== 'pass' && !unchecked(r));
  if (notes.length > 0) out.push('', '#### Details', '');
  for (const r of notes) {
    out.push(`- **${cell(r.name)}** ${mark(r)}${r.message ? `: ${cell(r.message)}` : ''}`);
    if (r.query && r.status !== 'skipped') out.push(`  - query: \`${r.query.replace(/`/g, "'")}\``);
    for (const d of r.details ?? [])
      out.push(`  - \`${labelText(d.labels)}\`: ${formatValue(d.value, r.unit)}`);
    if (r.hint) out.push(`  - hint: ${cell(r.hint)}`);
  }
  return out.join('\n') + '\n';
}

export function junit(v: Verdict): string {
  const failures = v.objectives.filter((r) => r.failed && r.status !== 'error').length;
  const errors = v.objectives.filter((r) => r.status === 'error').length;
  const cases = v.objectives.map((r) => {
    const open = `  <testcase classname="slo.${xml(v.spec)}" name="${xml(r.name)}" time="0">`;
    const text = xml(
      [
        `measured ${r.measured}, bound ${r.bound}`,
        r.message,
        r.query && `query: ${r.query}`,
        ...(r.details ?? []).map((d) => `${labelText(d.labels)}: ${formatValue(d.value, r.unit)}`),
        r.hint && `hint: ${r.hint}`,
      ]
        .filter(Boolean)
        .join('\n'),
    );
    // The failure's one line names the culprit too (the group beyond the bound, say).
    const summary = xml(
      `${r.status}: measured ${r.measured}, bound ${r.bound}${r.failed && r.message ? `: ${r.message}` : ''}`,
    );
    let body = '';
    if (r.status === 'error') body = `    <error message="${summary}">${text}</error>`;
    else if (r.failed)
      body = `    <failure message="${summary}" type="${r.status}">${text}</failure>`;
    else if (r.status === 'skipped')
      body = `    <skipped message="${xml([r.message ?? 'skipped', r.hint && `to check it: ${r.hint}`].filter(Boolean).join('; '))}"/>`;
    else body = `    <system-out>${text}</system-out>`;
    return `${open}\n${body}\n  </testcase>`;
  });
  // An inconclusive run fails CI as its own case, named so: the generator, not the target.
  if (v.inconclusive?.length) {
    const why = xml(v.inconclusive.join('\n'));
    cases.unshift(
      `  <testcase classname="slo.${xml(v.spec)}" name="load-generator" time="0">\n    <failure message="inconclusive: ${xml(v.inconclusive[0]!)}" type="inconclusive">${why}</failure>\n  </testcase>`,
    );
  }
  const inconclusive = v.inconclusive?.length ? 1 : 0;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="slo.${xml(v.spec)}" tests="${v.objectives.length + inconclusive}" failures="${failures + inconclusive}" errors="${errors}" skipped="${v.objectives.filter((r) => r.status === 'skipped').length}">`,
    ...cases,
    '</testsuite>',
    '',
  ].join('\n');
}

function labelText(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, val]) => `${k}="${val}"`)
    .join(', ')}}`;
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

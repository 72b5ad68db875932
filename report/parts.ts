// Pieces every section of the report is built from: a section with its
// heading, a note where data is missing, a status badge (symbol and text,
// never colour alone).
import { escapeHtml as e } from './escape.ts';

export type Tone = 'pass' | 'warn' | 'fail' | 'neutral';

/** Status words always come with a symbol and text, never colour alone. */
export function badge(tone: Tone, text: string): string {
  const symbol = { pass: '✔', warn: '▲', fail: '✖', neutral: '–' }[tone];
  return `<span class="badge ${tone}">${symbol} ${e(text)}</span>`;
}

export function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${e(title)}</h2>\n${body}\n</section>`;
}

export function note(text: string | undefined): string {
  return `<p class="note">${e(text ?? 'Nothing to show.')}</p>`;
}

import { InputError } from '../core/errors.ts';

// `$name` / `${name}` substitution in the spec's queries, selectors and
// paths. `$$` is a literal `$`. A `$` not followed by a name (a regex anchor
// such as `=~"/api/.*$"`) is left alone. An unknown name is bad input: a
// silently empty label would match nothing and turn an objective into
// no-data for the wrong reason.

const VARIABLE = /\$\$|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/y;

/** What a value may be where PromQL reads it as code: a name, a number or a duration. */
const BARE_TOKEN = /^-?[A-Za-z0-9_.:]+$/;

/** Substitutes vars into plain text (a path, or a value the caller quotes itself). */
export function expand(
  text: string,
  vars: Readonly<Record<string, string>>,
  where: string,
): string {
  return substitute(text, vars, where, (value) => value);
}

/**
 * Substitutes vars into PromQL, each value made safe for the place it lands:
 * inside a string literal (a label value: `namespace="$namespace"`) it is
 * escaped as PromQL escapes strings, so no value can close the string and
 * append a query of its own; outside one it must be a bare name, number or
 * duration, or the spec is refused (exit 2).
 */
export function expandPromql(
  text: string,
  vars: Readonly<Record<string, string>>,
  where: string,
): string {
  return substitute(text, vars, where, (value, name, quote) => {
    if (quote === '`') {
      if (!value.includes('`')) return value;
      throw new InputError(
        `$${name} in ${where} holds a backtick, which would end the raw string it is in`,
        'Use a "double-quoted" string around it in the spec',
      );
    }
    if (quote) return escapeString(value, quote);
    if (BARE_TOKEN.test(value)) return value;
    throw new InputError(
      `$${name} in ${where} is outside a string, so its value ${JSON.stringify(value)} would be read as PromQL`,
      `Put it inside quotes in the spec (label="$${name}"), or pass a plain name, number or duration`,
    );
  });
}

/**
 * Walks the template once, knowing at each `$` whether it stands inside a
 * PromQL string literal ("…", '…' or `…`) and which.
 */
function substitute(
  text: string,
  vars: Readonly<Record<string, string>>,
  where: string,
  place: (value: string, name: string, quote: string | undefined) => string,
): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === '$') {
      VARIABLE.lastIndex = i;
      const m = VARIABLE.exec(text);
      if (m) {
        i += m[0].length;
        if (m[0] === '$$') {
          out += '$';
          continue;
        }
        const name = (m[1] ?? m[2])!;
        const value = vars[name];
        if (value === undefined)
          throw new InputError(
            `unknown template variable $${name} in ${where}`,
            `Known: ${Object.keys(vars)
              .map((k) => '$' + k)
              .join(', ')}. Define it under vars: in the spec or pass --var ${name}=VALUE`,
          );
        out += place(value, name, quote);
        continue;
      }
    }
    if (quote && c === '\\' && quote !== '`') {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (quote ? c === quote : c === '"' || c === "'" || c === '`') quote = quote ? undefined : c;
    out += c;
    i++;
  }
  return out;
}

/** A value as the inside of a PromQL string quoted with `quote` (Go's escapes). */
function escapeString(value: string, quote: string): string {
  let out = '';
  for (const c of value) {
    if (c === '\\' || c === quote) out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c < ' ' || c === '\u007f')
      out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/** Joins label-matcher fragments into `{a="b",c=~"d"}` (or nothing). */
export function matchers(...parts: string[]): string {
  const inner = parts
    .map((p) => p.trim().replace(/^\{|\}$/g, ''))
    .filter(Boolean)
    .join(',');
  return inner ? `{${inner}}` : '';
}

/** A PromQL string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

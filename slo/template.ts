import { InputError } from '../core/errors.ts';

/**
 * `$name` / `${name}` substitution in queries and paths. `$$` is a literal `$`.
 * A `$` not followed by a name (a regex anchor such as `=~"/api/.*$"`) is left
 * alone. An unknown name is bad input: a silently empty label would match
 * nothing and turn an objective into no-data for the wrong reason.
 */
export function expand(
  text: string,
  vars: Readonly<Record<string, string>>,
  where: string,
): string {
  return text.replace(/\$\$|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (match, braced, bare) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = vars[name];
    if (value === undefined)
      throw new InputError(
        `unknown template variable $${name} in ${where}`,
        `Known: ${Object.keys(vars)
          .map((k) => '$' + k)
          .join(', ')}. Define it under vars: in the spec or pass --var ${name}=VALUE`,
      );
    return value;
  });
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

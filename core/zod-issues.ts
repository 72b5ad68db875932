// How a zod validation failure is shown to a user: every issue at once, each
// with the path it is at, so a spec or a flag set is fixed in one pass.
import type { z } from 'zod';

/** zod issues as `✖ message → at path`, one per line. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], root = ''): string {
  return issues
    .map((issue) => {
      const path = formatPath(issue.path);
      const at = root && path ? `${root}.${path}` : root || path;
      return `✖ ${issue.message}${at ? ` → at ${at}` : ''}`;
    })
    .join('\n');
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

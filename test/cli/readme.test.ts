// README.md's generated parts stay true: the profiles table is what the
// profiles' own k6 options plan (cli/profile-table.ts). Rewrite it with
// UPDATE_README=1 when a profile changes, then review the diff.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileTable } from '../../cli/profile-table.ts';

const ROOT = join(import.meta.dirname, '../..');
const BEGIN = /<!-- profiles:begin[^>]*-->\n/;
const END = '<!-- profiles:end -->';

describe('README', () => {
  it('shows each profile as its k6 options plan it', async () => {
    const file = join(ROOT, 'README.md');
    const readme = await readFile(file, 'utf8');
    const begin = BEGIN.exec(readme);
    expect(begin, 'README has the profiles markers').not.toBeNull();
    const from = begin!.index + begin![0].length;
    const to = readme.indexOf(END, from);
    const table = await profileTable(join(ROOT, 'k6-bundles/mix.js'));
    if (process.env.UPDATE_README)
      await writeFile(file, readme.slice(0, from) + table + readme.slice(to));
    else expect(readme.slice(from, to)).toBe(table);
  }, 60_000);
});

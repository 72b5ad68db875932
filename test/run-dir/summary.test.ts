// summary-<script>.json: the report reads around a bad file, the SLO checker
// refuses it naming the file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSummaries, readValidSummaries } from '../../run-dir/summary.ts';
import { InputError } from '../../core/errors.ts';
import { summary } from '../report/fixture.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function runDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loadgate-run-dir-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('k6 summaries of a run', () => {
  it('reads each by script, with the checks tree and the duration', async () => {
    const dir = await runDir({
      'summary-mix.json': JSON.stringify(summary),
      'summary.json': JSON.stringify({ metrics: {} }),
      'summary-mix.txt': 'text',
    });
    const { byScript, unreadable } = await readSummaries(dir);
    expect([...byScript.keys()]).toEqual(['mix', 'default']); // file-name order
    expect(unreadable).toEqual([]);
    expect(byScript.get('mix')!.root_group!.groups[0]!.name).toBe('list products');
    expect(byScript.get('mix')!.state?.testRunDurationMs).toBe(summary.state.testRunDurationMs);
    expect(await readValidSummaries(dir)).toEqual(byScript);
  });

  it('lists a bad file for the report, and is bad input naming it for the checker', async () => {
    const dir = await runDir({
      'summary-browse.json': '{"metrics": {"http_re',
      'summary-mix.json': JSON.stringify(summary),
    });
    const { byScript, unreadable } = await readSummaries(dir);
    expect([...byScript.keys()]).toEqual(['mix']);
    expect(unreadable).toEqual([
      { name: 'summary-browse.json', problem: expect.stringMatching(/^not JSON/) },
    ]);
    const error = await readValidSummaries(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe(2);
    expect((error as InputError).message).toContain(
      `${join(dir, 'summary-browse.json')} is not k6 summary data`,
    );
  });

  it('finds none in a directory that does not exist', async () => {
    expect((await readSummaries(join(tmpdir(), 'no-such-run'))).byScript.size).toBe(0);
  });
});

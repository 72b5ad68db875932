// VU 0, the one VU that runs no iteration: it reads the script's options
// and exports (init), and runs setup(), teardown() and handleSummary(), as
// k6's own VU 0 does. Then the end-of-test summaries are written: the
// legacy --summary-export, handleSummary()'s files, or the text summary.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EXIT, ExitError } from '../../core/errors.ts';
import { legacySummary, textSummary, type SummaryData } from '../end-of-test-summary.ts';
import type { VuHost } from '../vu-host.ts';
import type { TestStop } from './test-stop.ts';
import type { VuFleet } from './vu-fleet.ts';

export type Vu0 = { host: VuHost; exports: string[]; options: unknown };

/** Starts VU 0: the script's init code runs, its options and exports come back (107 if it throws). */
export async function startVu0(fleet: VuFleet): Promise<Vu0> {
  try {
    const host = await fleet.start();
    const { options, exports } = await host.ready();
    return { host, exports, options };
  } catch (e) {
    throw new ExitError(EXIT.scriptException, `script error during init: ${(e as Error).message}`);
  }
}

/**
 * setup() when the script has one: its data for the iterations, or
 * `aborted` when it called test.abort(); any other exception is 107.
 */
export async function runSetup(
  vu0: Vu0,
  stop: TestStop,
): Promise<{ data?: string; aborted: boolean }> {
  if (!vu0.exports.includes('setup') || stop.signal.aborted) return { aborted: false };
  try {
    return { data: await vu0.host.call('setup', undefined), aborted: false };
  } catch (e) {
    if (stop.reason) return { aborted: true };
    throw new ExitError(EXIT.scriptException, `setup() failed: ${(e as Error).message}`);
  }
}

/** teardown() when the script has one; false when it threw (107), unless the test was aborted. */
export async function runTeardown(
  vu0: Vu0,
  data: string | undefined,
  stop: TestStop,
  err: (text: string) => void,
): Promise<boolean> {
  if (!vu0.exports.includes('teardown')) return true;
  try {
    await vu0.host.call('teardown', data);
  } catch (e) {
    if (!stop.reason) {
      err(`teardown() failed: ${(e as Error).message}\n`);
      return false;
    }
  }
  return true;
}

export type SummaryTargets = {
  summaryExport?: string;
  quiet?: boolean;
  noSummary?: boolean;
  out(text: string): void;
  err(text: string): void;
};

/** The legacy export, then handleSummary()'s outputs, or the text summary without one (or when it fails). */
export async function writeSummaries(
  vu0: Vu0,
  summary: SummaryData,
  to: SummaryTargets,
): Promise<void> {
  if (to.summaryExport) await writeText(to.summaryExport, legacySummary(summary));
  if (vu0.exports.includes('handleSummary')) {
    try {
      const result = await vu0.host.call('handleSummary', JSON.stringify(summary));
      const files = (result ? JSON.parse(result) : {}) as Record<string, unknown>;
      for (const [path, content] of Object.entries(files)) {
        const text = typeof content === 'string' ? content : JSON.stringify(content);
        if (path === 'stdout') to.out(text);
        else if (path === 'stderr') to.err(text);
        else await writeText(resolve(path), text);
      }
      return;
    } catch (e) {
      to.err(
        `handleSummary() failed: ${(e as Error).message}\nfalling back to the default summary\n`,
      );
    }
  }
  if (!to.noSummary && !to.quiet) to.out(textSummary(summary));
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, text);
}

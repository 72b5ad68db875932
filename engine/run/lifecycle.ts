// VU 0, the one VU that runs no iteration: it reads the script's options
// and exports (init), and runs setup(), teardown() and handleSummary(), as
// k6's own VU 0 does. Then the end-of-test summaries are written: the
// legacy --summary-export, handleSummary()'s files, or the text summary.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EXIT, ExitError, type ExitCode } from '../../core/errors.ts';
import { legacySummary, textSummary, type SummaryData } from '../end-of-test-summary.ts';
import type { VuHost } from '../vu-host.ts';
import type { TestStop } from './test-stop.ts';
import type { VuFleet } from './vu-fleet.ts';

/**
 * VU 0; `host` is replaced when setup() or teardown() hangs past its timeout
 * (see callWithin). `setupData`: what setup() returned (JSON), for
 * handleSummary()'s `setup_data`.
 */
export type Vu0 = { host: VuHost; exports: string[]; options: unknown; setupData?: string };

/** k6's default setupTimeout and teardownTimeout. */
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Calls setup() or teardown() in VU 0, within its timeout. Past it, the test
 * ends as k6 ends it (exit 100 or 101, summary written): VU 0 is stopped and,
 * since a script stuck in a loop never returns to take another call, a fresh
 * VU 0 takes its place for handleSummary().
 */
async function callWithin(
  vu0: Vu0,
  fleet: VuFleet,
  fn: 'setup' | 'teardown',
  arg: string | undefined,
  timeoutMs: number,
): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const call = vu0.host.call(fn, arg);
  try {
    const result = await Promise.race([call, timedOut]);
    if (result !== 'timeout') return result;
  } finally {
    clearTimeout(timer);
  }
  call.catch(() => undefined); // it ends, if ever, with the VU it ran in
  const stuck = vu0.host;
  stuck.stop('hard');
  vu0.host = await fleet.start();
  await stuck.terminate().catch(() => undefined);
  throw new ExitError(
    fn === 'setup' ? EXIT.setupTimeout : EXIT.teardownTimeout,
    `${fn}() execution timed out after ${timeoutMs / 1000} seconds`,
  );
}

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

/** What setup() came to: its data, a test.abort(), or the failure that ends the test (107, 100). */
export type SetupOutcome = { data?: string; aborted: boolean; failure?: ExitError };

/**
 * setup() when the script has one. Its exception (107) or its timeout (100)
 * ends the test before any iteration, but not before the summary, as in k6.
 */
export async function runSetup(
  vu0: Vu0,
  fleet: VuFleet,
  stop: TestStop,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<SetupOutcome> {
  if (!vu0.exports.includes('setup') || stop.signal.aborted) return { aborted: false };
  try {
    vu0.setupData = await callWithin(vu0, fleet, 'setup', undefined, timeoutMs);
    return { data: vu0.setupData, aborted: false };
  } catch (e) {
    if (e instanceof ExitError) return { aborted: false, failure: e };
    if (stop.reason) return { aborted: true };
    const failure = new ExitError(EXIT.scriptException, `setup() failed: ${(e as Error).message}`);
    return { aborted: false, failure };
  }
}

/** teardown() when the script has one: ok, or the code it ends the test with (107; 101 past its timeout). */
export async function runTeardown(
  vu0: Vu0,
  fleet: VuFleet,
  data: string | undefined,
  stop: TestStop,
  err: (text: string) => void,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ExitCode> {
  if (!vu0.exports.includes('teardown')) return EXIT.ok;
  try {
    await callWithin(vu0, fleet, 'teardown', data, timeoutMs);
  } catch (e) {
    if (e instanceof ExitError) {
      err(`${e.message}\n`);
      return e.code;
    }
    if (!stop.reason) {
      err(`teardown() failed: ${(e as Error).message}\n`);
      return EXIT.scriptException;
    }
  }
  return EXIT.ok;
}

export type SummaryTargets = {
  summaryExport?: string;
  /** No text summary (--no-summary). --quiet hides only the progress: k6 still prints the summary. */
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
  if (to.summaryExport) await writeText(to.summaryExport, legacySummary(summary, vu0.setupData));
  if (vu0.exports.includes('handleSummary')) {
    try {
      const data =
        vu0.setupData === undefined
          ? summary
          : { ...summary, setup_data: JSON.parse(vu0.setupData) as unknown };
      const result = await vu0.host.call('handleSummary', JSON.stringify(data));
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
  if (!to.noSummary) to.out(textSummary(summary));
}

async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, text);
}

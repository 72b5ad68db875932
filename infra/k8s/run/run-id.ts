// The id of one scheduled run: `<metadata.name>-<yyyymmdd-hhmmss>-<4 hex>`,
// in UTC. It names the TestRun, is the runners' RUN_ID and their `testid`
// tag, so one id finds the object, the pods and the series of a run.
import { randomBytes } from 'node:crypto';

/** The `-yyyymmdd-hhmmss-xxxx` the id adds to the manifest's name. */
const SUFFIX_LENGTH = 21;
/**
 * k6-operator names its Jobs `<testrun>-initializer`, `-starter`, `-<n>`, and
 * a Job's name is a label value (≤ 63): the id leaves room for the longest.
 */
export const MAX_RUN_ID_LENGTH = 63 - '-initializer'.length;

export function newRunId(name: string, now = new Date(), hex = randomBytes(2).toString('hex')) {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  // A long name is cut, never the stamp; a cut ending in '-' would not be a DNS label.
  const base = name.slice(0, MAX_RUN_ID_LENGTH - SUFFIX_LENGTH).replace(/-+$/, '');
  return `${base}-${stamp}-${hex}`;
}

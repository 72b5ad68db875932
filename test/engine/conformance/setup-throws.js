// An exception in setup(): exit 107, no iteration, and the summary is still
/* global __ENV */
// written (--summary-export and handleSummary()).
export function setup() {
  throw new Error('boom in setup');
}
export default function () {}

export function handleSummary() {
  return { [__ENV.SUMMARY_FILE]: JSON.stringify({ written: true }) };
}

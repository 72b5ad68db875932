/* global __ENV, __VU */
// A VU that allocates without end: in its init code (OOM_AT=init, VUs after
// VU 0) or in its iteration (OOM_AT=iteration).
export const options = { vus: 1, iterations: 1 };

const hog = [];
const eat = () => {
  for (;;) hog.push(new Array(1e5).fill(hog.length));
};
if (__ENV.OOM_AT === 'init' && __VU > 0) eat();

export default function () {
  if (__ENV.OOM_AT === 'iteration') eat();
}

export function handleSummary(data) {
  return { [__ENV.SUMMARY_FILE]: JSON.stringify({ iterations: data.metrics.iterations ?? null }) };
}

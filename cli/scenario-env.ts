// The `-e NAME=value` of `loadgate run`, checked by name before anything
// starts: a name the scenarios do not read would be silently ignored (a
// typo'd TARGET_RSP runs the default load), and the names `loadgate run`
// sets itself would be overwritten. The valid names are lib/catalogue.ts's.
import { SCENARIO_VARIABLES } from '../lib/catalogue.ts';

/** Set by `loadgate run` from its flags and the run, never by -e. */
const SET_BY_RUN: Readonly<Record<string, string>> = {
  BASE_URL: '--target',
  PROFILE: 'the profile argument',
  RUN_ID: 'the run (results/<run-id>)',
  RESULTS_DIR: '--results',
};

/** One problem per refused name, with the closest valid name when there is one. */
export function scenarioEnvProblems(names: readonly string[]): string[] {
  const valid = SCENARIO_VARIABLES.filter((n) => !(n in SET_BY_RUN));
  const problems: string[] = [];
  for (const name of names) {
    if (name in SET_BY_RUN) {
      problems.push(`-e ${name}: set by loadgate run from ${SET_BY_RUN[name]}`);
      continue;
    }
    if ((valid as readonly string[]).includes(name)) continue;
    const closest = closestName(name, valid);
    problems.push(
      `-e ${name}: not a scenario variable${closest ? ` (did you mean ${closest}?)` : ''}; known: ${valid.join(', ')}`,
    );
  }
  return problems;
}

/** The candidate nearest to `name` (case-insensitive edit distance), if near enough to be a typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toUpperCase(), candidate.toUpperCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

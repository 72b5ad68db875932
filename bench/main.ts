export {}; // a module: top-level await below
// `npm run bench [-- area…]`: every benchmark prints its figures beside a
// reference measured in the same run, so a noisy machine shifts both sides.
// Targets are printed, never asserted: timing belongs here, not in tests.

const areas = {
  gateway: () => import('./gateway.ts'),
  engine: () => import('./engine.ts'),
  slo: () => import('./slo.ts'),
  'results-size': () => import('./results-size.ts'),
  runners: () => import('./runners.ts'),
} satisfies Record<string, () => Promise<{ bench(): Promise<void> }>>;

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in areas));
if (unknown.length) {
  process.stderr.write(
    `bench: unknown area(s) ${unknown.join(', ')}; known: ${Object.keys(areas).join(', ')}\n`,
  );
  process.exit(2);
}
for (const [name, load] of Object.entries(areas)) {
  if (wanted.length && !wanted.includes(name)) continue;
  process.stdout.write(`\n== ${name} ==\n`);
  await (await load()).bench();
}

// The layout's rules, checked on every file of the repository rather than
// trusted to review (docs/architecture.md explains them): which folder may
// import which, no import cycle, one exit-code table, and every dependency in
// package.json used.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../core/errors.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', 'k6-bundles', 'results', 'build', '.git', 'coverage']);

function sourceFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}

const FILES = sourceFiles();

/**
 * Relative imports of a file (static, re-exports and dynamic), as repository
 * paths. `import type` is left out: it is erased before anything runs, so it
 * orders no module loading (two classes may name each other's types).
 */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/^\s*(\/\/.*|\*.*|\/\*.*)$/gm, '');
  const specifiers = [
    ...text.matchAll(/\b(?:import|export)\s(?!type\s)[^;'"]*?from\s*'([^']+)'/g),
    ...text.matchAll(/\bimport\s*'([^']+)'/g),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));
const top = (file: string) => file.split('/')[0]!;

describe('layout', () => {
  it('finds the source files and their imports', () => {
    // Guards the rules below against a scanner that silently sees nothing.
    expect(FILES).toContain('cli/main.ts');
    expect(GRAPH.get('cli/main.ts')!.length).toBeGreaterThan(0);
  });

  it('only cli/, its executable and its tests import cli/', () => {
    const offenders = [...GRAPH].flatMap(([file, imports]) =>
      // bin/loadgate.mjs is the executable that starts cli/main.ts.
      ['cli', 'bin'].includes(top(file)) || file.startsWith('test/cli/')
        ? []
        : imports.filter((i) => top(i) === 'cli').map((i) => `${file} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('core/ is a leaf: it imports nothing of the project', () => {
    const offenders = [...GRAPH]
      .filter(([file]) => top(file) === 'core')
      .flatMap(([file, imports]) =>
        imports.filter((i) => top(i) !== 'core').map((i) => `${file} → ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('bench/ imports nothing from test/', () => {
    const offenders = [...GRAPH]
      .filter(([file]) => top(file) === 'bench')
      .flatMap(([file, imports]) =>
        imports.filter((i) => top(i) === 'test').map((i) => `${file} → ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('has no import cycle', () => {
    // Tarjan's strongly connected components: any component of more than one
    // file (or a file importing itself) is a cycle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let next = 0;
    const visit = (v: string) => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      for (const w of GRAPH.get(v) ?? []) {
        if (!GRAPH.has(w)) continue;
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || GRAPH.get(v)!.includes(v)) cycles.push(component.sort());
      }
    };
    for (const file of GRAPH.keys()) if (!index.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('writes no literal exit number: codes come from core/errors.ts', () => {
    const offenders = FILES.filter((f) => f !== 'test/layout.test.ts').filter((f) =>
      /ExitError\(\s*\d/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('uses every dependency package.json lists', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const code = FILES.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
    const scripts = Object.values(pkg.scripts).join('\n');
    // Packages whose command has another name than the package.
    const command: Record<string, string> = { typescript: 'tsc' };
    const unused = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
      (name) =>
        !name.startsWith('@types/') &&
        !new RegExp(`['"]${name}(/[^'"]*)?['"]`).test(code) &&
        !new RegExp(`(^|[\\s;&])${command[name] ?? name}\\s`, 'm').test(scripts),
    );
    expect(unused).toEqual([]);
  });
});

describe('README', () => {
  it("documents exactly core/errors.ts's exit codes", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### Exit codes'));
    const rows = table
      .split('\n')
      .filter((l) => /^\| *[\d, ]+ *\|/.test(l))
      .flatMap((l) =>
        l
          .split('|')[1]!
          .split(',')
          .map((n) => Number(n.trim())),
      );
    expect(rows.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });
});

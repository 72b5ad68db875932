// `loadgate --version` (-V): loadgate's version (package.json), the engine a
// run would use (the built-in one, or real k6 with `k6 version`'s answer) and
// Node's version, one per line on stdout.
import { readFile } from 'node:fs/promises';
import { parseCommandLine } from '../args.ts';
import { engineInfo, type EngineInfo } from '../../engine/k6-version.ts';
import { EXIT } from '../../core/errors.ts';

const USAGE = `Usage: loadgate --version (-V)

Prints loadgate's version, the engine a run would use (real k6 when it is on
PATH or K6_BIN is set, with \`k6 version\`'s answer; the built-in engine
otherwise) and Node's version.`;

const PACKAGE = new URL('../../package.json', import.meta.url);

export async function main(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    argv,
    { options: { help: { type: 'boolean', short: 'h' } } },
    "see 'loadgate --version --help'",
  );
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  process.stdout.write(versionText(await loadgateVersion(), await engineInfo()) + '\n');
  return EXIT.ok;
}

export async function loadgateVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(PACKAGE, 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

export function versionText(version: string, engine: EngineInfo): string {
  const k6 =
    engine.engine === 'builtin'
      ? 'engine: built-in (k6 not found on PATH or K6_BIN)'
      : `engine: k6 ${engine.path}: ${engine.version ?? engine.problem}`;
  return [`loadgate ${version}`, k6, `node ${process.version}`].join('\n');
}

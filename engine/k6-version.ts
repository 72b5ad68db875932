// Which engine a run would use, said before any run: real k6 (found as
// engine/real-k6.ts finds it) with what `k6 version` answers, or the built-in
// engine. For `loadgate --version` and `loadgate doctor`.
import { execFile } from 'node:child_process';
import { findK6 } from './real-k6.ts';

export type EngineInfo =
  | { engine: 'builtin' }
  /** `version` is k6's first line (`k6 v0.52.0 (go1.22.4, linux/amd64)`); `problem` when it would not answer. */
  | { engine: 'k6'; path: string; version?: string; problem?: string };

/** The engine `loadgate run --engine auto` would pick in `env`, with k6's version when it is k6. */
export async function engineInfo(env: NodeJS.ProcessEnv = process.env): Promise<EngineInfo> {
  const path = findK6(env);
  if (!path) return { engine: 'builtin' };
  return { engine: 'k6', path, ...(await k6Version(path, env)) };
}

function k6Version(
  path: string,
  env: NodeJS.ProcessEnv,
): Promise<{ version?: string; problem?: string }> {
  return new Promise((resolve) => {
    execFile(path, ['version'], { env, timeout: 10_000 }, (error, stdout) => {
      const first = String(stdout).trim().split('\n')[0]?.trim();
      if (error)
        resolve({ problem: `\`${path} version\` failed: ${error.message.split('\n')[0]}` });
      else if (!first) resolve({ problem: `\`${path} version\` printed nothing` });
      else resolve({ version: first });
    });
  });
}

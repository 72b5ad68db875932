// The local platform gateway (infra/local/gateway) in a child process for the
// k6-side tests: their HTTP is synchronous and blocks the test's thread.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');

export interface LocalGateway {
  url: string;
  stop(): Promise<void>;
}

export async function startLocalGateway(): Promise<LocalGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loadgate-k6-gateway-'));
  const code = `
    import { createGateway, listen } from ${JSON.stringify(join(root, 'infra/local/gateway/app.ts'))};
    const gw = createGateway({ dataDir: ${JSON.stringify(dataDir)}, orderConfirmDelayMs: 200 });
    console.log(await listen(gw));
    process.on('SIGTERM', () => gw.close().then(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((done, fail) => {
    child.stdout.once('data', (chunk: Buffer) => done(chunk.toString().trim()));
    child.once('exit', (exitCode) => fail(new Error(`gateway exited with ${exitCode}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

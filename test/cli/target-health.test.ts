// `loadgate run`'s first request: the gateway's /health, with an error that
// says what to do. A gateway with a private CA is the usual staging setup.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:https';
import { createServer as createHttpServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTargetHealth } from '../../cli/target-health.ts';
import { exitCodeOf, type ExitError } from '../../core/errors.ts';
import { hasOpenssl, selfSignedCert } from '../self-signed.ts';

const run = promisify(execFile);
const servers: Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r)))));

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function failure(target: string): Promise<Error> {
  return checkTargetHealth(target).then(
    () => {
      throw new Error('expected the health check to fail');
    },
    (e: Error) => e,
  );
}

describe('checkTargetHealth', () => {
  it('passes on 2xx and fails with exit 3 naming the status otherwise', async () => {
    let status = 200;
    const port = await listen(createHttpServer((_, res) => res.writeHead(status).end()));
    await expect(checkTargetHealth(`http://127.0.0.1:${port}`)).resolves.toBeUndefined();
    status = 503;
    const e = await failure(`http://127.0.0.1:${port}`);
    expect(exitCodeOf(e)).toBe(3);
    expect(e.message).toMatch(/answered 503/);
  });

  it.skipIf(!hasOpenssl)(
    'names an untrusted certificate and how to trust its CA, not "does not answer"',
    async () => {
      const { keyPath, certPath } = selfSignedCert(mkdtempSync(join(tmpdir(), 'lg-tls-')));
      const tls = { key: readFileSync(keyPath), cert: readFileSync(certPath) };
      const port = await listen(createServer(tls, (_, res) => res.end('ok')) as unknown as Server);
      const e = await failure(`https://127.0.0.1:${port}`);
      expect(exitCodeOf(e)).toBe(3);
      expect(e.message).toMatch(
        /TLS certificate is not trusted: GET https:\/\/127\.0\.0\.1:\d+\/health: DEPTH_ZERO_SELF_SIGNED_CERT/,
      );
      expect((e as ExitError).hint).toMatch(/NODE_EXTRA_CA_CERTS=.*SSL_CERT_FILE=/);
      // The hint works: with the CA given, the same check passes.
      const check = `import('./cli/target-health.ts').then((m) => m.checkTargetHealth('https://127.0.0.1:${port}'))`;
      const { stderr } = await run(process.execPath, ['--import', 'tsx', '-e', check], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
      });
      expect(stderr).toBe('');
    },
  );
});

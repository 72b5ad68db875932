import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasOpenssl, selfSignedCert } from '../self-signed.ts';
import { checksByName, runForPoints } from './points.ts';

/**
 * https:// on the built-in engine (undici on the main thread): a real
 * gateway's certificate is checked unless the script says
 * insecureSkipTLSVerify, as in k6.
 */
const openssl = hasOpenssl;

let tmp: string;
let server: Server;
let base: string;

beforeAll(async () => {
  if (!openssl) return;
  tmp = await mkdtemp(join(tmpdir(), 'loadgate-https-'));
  const { keyPath: key, certPath: cert } = selfSignedCert(tmp);
  server = createServer({ key: await readFile(key), cert: await readFile(cert) }, (_req, res) =>
    res.end('secure'),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  base = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  if (!openssl) return;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(tmp, { recursive: true, force: true });
});

async function checks(name: string, options: string) {
  const script = join(tmp, `${name}.js`);
  await writeFile(
    script,
    `import http from 'k6/http';
import { check } from 'k6';
export const options = ${options};
export default function () {
  const r = http.get(__ENV.BASE_URL + '/');
  check(r, {
    'served over TLS': (res) => res.status === 200 && res.body === 'secure',
    'self-signed certificate refused': (res) => res.status === 0 && res.error_code === 1310,
    'TLS handshake timed': (res) => res.timings.tls_handshaking > 0,
  });
}
`,
  );
  const r = await runForPoints(script, { env: { BASE_URL: base }, outDir: tmp });
  const passed: Record<string, number> = {};
  for (const [name, values] of Object.entries(checksByName(r.points))) passed[name] = values[0]!;
  return { exitCode: r.exitCode, passed };
}

describe.skipIf(!openssl)(`https${openssl ? '' : ' (skipped: openssl is not installed)'}`, () => {
  it('refuses a self-signed certificate with k6 error code 1310', async () => {
    const r = await checks('strict', '{ iterations: 1 }');
    expect(r.exitCode).toBe(0);
    expect(r.passed).toEqual({
      'served over TLS': 0,
      'self-signed certificate refused': 1,
      'TLS handshake timed': 0,
    });
  });

  it('talks to it with insecureSkipTLSVerify, timing the handshake', async () => {
    const r = await checks('insecure', '{ iterations: 1, insecureSkipTLSVerify: true }');
    expect(r.exitCode).toBe(0);
    expect(r.passed).toEqual({
      'served over TLS': 1,
      'self-signed certificate refused': 0,
      'TLS handshake timed': 1,
    });
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prometheusAuth } from '../../cli/prometheus-auth.ts';

// `run` and `slo check` read Prometheus credentials from flags first, then
// from the environment (out of shell history), and never echo one in an error.

describe('prometheusAuth', () => {
  it('reads every setting from the environment when no flag gives it', async () => {
    expect(
      await prometheusAuth(
        {},
        {
          PROMETHEUS_TOKEN: 'tok',
          PROMETHEUS_HEADERS: 'X-Scope-OrgID=tenant\nX-Other=a=b',
          PROMETHEUS_CA_FILE: '/ca.pem',
          PROMETHEUS_INSECURE: '1',
        },
      ),
    ).toEqual({
      bearerToken: 'tok',
      headers: { 'X-Scope-OrgID': 'tenant', 'X-Other': 'a=b' },
      caFile: '/ca.pem',
      insecure: true,
    });
    expect(await prometheusAuth({}, { PROMETHEUS_BASIC_AUTH: 'u:p' })).toEqual({
      basicAuth: 'u:p',
    });
  });

  it('lets a flag win over the environment, and a token file over a token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadgate-auth-'));
    try {
      await writeFile(join(dir, 'token'), 'from-file\n');
      const env = { PROMETHEUS_TOKEN: 'env', PROMETHEUS_TOKEN_FILE: join(dir, 'token') };
      expect((await prometheusAuth({}, env)).bearerToken).toBe('from-file');
      expect((await prometheusAuth({ 'bearer-token': 'flag' }, env)).bearerToken).toBe('flag');
      const headers = await prometheusAuth(
        { header: ['X-Scope-OrgID=flag'] },
        { PROMETHEUS_HEADERS: 'X-Scope-OrgID=env' },
      );
      expect(headers.headers).toEqual({ 'X-Scope-OrgID': 'flag' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses malformed values without repeating the secret', async () => {
    await expect(prometheusAuth({ 'basic-auth': 'no-colon-secret' }, {})).rejects.toThrow(
      /expects USER:PASSWORD/,
    );
    const error = await prometheusAuth({ header: ['Authorization: Bearer s3cr3t'] }, {}).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(/--header an entry is not NAME=VALUE/);
    expect((error as Error).message).not.toContain('s3cr3t');
    await expect(prometheusAuth({ 'bearer-token-file': '/nope/token' }, {})).rejects.toThrow(
      /cannot read the bearer token file \/nope\/token: ENOENT/,
    );
  });
});

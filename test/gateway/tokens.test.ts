import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokens } from '../../infra/local/gateway/tokens.ts';
import { api, startGateway, type Running } from './helpers.ts';

// The local gateway's tokens must be worthless outside the start that signed
// them, and read one user id one way only.

/** An HS256 token over any claims, signed with `secret`. */
function forge(secret: string, claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

const exp = () => Math.floor(Date.now() / 1000) + 3600;

describe('gateway tokens', () => {
  let gw: Running;
  let userId: number;
  beforeAll(async () => {
    gw = await startGateway();
    const res = await api(gw.url, '/api/auth/register', {
      json: { name: 'Ada', email: 'ada@example.test', password: 'correct horse battery' },
    });
    expect(res.status).toBe(201);
    userId = res.body.user.id;
  });
  afterAll(() => gw.stop());

  it('refuses a token signed with the secret earlier versions shipped as a constant', async () => {
    const token = forge('loadgate-local-platform-dev-secret', { sub: String(userId), exp: exp() });
    expect((await api(gw.url, '/api/auth/me', { token })).status).toBe(401);
  });

  it('signs with a secret of its own at every start', async () => {
    const other = await startGateway();
    try {
      const res = await api(other.url, '/api/auth/register', {
        json: { name: 'Bob', email: 'bob@example.test', password: 'correct horse battery' },
      });
      // Same user id in both databases, so only the secret tells them apart.
      expect(res.body.user.id).toBe(userId);
      expect((await api(gw.url, '/api/auth/me', { token: res.body.token })).status).toBe(401);
      expect((await api(other.url, '/api/auth/me', { token: res.body.token })).status).toBe(200);
    } finally {
      await other.stop();
    }
  });

  it.each([[['2']], ['0x2'], ['2e0'], [' 2'], ['02'], [2], ['2.0']])(
    'reads `sub` only in its canonical form, not %j',
    (sub) => {
      const secret = 'a-test-secret-of-32-characters!!';
      const tokens = new Tokens(secret);
      expect(tokens.verify(forge(secret, { sub: '2', exp: exp() }))).toBe(2);
      expect(tokens.verify(forge(secret, { sub, exp: exp() }))).toBeUndefined();
    },
  );
});

import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { classify } from '../../engine/exchange.ts';
import { UndiciExchanger } from '../../engine/undici-exchange.ts';

/** Network failures carry k6's error_code numbers (k6 docs, "Error codes"). */
const err = (code: string) => Object.assign(new Error(code), { code });

describe('error codes as k6 numbers them', () => {
  it('maps network failures to k6 codes', () => {
    expect(classify(new Error('request timeout'))[1]).toBe(1050);
    expect(classify(err('ENOTFOUND'))[1]).toBe(1101);
    expect(classify(err('EAI_AGAIN'))[1]).toBe(1100);
    expect(classify(err('UND_ERR_CONNECT_TIMEOUT'))[1]).toBe(1211);
    expect(classify(err('ECONNREFUSED'))[1]).toBe(1212);
    expect(classify(err('ECONNRESET'))[1]).toBe(1220);
    expect(classify(err('EPIPE'))[1]).toBe(1201);
    expect(classify(err('DEPTH_ZERO_SELF_SIGNED_CERT'))[1]).toBe(1310);
    expect(classify(err('ERR_TLS_CERT_ALTNAME_INVALID'))[1]).toBe(1311);
  });

  it('reports a refused connection as 1212 with status 0', async () => {
    // A port that was just free: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const client = new UndiciExchanger();
    try {
      const res = await client.exchange({
        method: 'GET',
        url: `http://127.0.0.1:${port}/`,
        headers: {},
        body: null,
        timeoutMs: 5000,
        responseType: 'text',
      });
      expect(res).toMatchObject({ status: 0, errorCode: 1212 });
    } finally {
      await client.close();
    }
  });
});

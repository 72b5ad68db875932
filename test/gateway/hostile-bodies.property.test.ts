// The local gateway under generated hostile bodies (fast-check, bounded): any
// JSON-ish or multipart-ish request gets an answer below 500, and the worker
// keeps serving.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, api, newUser, startGateway } from './helpers.ts';

let gw: Running;
let token: string;
beforeAll(async () => {
  gw = await startGateway({ maxUploadBytes: 256 * 1024 });
  token = (await newUser(gw.url)).token;
});
afterAll(() => gw.stop());

const bounded = { numRuns: 120, interruptAfterTimeLimit: 20_000 };

const jsonish = fc.oneof(
  fc.json(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.jsonValue().map((v) => JSON.stringify({ email: v, password: v, list: v, name: v })),
);

describe('JSON bodies', () => {
  it.each(['/api/auth/login', '/api/auth/register', '/api/newsletters/subscriptions'])(
    'POST %s: any body is answered below 500',
    async (path) => {
      await fc.assert(
        fc.asyncProperty(jsonish, async (body) => {
          const res = await api(gw.url, path, {
            raw: body,
            headers: { 'content-type': 'application/json' },
          });
          expect(res.status, `${path} ${JSON.stringify(body)}`).toBeLessThan(500);
        }),
        bounded,
      );
      expect((await api(gw.url, '/health')).status).toBe(200);
    },
    60_000,
  );
});

describe('multipart bodies', () => {
  // Parts a parser must survive: broken boundaries, headers without values,
  // unterminated parts, odd filenames and types, binary noise.
  const part = fc.record({
    name: fc.constantFrom('subject', 'message', 'order_id', 'attachment', '', 'x"y'),
    filename: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    type: fc.constantFrom('application/pdf', 'image/png', 'text/plain', '', 'a/b; x=y'),
    data: fc.uint8Array({ maxLength: 2048 }),
    closeLine: fc.boolean(),
  });
  const multipart = fc.record({
    parts: fc.array(part, { maxLength: 4 }),
    terminated: fc.boolean(),
    noise: fc.uint8Array({ maxLength: 64 }),
  });

  it('POST /api/sav/tickets: any body is answered below 500', async () => {
    await fc.assert(
      fc.asyncProperty(multipart, async ({ parts, terminated, noise }) => {
        const chunks: Buffer[] = [];
        for (const p of parts) {
          const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
          chunks.push(
            Buffer.from(
              `--B\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${p.type}\r\n\r\n`,
            ),
          );
          chunks.push(Buffer.from(p.data));
          if (p.closeLine) chunks.push(Buffer.from('\r\n'));
        }
        chunks.push(Buffer.from(noise));
        if (terminated) chunks.push(Buffer.from('--B--\r\n'));
        const res = await api(gw.url, '/api/sav/tickets', {
          method: 'POST',
          raw: Buffer.concat(chunks),
          token,
          headers: { 'content-type': 'multipart/form-data; boundary=B' },
        });
        expect(res.status).toBeLessThan(500);
      }),
      bounded,
    );
    expect((await api(gw.url, '/health')).status).toBe(200);
  }, 60_000);
});

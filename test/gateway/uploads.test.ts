import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, api, newUser, startGateway } from './helpers.ts';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);

let gw: Running;
let token: string;

beforeAll(async () => {
  // A 1 MiB upload limit keeps the 413 cases quick; the 10 MiB default is checked separately.
  gw = await startGateway({ maxUploadBytes: 1024 * 1024 });
  token = (await newUser(gw.url)).token;
});
afterAll(() => gw.stop());

function form(
  fields: Record<string, string>,
  file?: { bytes: Buffer; name: string; type?: string },
): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  if (file)
    data.append(
      'attachment',
      new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    );
  return data;
}

function upload(body: RequestInit['body'], auth = token) {
  return api(gw.url, '/api/sav/tickets', { method: 'POST', raw: body, token: auth });
}

const uploads = (): string[] => readdirSync(join(gw.dataDir, 'uploads'));

describe('SAV tickets', () => {
  it('stores pdf, png and jpeg under generated names, recognised by their bytes', async () => {
    for (const [bytes, mime, ext] of [
      [PDF, 'application/pdf', 'pdf'],
      [PNG, 'image/png', 'png'],
      [JPEG, 'image/jpeg', 'jpg'],
    ] as const) {
      // The declared type lies on purpose: only the bytes count.
      const res = await upload(
        form(
          { subject: 'Broken item', message: 'It arrived broken.' },
          { bytes, name: `proof.${ext}`, type: 'text/plain' },
        ),
      );
      expect(res.status).toBe(201);
      expect(res.body.data).toEqual({
        id: expect.any(Number),
        subject: 'Broken item',
        message: 'It arrived broken.',
        order_id: null,
        status: 'open',
        attachment: {
          filename: `proof.${ext}`,
          mime_type: mime,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        },
        created_at: expect.any(String),
      });
      const stored = uploads().filter((f) => f.endsWith(`.${ext}`));
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatch(/^[0-9a-f-]{36}\.(pdf|png|jpg)$/);
      expect(readFileSync(join(gw.dataDir, 'uploads', stored[0]!))).toEqual(bytes);

      const shown = await api(gw.url, `/api/sav/tickets/${res.body.data.id}`, { token });
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual(res.body);
    }
  });

  it("links a ticket to one of the user's orders, 422 for an unknown order", async () => {
    const unknown = await upload(
      form({ subject: 's', message: 'm', order_id: '999999' }, { bytes: PDF, name: 'a.pdf' }),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toHaveProperty('order_id');
  });

  it('422 for a type that is not pdf/png/jpeg, whatever it claims, and nothing is kept', async () => {
    const before = uploads();
    const exe = Buffer.from('MZ\x90\x00 definitely not a pdf');
    const res = await upload(
      form(
        { subject: 's', message: 'm' },
        { bytes: exe, name: 'invoice.pdf', type: 'application/pdf' },
      ),
    );
    expect(res.status).toBe(422);
    expect(res.body.errors.attachment).toEqual([expect.stringContaining('pdf')]);
    expect(uploads()).toEqual(before);
  });

  it('422 for missing fields or attachment', async () => {
    const res = await upload(form({ message: '' }));
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.errors).sort()).toEqual(['attachment', 'message', 'subject']);
  });

  it('path tricks in the file name get a 422 and never touch the file system outside uploads/', async () => {
    const before = uploads();
    for (const name of ['../../evil.pdf', '..\\..\\evil.pdf', '/etc/passwd', 'C:evil.pdf', '..']) {
      const res = await upload(form({ subject: 's', message: 'm' }, { bytes: PDF, name }));
      expect(res.status, name).toBe(422);
      expect(res.body.errors.attachment).toEqual(['Invalid file name.']);
    }
    expect(uploads()).toEqual(before);
    expect(readdirSync(gw.dataDir).sort()).toEqual([
      'gateway.sqlite',
      'gateway.sqlite-shm',
      'gateway.sqlite-wal',
      'uploads',
    ]);
  });

  it('413 above the limit, declared or streamed, without keeping a partial file', async () => {
    const before = uploads();
    const big = Buffer.concat([PDF, Buffer.alloc(3 * 1024 * 1024)]);
    const declared = await upload(
      form({ subject: 's', message: 'm' }, { bytes: big, name: 'big.pdf' }),
    );
    expect(declared.status).toBe(413);

    // Just over the limit: Content-Length is under limit + form overhead, so the stream limit must catch it.
    const over = Buffer.concat([PDF, Buffer.alloc(1024 * 1024)]);
    const streamed = await upload(
      form({ subject: 's', message: 'm' }, { bytes: over, name: 'over.pdf' }),
    );
    expect(streamed.status).toBe(413);

    // 1 GB announced by nobody (chunked): the server must stop reading long before.
    const head = new TextEncoder().encode(
      '--B\r\nContent-Disposition: form-data; name="attachment"; filename="huge.pdf"\r\n\r\n%PDF-',
    );
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
      },
      pull(controller) {
        if ((sent += chunk.length) > 1024 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const huge = await fetch(`${gw.url}/api/sav/tickets`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'multipart/form-data; boundary=B',
      },
    } as RequestInit);
    expect(huge.status).toBe(413);
    expect(sent).toBeLessThan(64 * 1024 * 1024);

    expect(uploads().filter((f) => !before.includes(f))).toEqual([]);
    expect((await api(gw.url, '/health')).status).toBe(200);
  });

  it('415 without multipart, 400 for a broken multipart body, 401 without a token', async () => {
    const json = await api(gw.url, '/api/sav/tickets', {
      token,
      json: { subject: 's', message: 'm' },
    });
    expect(json.status).toBe(415);
    const broken = await api(gw.url, '/api/sav/tickets', {
      token,
      raw: '--XX\r\nContent-Disposition: form-data; name="subject"\r\n\r\nhello',
      headers: { 'content-type': 'multipart/form-data; boundary=XX' },
    });
    expect(broken.status).toBe(400);
    const noBoundary = await api(gw.url, '/api/sav/tickets', {
      token,
      raw: 'x',
      headers: { 'content-type': 'multipart/form-data; charset=utf-8' },
    });
    expect(noBoundary.status).toBe(400);
    expect(
      (await upload(form({ subject: 's', message: 'm' }, { bytes: PDF, name: 'a.pdf' }), ''))
        .status,
    ).toBe(401);
    expect((await api(gw.url, '/api/sav/tickets/999999', { token })).status).toBe(404);
  });

  // Found by test/gateway/hostile-bodies.property.test.ts: the dropped part's
  // stream errored with no listener, an unhandled 'error' that kills a worker.
  it('400 for a file part other than the attachment cut short, and keeps serving', async () => {
    const cut = await api(gw.url, '/api/sav/tickets', {
      token,
      raw: '--B\r\nContent-Disposition: form-data; name="other"; filename="x.bin"\r\n\r\nabc',
      headers: { 'content-type': 'multipart/form-data; boundary=B' },
    });
    expect(cut.status).toBe(400);
    expect((await api(gw.url, '/health')).status).toBe(200);
  });
});

describe('default upload limit', () => {
  it('accepts 9 MiB and refuses 11 MiB (10 MiB limit)', async () => {
    const g = await startGateway();
    try {
      const { token: t } = await newUser(g.url);
      const send = (size: number) => {
        const data = new FormData();
        data.append('subject', 's');
        data.append('message', 'm');
        data.append('attachment', new Blob([PDF, Buffer.alloc(size)]), 'scan.pdf');
        return api(g.url, '/api/sav/tickets', { method: 'POST', raw: data, token: t });
      };
      expect((await send(9 * 1024 * 1024)).status).toBe(201);
      expect((await send(11 * 1024 * 1024)).status).toBe(413);
    } finally {
      await g.stop();
    }
  });
});

import Busboy, { type BusboyHeaders } from '@fastify/busboy';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type FieldErrors, HttpError, tooLarge } from './http.ts';

/** A received file, streamed to disk under a generated name (never the client's). */
export interface ReceivedFile {
  /** Random id: the file is `<dir>/<id>.part` until the caller renames it. */
  id: string;
  /** `filename` exactly as the client sent it (path included): validate before showing it. */
  clientName: string;
  path: string;
  size: number;
  sha256: string;
  /** The first bytes, for recognising the type by its magic number. */
  head: Buffer;
}

export interface Upload {
  fields: Record<string, string>;
  /** Fields whose value was cut at the size limit. */
  tooLong: FieldErrors;
  file?: ReceivedFile;
}

const FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 10;
/** Room for the text fields and part headers beside the file in Content-Length. */
const FORM_OVERHEAD = MAX_FIELDS * FIELD_BYTES + 64 * 1024;
const HEAD_BYTES = 16;

/**
 * Stream a `multipart/form-data` body: text fields into memory (64 KiB max
 * each), the one file named `fileField` to `dir` while hashing it. Above
 * `maxFileBytes` it stops reading at once and rejects with 413 (a 1 GB upload
 * is never buffered, nor written past the limit). Other files are discarded.
 */
export function receiveMultipart(
  req: IncomingMessage,
  opts: { fileField: string; maxFileBytes: number; dir: string },
): Promise<Upload> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    return Promise.reject(new HttpError(415, 'Content-Type must be multipart/form-data'));
  }
  if (Number(req.headers['content-length']) > opts.maxFileBytes + FORM_OVERHEAD) {
    return Promise.reject(tooLarge(opts.maxFileBytes));
  }
  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({
      headers: req.headers as BusboyHeaders,
      preservePath: true,
      limits: {
        fileSize: opts.maxFileBytes,
        files: 1,
        fields: MAX_FIELDS,
        fieldSize: FIELD_BYTES,
        parts: MAX_FIELDS + 2,
        headerPairs: 20,
      },
    });
  } catch {
    return Promise.reject(new HttpError(400, 'Malformed multipart Content-Type'));
  }
  const bb = parser;

  return new Promise<Upload>((resolve, reject) => {
    const upload: Upload = { fields: {}, tooLong: {} };
    let writing: Promise<void> = Promise.resolve();
    let fileStream: Readable | undefined;
    let settled = false;

    const fail = (err: HttpError): void => {
      if (settled) return;
      settled = true;
      // Stop reading the request (the app answers, then cuts the connection)
      // and answer only once the partial file is gone.
      req.unpipe(bb);
      req.pause();
      fileStream?.destroy();
      const path = upload.file?.path;
      const cleanup = path
        ? writing.catch(() => undefined).then(() => rm(path, { force: true }))
        : writing;
      cleanup.then(
        () => reject(err),
        () => reject(err),
      );
    };

    bb.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) upload.tooLong[name] = [`Longer than ${FIELD_BYTES} bytes.`];
      else upload.fields[name] = value;
    });

    bb.on('file', (name, stream, filename) => {
      if (settled || name !== opts.fileField || upload.file) {
        // Drained and dropped. A part cut short errors this stream too: without
        // a listener that 'error' would take the whole worker down (the body's
        // own failure is answered through bb's 'error').
        stream.on('error', () => undefined);
        stream.resume();
        return;
      }
      const id = randomUUID();
      const file: ReceivedFile = {
        id,
        clientName: filename,
        path: join(opts.dir, `${id}.part`),
        size: 0,
        sha256: '',
        head: Buffer.alloc(0),
      };
      upload.file = file;
      const hash = createHash('sha256');
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          file.size += chunk.length;
          if (file.head.length < HEAD_BYTES) {
            // Copy the few bytes needed rather than keep the whole chunk alive.
            file.head = Buffer.concat([
              file.head,
              chunk.subarray(0, HEAD_BYTES - file.head.length),
            ]);
          }
          done(null, chunk);
        },
      });
      fileStream = stream;
      stream.once('limit', () => fail(tooLarge(opts.maxFileBytes)));
      writing = pipeline(stream, meter, createWriteStream(file.path, { flags: 'wx' })).then(() => {
        file.sha256 = hash.digest('hex');
      });
      writing.catch(() => fail(new HttpError(400, 'Upload interrupted')));
    });

    bb.on('error', () => fail(new HttpError(400, 'Malformed multipart body')));
    bb.on('finish', () => {
      writing.then(
        () => {
          if (settled) return;
          settled = true;
          resolve(upload);
        },
        () => fail(new HttpError(400, 'Upload interrupted')),
      );
    });
    // Bytes before the first boundary (preamble) are not bounded by busboy's limits.
    let received = 0;
    const maxBytes = opts.maxFileBytes + FORM_OVERHEAD;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) fail(tooLarge(opts.maxFileBytes));
    });
    req.on('close', () => {
      if (!req.complete) fail(new HttpError(400, 'Client closed the connection'));
    });
    req.pipe(bb);
  });
}

/** Types accepted as SAV attachments, recognised by their first bytes (not the declared type). */
const MAGIC: { mime: string; ext: string; bytes: number[] }[] = [
  { mime: 'application/pdf', ext: 'pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { mime: 'image/png', ext: 'png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: 'image/jpeg', ext: 'jpg', bytes: [0xff, 0xd8, 0xff] },
];

export function sniffType(head: Buffer): { mime: string; ext: string } | undefined {
  return MAGIC.find((m) => m.bytes.every((b, i) => head[i] === b));
}

/**
 * A client file name we are willing to store and echo back: a plain name,
 * no directory part (`../`, `C:\`), no control characters. It is metadata
 * only; the file on disk always has a generated name.
 */
export function safeClientName(name: string): boolean {
  return (
    name.length > 0 &&
    Buffer.byteLength(name) <= 255 &&
    name !== '.' &&
    name !== '..' &&
    // eslint-disable-next-line no-control-regex
    !/[/\\\x00-\x1f\x7f]/.test(name) &&
    !/^[A-Za-z]:/.test(name)
  );
}

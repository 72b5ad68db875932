import { mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { now, type Db } from './db.ts';
import { type Ctx, HttpError, type Reply, data, idParam, notFound } from './http.ts';
import { serviceLabel, savTickets } from './metrics.ts';
import { receiveMultipart, safeClientName, sniffType } from './multipart.ts';

const TicketFields = z.object({
  subject: z.string().trim().min(1).max(200),
  message: z.string().trim().min(1).max(5000),
  order_id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'Must be a positive integer.')
    .transform(Number)
    .optional(),
});

interface TicketRow {
  id: number;
  subject: string;
  message: string;
  order_id: number | null;
  status: string;
  filename: string;
  mime_type: string;
  size: number;
  sha256: string;
  created_at: string;
}

/**
 * After-sales (SAV) tickets with one attachment. Files land in
 * `<dataDir>/uploads/` as `<uuid>.<pdf|png|jpg>`: the client's name is kept
 * as metadata only, so no name can reach outside the directory.
 */
export class SavTickets {
  private readonly uploadDir: string;
  private readonly insert;
  private readonly ticketById;
  private readonly ownOrder;

  constructor(
    db: Db,
    dataDir: string,
    private readonly maxUploadBytes: number,
  ) {
    this.uploadDir = join(dataDir, 'uploads');
    mkdirSync(this.uploadDir, { recursive: true });
    this.insert = db.prepare<
      [number, string, string, number | null, string, string, number, string, string, string]
    >(
      `INSERT INTO sav_tickets
       (user_id, subject, message, order_id, status, filename, mime_type, size, sha256, stored_name, created_at)
       VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)`,
    );
    this.ticketById = db.prepare<[number, number], TicketRow>(
      `SELECT id, subject, message, order_id, status, filename, mime_type, size, sha256, created_at
       FROM sav_tickets WHERE id = ? AND user_id = ?`,
    );
    this.ownOrder = db.prepare<[number, number], { id: number }>(
      'SELECT id FROM orders WHERE id = ? AND user_id = ?',
    );
  }

  async create(ctx: Ctx): Promise<Reply> {
    const upload = await receiveMultipart(ctx.req, {
      fileField: 'attachment',
      maxFileBytes: this.maxUploadBytes,
      dir: this.uploadDir,
    });
    const file = upload.file;
    try {
      const errors = { ...upload.tooLong };
      const fields = TicketFields.safeParse(upload.fields);
      if (!fields.success) {
        for (const issue of fields.error.issues)
          (errors[String(issue.path[0])] ??= []).push(issue.message);
      }
      const type = file && sniffType(file.head);
      if (!file) errors.attachment = ['A file is required.'];
      else if (!safeClientName(file.clientName)) errors.attachment = ['Invalid file name.'];
      else if (!type) errors.attachment = ['Must be a pdf, png or jpeg file.'];
      if (Object.keys(errors).length > 0 || !fields.success || !file || !type) {
        throw new HttpError(422, 'The given data was invalid.', errors);
      }
      const orderId = fields.data.order_id ?? null;
      if (orderId !== null && !this.ownOrder.get(orderId, ctx.userId)) {
        throw new HttpError(422, 'The given data was invalid.', { order_id: ['Unknown order.'] });
      }
      const storedName = `${file.id}.${type.ext}`;
      await rename(file.path, join(this.uploadDir, storedName));
      const id = Number(
        this.insert.run(
          ctx.userId,
          fields.data.subject,
          fields.data.message,
          orderId,
          file.clientName,
          type.mime,
          file.size,
          file.sha256,
          storedName,
          now(),
        ).lastInsertRowid,
      );
      savTickets.labels({ service: serviceLabel(), mime_type: type.mime }).inc();
      return data(this.view(id, ctx.userId), 201);
    } finally {
      // Rejected uploads leave nothing behind (after the rename this is a no-op).
      if (file) await rm(file.path, { force: true });
    }
  }

  show(ctx: Ctx): Reply {
    return data(this.view(idParam(ctx, 'id', 'Ticket'), ctx.userId));
  }

  private view(id: number, userId: number) {
    const row = this.ticketById.get(id, userId);
    if (!row) throw notFound('Ticket');
    return {
      id: row.id,
      subject: row.subject,
      message: row.message,
      order_id: row.order_id,
      status: row.status,
      attachment: {
        filename: row.filename,
        mime_type: row.mime_type,
        size: row.size,
        sha256: row.sha256,
      },
      created_at: row.created_at,
    };
  }
}

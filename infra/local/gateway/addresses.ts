import { z } from 'zod';
import type { Db } from './db.ts';
import { type Ctx, type Reply, data, readJson, validate } from './http.ts';

const AddressBody = z.object({
  line1: z.string().trim().min(1).max(200),
  city: z.string().trim().min(1).max(100),
  postal_code: z.string().trim().min(1).max(20),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'Must be a 2-letter country code.')
    .transform((c) => c.toUpperCase()),
});

/** Delivery addresses, owned by the user who created them. */
export class Addresses {
  private readonly insert;
  private readonly owned;

  constructor(db: Db) {
    this.insert = db.prepare<[number, string, string, string, string]>(
      'INSERT INTO addresses (user_id, line1, city, postal_code, country) VALUES (?, ?, ?, ?, ?)',
    );
    this.owned = db.prepare<[number, number], { id: number }>(
      'SELECT id FROM addresses WHERE id = ? AND user_id = ?',
    );
  }

  async create(ctx: Ctx): Promise<Reply> {
    const a = validate(AddressBody, await readJson(ctx.req));
    const id = Number(
      this.insert.run(ctx.userId, a.line1, a.city, a.postal_code, a.country).lastInsertRowid,
    );
    return data({ id, ...a }, 201);
  }

  belongsTo(addressId: number, userId: number): boolean {
    return this.owned.get(addressId, userId) !== undefined;
  }
}

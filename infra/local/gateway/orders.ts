import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Addresses } from './addresses.ts';
import type { Baskets } from './baskets.ts';
import { now, type Db } from './db.ts';
import {
  type Ctx,
  HttpError,
  type Reply,
  data,
  idParam,
  notFound,
  readJson,
  unprocessable,
  validate,
} from './http.ts';
import { serviceLabel, ordersTotal } from './metrics.ts';
import type { OrderQueue } from './queue.ts';

const OrderBody = z.object({
  basket_id: z.number().int().positive(),
  address_id: z.number().int().positive(),
  payment_method: z.enum(['card', 'paypal', 'bank_transfer']),
});
type OrderBody = z.infer<typeof OrderBody>;

const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'Must be 1–255 printable ASCII characters.');

interface OrderRow {
  id: number;
  status: string;
  basket_id: number;
  address_id: number;
  payment_method: string;
  total_cents: number;
  created_at: string;
  confirmed_at: string | null;
}

/**
 * Orders: placed with an `Idempotency-Key` (same key + same body → the same
 * order; same key + another body → 409), published to the order queue, and
 * confirmed later by its consumer.
 */
export class Orders {
  private readonly orderById;
  private readonly placeTx;

  constructor(db: Db, baskets: Baskets, addresses: Addresses, queue: OrderQueue) {
    this.orderById = db.prepare<[number, number], OrderRow>(
      `SELECT id, status, basket_id, address_id, payment_method, total_cents, created_at, confirmed_at
       FROM orders WHERE id = ? AND user_id = ?`,
    );
    const previous = db.prepare<[number, string], { request_hash: string; order_id: number }>(
      'SELECT request_hash, order_id FROM order_idempotency WHERE user_id = ? AND key = ?',
    );
    const remember = db.prepare<[number, string, string, number]>(
      'INSERT INTO order_idempotency (user_id, key, request_hash, order_id) VALUES (?, ?, ?, ?)',
    );
    const insertOrder = db.prepare<[number, number, number, string, number, string]>(
      `INSERT INTO orders (user_id, basket_id, address_id, payment_method, total_cents, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
    );
    // One write transaction: two workers racing on the same key cannot both create an order.
    this.placeTx = db.transaction(
      (userId: number, key: string, body: OrderBody): { orderId: number; created: boolean } => {
        const hash = requestHash(body);
        const seen = previous.get(userId, key);
        if (seen) {
          if (seen.request_hash !== hash) {
            throw new HttpError(
              409,
              'This Idempotency-Key was already used with a different request.',
            );
          }
          return { orderId: seen.order_id, created: false };
        }
        const basket = baskets.find(body.basket_id, userId);
        if (!basket) throw unprocessable('basket_id', 'Unknown basket.');
        if (basket.items.length === 0) throw unprocessable('basket_id', 'The basket is empty.');
        if (!addresses.belongsTo(body.address_id, userId))
          throw unprocessable('address_id', 'Unknown address.');
        const orderId = Number(
          insertOrder.run(
            userId,
            body.basket_id,
            body.address_id,
            body.payment_method,
            basket.totalCents,
            now(),
          ).lastInsertRowid,
        );
        queue.enqueue(orderId);
        remember.run(userId, key, hash, orderId);
        return { orderId, created: true };
      },
    );
  }

  async place(ctx: Ctx): Promise<Reply> {
    const body = validate(OrderBody, await readJson(ctx.req));
    const header = ctx.req.headers['idempotency-key'];
    const key = IdempotencyKey.safeParse(header);
    if (!key.success) {
      throw new HttpError(422, 'The Idempotency-Key header is required.', {
        'Idempotency-Key': [
          header === undefined ? 'Required.' : (key.error.issues[0]?.message ?? 'Invalid.'),
        ],
      });
    }
    const { orderId, created } = this.placeTx.immediate(ctx.userId, key.data, body);
    if (created) ordersTotal.labels({ service: serviceLabel(), status: 'pending' }).inc();
    return data(this.view(orderId, ctx.userId), 202);
  }

  show(ctx: Ctx): Reply {
    return data(this.view(idParam(ctx, 'id', 'Order'), ctx.userId));
  }

  private view(orderId: number, userId: number) {
    const row = this.orderById.get(orderId, userId);
    if (!row) throw notFound('Order');
    return {
      id: row.id,
      status: row.status,
      basket_id: row.basket_id,
      address_id: row.address_id,
      payment_method: row.payment_method,
      total: row.total_cents / 100,
      created_at: row.created_at,
      confirmed_at: row.confirmed_at,
    };
  }
}

function requestHash(body: OrderBody): string {
  const canonical = JSON.stringify([body.basket_id, body.address_id, body.payment_method]);
  return createHash('sha256').update(canonical).digest('hex');
}

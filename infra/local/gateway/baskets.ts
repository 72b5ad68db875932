import { z } from 'zod';
import { now, type Db } from './db.ts';
import {
  type Ctx,
  type Reply,
  data,
  idParam,
  notFound,
  readJson,
  unprocessable,
  validate,
} from './http.ts';
import { serviceLabel, basketItemsAdded } from './metrics.ts';

const quantity = z.number().int().min(1).max(99);
const AddItemBody = z.object({ product_id: z.number().int().positive(), quantity });
const UpdateItemBody = z.object({ quantity });
const PromoBody = z.object({
  code: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .transform((c) => c.toUpperCase()),
});

interface BasketRow {
  id: number;
  promo_code: string | null;
  percent_off: number | null;
  amount_off_cents: number | null;
}

interface ItemRow {
  id: number;
  product_id: number;
  name: string;
  quantity: number;
  price_cents: number;
}

export interface BasketView {
  id: number;
  items: {
    id: number;
    product_id: number;
    name: string;
    quantity: number;
    unit_price: number;
    line_total: number;
  }[];
  subtotal: number;
  discount: number;
  total: number;
  promo_code: string | null;
  /** Not serialised: orders need the exact amount. */
  totalCents: number;
}

/** Baskets, their lines and promo codes. Amounts are kept in cents, shown in euros. */
export class Baskets {
  private readonly insertBasket;
  private readonly basketRow;
  private readonly itemRows;
  private readonly productExists;
  private readonly itemQuantity;
  private readonly upsertItem;
  private readonly updateItem;
  private readonly deleteItem;
  private readonly promoExists;
  private readonly setPromo;
  private readonly addItemTx;

  constructor(db: Db) {
    this.insertBasket = db.prepare<[number, string]>(
      'INSERT INTO baskets (user_id, created_at) VALUES (?, ?)',
    );
    this.basketRow = db.prepare<[number, number], BasketRow>(
      `SELECT b.id, b.promo_code, p.percent_off, p.amount_off_cents
       FROM baskets b LEFT JOIN promo_codes p ON p.code = b.promo_code
       WHERE b.id = ? AND b.user_id = ?`,
    );
    this.itemRows = db.prepare<[number], ItemRow>(
      `SELECT i.id, i.product_id, p.name, i.quantity, p.price_cents
       FROM basket_items i JOIN products p ON p.id = i.product_id
       WHERE i.basket_id = ? ORDER BY i.id`,
    );
    this.productExists = db.prepare<[number], { id: number }>(
      'SELECT id FROM products WHERE id = ?',
    );
    this.itemQuantity = db.prepare<[number, number], { quantity: number }>(
      'SELECT quantity FROM basket_items WHERE basket_id = ? AND product_id = ?',
    );
    this.upsertItem = db.prepare<[number, number, number]>(
      `INSERT INTO basket_items (basket_id, product_id, quantity) VALUES (?, ?, ?)
       ON CONFLICT (basket_id, product_id) DO UPDATE SET quantity = quantity + excluded.quantity`,
    );
    this.updateItem = db.prepare<[number, number, number]>(
      'UPDATE basket_items SET quantity = ? WHERE id = ? AND basket_id = ?',
    );
    this.deleteItem = db.prepare<[number, number]>(
      'DELETE FROM basket_items WHERE id = ? AND basket_id = ?',
    );
    this.promoExists = db.prepare<[string], { code: string }>(
      'SELECT code FROM promo_codes WHERE code = ?',
    );
    this.setPromo = db.prepare<[string, number]>('UPDATE baskets SET promo_code = ? WHERE id = ?');
    // Read-check-write of a line's quantity must not interleave with another worker's.
    this.addItemTx = db.transaction((basketId: number, productId: number, qty: number) => {
      const existing = this.itemQuantity.get(basketId, productId)?.quantity ?? 0;
      if (existing + qty > 99) {
        throw unprocessable(
          'quantity',
          `The basket would hold ${existing + qty} of this product (max 99).`,
        );
      }
      this.upsertItem.run(basketId, productId, qty);
    });
  }

  create(ctx: Ctx): Reply {
    const id = Number(this.insertBasket.run(ctx.userId, now()).lastInsertRowid);
    return data(this.serialise(this.view(id, ctx.userId)), 201);
  }

  show(ctx: Ctx): Reply {
    return data(this.serialise(this.owned(ctx)));
  }

  async addItem(ctx: Ctx): Promise<Reply> {
    const body = validate(AddItemBody, await readJson(ctx.req));
    const basket = this.owned(ctx);
    if (!this.productExists.get(body.product_id))
      throw unprocessable('product_id', 'Unknown product.');
    this.addItemTx.immediate(basket.id, body.product_id, body.quantity);
    basketItemsAdded.labels({ service: serviceLabel() }).inc();
    return data(this.serialise(this.view(basket.id, ctx.userId)), 201);
  }

  async updateItemQuantity(ctx: Ctx): Promise<Reply> {
    const body = validate(UpdateItemBody, await readJson(ctx.req));
    const basket = this.owned(ctx);
    const itemId = idParam(ctx, 'itemId', 'Basket item');
    if (this.updateItem.run(body.quantity, itemId, basket.id).changes === 0)
      throw notFound('Basket item');
    return data(this.serialise(this.view(basket.id, ctx.userId)));
  }

  removeItem(ctx: Ctx): Reply {
    const basket = this.owned(ctx);
    const itemId = idParam(ctx, 'itemId', 'Basket item');
    if (this.deleteItem.run(itemId, basket.id).changes === 0) throw notFound('Basket item');
    return data(this.serialise(this.view(basket.id, ctx.userId)));
  }

  async applyPromo(ctx: Ctx): Promise<Reply> {
    const body = validate(PromoBody, await readJson(ctx.req));
    const basket = this.owned(ctx);
    if (!this.promoExists.get(body.code)) throw unprocessable('code', 'Unknown promo code.');
    this.setPromo.run(body.code, basket.id);
    return data(this.serialise(this.view(basket.id, ctx.userId)));
  }

  /** The user's basket with its totals, or `undefined` (another user's basket does not exist). */
  find(basketId: number, userId: number): BasketView | undefined {
    const row = this.basketRow.get(basketId, userId);
    if (!row) return undefined;
    let subtotal = 0;
    const items = this.itemRows.all(row.id).map((i) => {
      const line = i.quantity * i.price_cents;
      subtotal += line;
      return {
        id: i.id,
        product_id: i.product_id,
        name: i.name,
        quantity: i.quantity,
        unit_price: i.price_cents / 100,
        line_total: line / 100,
      };
    });
    const discount =
      row.percent_off !== null
        ? Math.round((subtotal * row.percent_off) / 100)
        : Math.min(row.amount_off_cents ?? 0, subtotal);
    const totalCents = subtotal - discount;
    return {
      id: row.id,
      items,
      subtotal: subtotal / 100,
      discount: discount / 100,
      total: totalCents / 100,
      promo_code: row.promo_code,
      totalCents,
    };
  }

  private owned(ctx: Ctx): BasketView {
    return this.view(idParam(ctx, 'id', 'Basket'), ctx.userId);
  }

  private view(basketId: number, userId: number): BasketView {
    const basket = this.find(basketId, userId);
    if (!basket) throw notFound('Basket');
    return basket;
  }

  private serialise(basket: BasketView): Omit<BasketView, 'totalCents'> {
    const { totalCents: _, ...shown } = basket;
    return shown;
  }
}

// basket: a signed-in customer fills a basket, changes it and applies promo codes.
import { check, group } from 'k6';
import type { Config } from '../config.ts';
import { pick, uuidv4, type UserCredentials } from '../data.ts';
import { Gateway } from '../gateway.ts';
import { basketAddDuration } from '../metrics.ts';
import type { Basket } from '../schemas.ts';
import { signIn, signOutOn401 } from '../session.ts';
import type { SetupData } from '../setup.ts';
import { think } from '../think.ts';

/** A new basket with `count` distinct products in it (undefined when a step failed). */
export function fillBasket(shop: Gateway, data: SetupData, count: number): Basket | undefined {
  const created = shop.createBasket();
  signOutOn401(created.res);
  let basket = created.data;
  const wanted = new Set<number>();
  while (wanted.size < Math.min(count, data.productIds.length)) wanted.add(pick(data.productIds));
  for (const productId of wanted) {
    if (!basket) return undefined;
    const added = shop.addItem(basket.id, { product_id: productId, quantity: 1 });
    basketAddDuration.add(added.res.timings.duration);
    basket = added.data;
  }
  check(basket, { 'basket holds every product added': (b) => b?.items.length === wanted.size });
  return basket;
}

export function basket(config: Config, data: SetupData, users?: readonly UserCredentials[]): void {
  const shop = signIn(new Gateway(config.baseUrl, data.runId), users);
  if (!shop) return think(config.thinkTime);

  let current: Basket | undefined;
  group('fill basket', () => {
    current = fillBasket(shop, data, 2);
  });
  think(config.thinkTime);
  if (!current) return;
  const basketId = current.id;

  group('change quantity', () => {
    const item = current?.items[0];
    if (!item) return;
    const updated = shop.updateItem(basketId, item.id, 3).data;
    check(updated, {
      'quantity updated to 3': (b) =>
        b?.items.some((i) => i.id === item.id && i.quantity === 3) === true,
    });
    current = updated ?? current;
  });
  think(config.thinkTime);

  group('remove item', () => {
    const item = current?.items[1];
    if (!item) return;
    const updated = shop.removeItem(basketId, item.id).data;
    check(updated, {
      'removed item is gone': (b) => b !== undefined && !b.items.some((i) => i.id === item.id),
    });
    current = updated ?? current;
  });
  think(config.thinkTime);

  group('promo codes', () => {
    const refused = shop.rejectPromo(basketId, `NOPE-${uuidv4().slice(0, 8)}`);
    check(refused.data, {
      'unknown promo code refused on field code': (e) => e?.errors?.code !== undefined,
    });
    const applied = shop.applyPromo(basketId, config.promoCode).data;
    check(applied, {
      'promo code applied': (b) => b?.promo_code === config.promoCode && b.discount > 0,
    });
  });
  think(config.thinkTime);

  group('view basket', () => {
    const seen = shop.basket(basketId).data;
    check(seen, {
      'basket total = subtotal − discount': (b) =>
        b !== undefined && Math.abs(b.subtotal - b.discount - b.total) < 0.01,
    });
  });
  think(config.thinkTime);
}

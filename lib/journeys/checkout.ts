// checkout: a customer buys a basket; the order is confirmed asynchronously
// (message broker), so the journey polls until it is.
import { check, group, sleep } from 'k6';
import type { Config } from '../config.ts';
import { pick, uuidv4, type UserCredentials } from '../data.ts';
import { Gateway } from '../gateway.ts';
import { orderConfirmationTime } from '../metrics.ts';
import { PAYMENT_METHODS, type Order } from '../schemas.ts';
import { signIn } from '../session.ts';
import type { SetupData } from '../setup.ts';
import { think } from '../think.ts';
import { fillBasket } from './basket.ts';

/** How long an order may stay pending, and the pause between two polls. */
export const CONFIRMATION_TIMEOUT_MS = 30_000;
export const POLL_INTERVAL_S = 0.25;

export function checkout(
  config: Config,
  data: SetupData,
  users?: readonly UserCredentials[],
): void {
  const shop = signIn(new Gateway(config.baseUrl, data.runId), users);
  if (!shop) return think(config.thinkTime);

  const basketId = group('fill basket', () => fillBasket(shop, data, 2)?.id);
  think(config.thinkTime);
  if (basketId === undefined) return;

  const addressId = group(
    'address',
    () =>
      shop.createAddress({
        line1: `${__VU} rue de la Charge`,
        city: 'Lyon',
        postal_code: '69001',
        country: 'FR',
      }).data?.id,
  );
  think(config.thinkTime);
  if (addressId === undefined) return;

  let order: Order | undefined;
  let placedAt = 0;
  group('place order', () => {
    const body = {
      basket_id: basketId,
      address_id: addressId,
      payment_method: pick(PAYMENT_METHODS),
    };
    const key = uuidv4();
    placedAt = Date.now();
    order = shop.createOrder(body, key).data;
    check(order, {
      'new order is pending or confirmed': (o) => o !== undefined && o.basket_id === basketId,
    });
    if (!order) return;
    // A retried request (same key, same body) must not create a second order.
    const replay = shop.createOrder(body, key).data;
    check(replay, { 'same Idempotency-Key returns the same order': (o) => o?.id === order?.id });
  });
  if (!order) return;
  const orderId = order.id;

  group('await confirmation', () => {
    let status = order?.status;
    while (status !== 'confirmed' && Date.now() - placedAt < CONFIRMATION_TIMEOUT_MS) {
      sleep(POLL_INTERVAL_S);
      status = shop.order(orderId).data?.status ?? status;
    }
    const confirmed = status === 'confirmed';
    if (confirmed) orderConfirmationTime.add(Date.now() - placedAt);
    check(confirmed, { [`order confirmed within ${CONFIRMATION_TIMEOUT_MS / 1000} s`]: (c) => c });
  });
  think(config.thinkTime);
}

// Business metrics: what the journeys achieve, beside k6's per-request ones.
// Created at module load, i.e. in the init context, as k6 requires.
import { Counter, Trend } from 'k6/metrics';

/** From POST /api/orders until GET /api/orders/{id} says `confirmed` (ms). */
export const orderConfirmationTime = new Trend('order_confirmation_time', true);
/** Duration of POST /api/baskets/{id}/items (ms). */
export const basketAddDuration = new Trend('basket_add_duration', true);
/** Attachment bytes accepted by POST /api/sav/tickets. */
export const savUploadBytes = new Counter('sav_upload_bytes');
/** New subscriptions (201) created by the newsletter journey. */
export const newsletterSubscriptions = new Counter('newsletter_subscriptions');

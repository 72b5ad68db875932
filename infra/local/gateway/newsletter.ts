import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { now, type Db } from './db.ts';
import { type Ctx, type Reply, data, idParam, notFound, readJson, validate } from './http.ts';
import { serviceLabel, newsletterSubscriptions } from './metrics.ts';

const SubscriptionBody = z.object({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  list: z.enum(['weekly', 'promotions']),
});

interface SubscriptionRow {
  id: number;
  email: string;
  list: string;
  token: string;
  created_at: string;
}

/** The header that proves the caller subscribed (the token came in the 201 answer). */
export const SUBSCRIPTION_TOKEN_HEADER = 'x-subscription-token';

/**
 * Public newsletter subscriptions, idempotent per (e-mail, list): 201 the
 * first time, 200 after. Subscribing is anonymous, so reading or deleting one
 * takes the unsubscribe token only the 201 answer carries: ids are sequential,
 * and the idempotent 200 answers anyone who knows the address, so neither can
 * be what guards a subscription. Without the right token it does not exist (404).
 */
export class Newsletter {
  private readonly insert;
  private readonly byEmail;
  private readonly byId;
  private readonly remove;

  constructor(db: Db) {
    this.insert = db.prepare<[string, string, string, string]>(
      'INSERT OR IGNORE INTO newsletter_subscriptions (email, list, token, created_at) VALUES (?, ?, ?, ?)',
    );
    this.byEmail = db.prepare<[string, string], SubscriptionRow>(
      'SELECT id, email, list, token, created_at FROM newsletter_subscriptions WHERE email = ? AND list = ?',
    );
    this.byId = db.prepare<[number], SubscriptionRow>(
      'SELECT id, email, list, token, created_at FROM newsletter_subscriptions WHERE id = ?',
    );
    this.remove = db.prepare<[number]>('DELETE FROM newsletter_subscriptions WHERE id = ?');
  }

  async subscribe(ctx: Ctx): Promise<Reply> {
    const body = validate(SubscriptionBody, await readJson(ctx.req));
    // The UNIQUE (email, list) constraint decides, so racing workers agree on who created it.
    const token = randomBytes(18).toString('base64url');
    const created = this.insert.run(body.email, body.list, token, now()).changes === 1;
    if (created) newsletterSubscriptions.labels({ service: serviceLabel(), list: body.list }).inc();
    const row = this.byEmail.get(body.email, body.list);
    if (!row) throw notFound('Subscription'); // unsubscribed in between
    return created
      ? data({ ...view(row), unsubscribe_token: row.token }, 201)
      : data(view(row), 200);
  }

  show(ctx: Ctx): Reply {
    return data(view(this.owned(ctx)));
  }

  unsubscribe(ctx: Ctx): Reply {
    this.remove.run(this.owned(ctx).id);
    return { status: 204 };
  }

  /** The subscription the request names and holds the token of; 404 otherwise. */
  private owned(ctx: Ctx): SubscriptionRow {
    const row = this.byId.get(idParam(ctx, 'id', 'Subscription'));
    const given = Buffer.from(String(ctx.req.headers[SUBSCRIPTION_TOKEN_HEADER] ?? ''));
    const expected = Buffer.from(row?.token ?? '');
    const valid =
      row &&
      expected.length > 0 &&
      given.length === expected.length &&
      timingSafeEqual(given, expected);
    if (!valid) throw notFound('Subscription');
    return row;
  }
}

function view(row: SubscriptionRow) {
  return {
    id: row.id,
    email: row.email,
    list: row.list,
    status: 'subscribed',
    created_at: row.created_at,
  };
}

import { z } from 'zod';
import { now, type Db } from './db.ts';
import { type Ctx, type Reply, data, idParam, notFound, readJson, validate } from './http.ts';
import { SERVICE, newsletterSubscriptions } from './metrics.ts';

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
  created_at: string;
}

/** Public newsletter subscriptions, idempotent per (e-mail, list): 201 the first time, 200 after. */
export class Newsletter {
  private readonly insert;
  private readonly byEmail;
  private readonly byId;
  private readonly remove;

  constructor(db: Db) {
    this.insert = db.prepare<[string, string, string]>(
      'INSERT OR IGNORE INTO newsletter_subscriptions (email, list, created_at) VALUES (?, ?, ?)',
    );
    this.byEmail = db.prepare<[string, string], SubscriptionRow>(
      'SELECT id, email, list, created_at FROM newsletter_subscriptions WHERE email = ? AND list = ?',
    );
    this.byId = db.prepare<[number], SubscriptionRow>(
      'SELECT id, email, list, created_at FROM newsletter_subscriptions WHERE id = ?',
    );
    this.remove = db.prepare<[number]>('DELETE FROM newsletter_subscriptions WHERE id = ?');
  }

  async subscribe(ctx: Ctx): Promise<Reply> {
    const body = validate(SubscriptionBody, await readJson(ctx.req));
    // The UNIQUE (email, list) constraint decides, so racing workers agree on who created it.
    const created = this.insert.run(body.email, body.list, now()).changes === 1;
    if (created) newsletterSubscriptions.labels({ service: SERVICE, list: body.list }).inc();
    const row = this.byEmail.get(body.email, body.list);
    if (!row) throw notFound('Subscription'); // unsubscribed in between
    return data(view(row), created ? 201 : 200);
  }

  show(ctx: Ctx): Reply {
    const row = this.byId.get(idParam(ctx, 'id', 'Subscription'));
    if (!row) throw notFound('Subscription');
    return data(view(row));
  }

  unsubscribe(ctx: Ctx): Reply {
    if (this.remove.run(idParam(ctx, 'id', 'Subscription')).changes === 0)
      throw notFound('Subscription');
    return { status: 204 };
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

// newsletter: a visitor subscribes (twice: the second must be idempotent), checks with the
// unsubscribe token the first answer gave, and unsubscribes with it.
import { check, group } from 'k6';
import exec from 'k6/execution';
import type { Config } from '../config.ts';
import { pick, uniqueEmail } from '../data.ts';
import { Gateway } from '../gateway.ts';
import { newsletterSubscriptions } from '../metrics.ts';
import { NEWSLETTER_LISTS } from '../schemas.ts';
import type { SetupData } from '../setup.ts';
import { think } from '../think.ts';

export function newsletter(config: Config, data: SetupData): void {
  const gw = new Gateway(config.baseUrl, data.runId);
  // idInTest: unique over every instance of a split test (lib/session.ts).
  const email = uniqueEmail(data.runId, exec.vu.idInTest, __ITER);
  const list = pick(NEWSLETTER_LISTS);

  const subscribed = group('subscribe', () => {
    const first = gw.subscribe({ email, list });
    check(first.res, { 'new address subscribed (201)': (r) => r.status === 201 });
    if (first.res.status === 201) newsletterSubscriptions.add(1);
    check(first.data, {
      'new subscription gives its unsubscribe token': (d) => !!d?.unsubscribe_token,
    });
    const again = gw.subscribe({ email, list });
    check(again, {
      'subscribing again is idempotent (200, same id, no token)': (a) =>
        a.res.status === 200 &&
        a.data?.id !== undefined &&
        a.data.id === first.data?.id &&
        a.data.unsubscribe_token === undefined,
    });
    const { id, unsubscribe_token: token } = first.data ?? {};
    return id !== undefined && token ? { id, token } : undefined;
  });
  think(config.thinkTime);
  if (!subscribed) return;
  const { id, token } = subscribed;

  group('view subscription', () => {
    const sub = gw.subscription(id, token).data;
    check(sub, {
      'subscription reads back': (s) =>
        s?.email.toLowerCase() === email.toLowerCase() && s.list === list,
    });
  });
  think(config.thinkTime);

  group('unsubscribe', () => {
    gw.unsubscribe(id, token);
  });
  think(config.thinkTime);
}

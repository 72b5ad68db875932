// sav-upload: a customer opens an after-sales ticket with a PDF or PNG attached.
import { check, group } from 'k6';
import { ATTACHMENTS } from '../attachments.ts';
import type { Config } from '../config.ts';
import type { UserCredentials } from '../data.ts';
import { Gateway } from '../gateway.ts';
import { savUploadBytes } from '../metrics.ts';
import { signIn, signOutOn401 } from '../session.ts';
import type { SetupData } from '../setup.ts';
import { think } from '../think.ts';

export function savUpload(
  config: Config,
  data: SetupData,
  users?: readonly UserCredentials[],
): void {
  const shop = signIn(new Gateway(config.baseUrl, data.runId), users);
  if (!shop) return think(config.thinkTime);

  const attachment = ATTACHMENTS[__ITER % ATTACHMENTS.length] ?? ATTACHMENTS[0];
  if (!attachment) return;
  const ticketId = group('open ticket', () => {
    const created = shop.createTicket({
      subject: `Load test ${data.runId}`,
      message: `Synthetic ticket from VU ${__VU}, iteration ${__ITER}.`,
      attachment,
    });
    signOutOn401(created.res);
    const ticket = created.data;
    check(ticket, {
      'attachment stored whole': (t) => t?.attachment.size === attachment.data.byteLength,
      'attachment type recognised': (t) => t?.attachment.mime_type === attachment.contentType,
    });
    if (ticket) savUploadBytes.add(ticket.attachment.size);
    return ticket?.id;
  });
  think(config.thinkTime);
  if (ticketId === undefined) return;

  group('view ticket', () => {
    const ticket = shop.ticket(ticketId).data;
    check(ticket, { 'ticket reads back': (t) => t?.id === ticketId });
  });
  think(config.thinkTime);
}

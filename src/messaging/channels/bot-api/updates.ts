import { err, ok, type Result } from '../../../platform/result.ts';
import type { InboundMessage, WebhookError, WebhookResult } from '../channel.ts';
import { isRecord } from './http.ts';

/**
 * Turns one Telegram-style `Update` (https://core.telegram.org/bots/api#update) into inbound
 * messages. Only new private or group `message`s matter to the pipeline: replies, STOP keywords,
 * `/start <payload>` deep links (https://core.telegram.org/bots/features#deep-linking; the payload
 * stays in the text so the pipeline can link this chat to a customer) and shared contacts (their
 * phone goes to `profile.phone`). Edits are ignored so a STOP is not counted twice; other update
 * kinds (callback queries, channel posts, member changes) are acknowledged and dropped, because an
 * error answer would make the provider redeliver them.
 */
export function parseBotApiUpdate(rawBody: string): Result<WebhookResult, WebhookError> {
  let update: unknown;
  try {
    update = JSON.parse(rawBody);
  } catch {
    return err({ status: 400, message: 'body is not JSON' });
  }
  if (!isRecord(update) || typeof update.update_id !== 'number')
    return err({ status: 400, message: 'update_id: expected a number' });
  const message = update.message;
  if (message === undefined) return ok({ receipts: [], inbound: [] });
  if (!isRecord(message) || !isRecord(message.chat) || message.chat.id === undefined || typeof message.date !== 'number')
    return err({ status: 400, message: 'message: expected chat.id and date' });

  const from = isRecord(message.from) ? message.from : {};
  const contact = isRecord(message.contact) ? message.contact : undefined;
  // A contact is the sender's own phone only when its user_id is the sender (the "share my phone"
  // keyboard button); a forwarded card of someone else must not become this customer's phone.
  const ownPhone =
    contact && typeof contact.phone_number === 'string' && contact.user_id !== undefined && contact.user_id === from.id
      ? toE164(contact.phone_number)
      : undefined;
  const name = [from.first_name, from.last_name].filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
  const inbound: InboundMessage = {
    from: String(message.chat.id),
    text: typeof message.text === 'string' ? message.text : typeof message.caption === 'string' ? message.caption : '',
    at: new Date(message.date * 1000),
    providerMessageId: message.message_id === undefined ? undefined : String(message.message_id),
    profile: {
      name: name || undefined,
      username: typeof from.username === 'string' ? from.username : undefined,
      phone: ownPhone,
    },
  };
  return ok({ receipts: [], inbound: [inbound] });
}

/** Messenger contacts carry digits with or without a leading +; Vafa stores E.164. */
export function toE164(phone: string): string | undefined {
  const digits = phone.replace(/[\s()-]/g, '');
  if (!/^\+?\d{6,15}$/.test(digits)) return undefined;
  return digits.startsWith('+') ? digits : `+${digits}`;
}

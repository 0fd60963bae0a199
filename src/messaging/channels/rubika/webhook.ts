import { err, ok, type Result } from '../../../platform/result.ts';
import type { InboundMessage, WebhookError, WebhookResult } from '../channel.ts';
import { isRecord } from '../bot-api/http.ts';
import { toE164 } from '../bot-api/updates.ts';

/**
 * Rubika pushes updates to the endpoint registered with `updateBotEndpoints`
 * (https://rubika.ir/botapi): `{ update: { type, chat_id, new_message: { message_id, text, time,
 * sender_id, aux_data?: { start_id }, contact_message? } } }` for ReceiveUpdate, and
 * `{ inline_message: { sender_id, text, message_id, chat_id, aux_data } }` for ReceiveInlineMessage.
 * A bot started from a link (`?start=<payload>`) carries the payload in `aux_data.start_id`; it is
 * turned into "/start <payload>" so the pipeline links chats the same way for every messenger.
 */
export function parseRubikaUpdate(rawBody: string): Result<WebhookResult, WebhookError> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return err({ status: 400, message: 'body is not JSON' });
  }
  if (!isRecord(body)) return err({ status: 400, message: 'expected an object' });
  if (isRecord(body.inline_message)) {
    const m = body.inline_message;
    if (typeof m.chat_id !== 'string') return err({ status: 400, message: 'inline_message.chat_id: expected a string' });
    return ok({ receipts: [], inbound: [inbound(m.chat_id, m, new Date())] });
  }
  if (!isRecord(body.update)) return err({ status: 400, message: 'expected update or inline_message' });
  const update = body.update;
  if (typeof update.type !== 'string' || typeof update.chat_id !== 'string')
    return err({ status: 400, message: 'update: expected type and chat_id' });
  // StartedBot / StoppedBot / UpdatedMessage / RemovedMessage: acknowledged, nothing to record.
  if (update.type !== 'NewMessage') return ok({ receipts: [], inbound: [] });
  if (!isRecord(update.new_message)) return err({ status: 400, message: 'update.new_message: expected an object' });
  const time = Number(update.new_message.time);
  return ok({ receipts: [], inbound: [inbound(update.chat_id, update.new_message, Number.isFinite(time) && time > 0 ? new Date(time * 1000) : new Date())] });
}

function inbound(chatId: string, message: Record<string, unknown>, at: Date): InboundMessage {
  const aux = isRecord(message.aux_data) ? message.aux_data : {};
  let text = typeof message.text === 'string' ? message.text : '';
  if (typeof aux.start_id === 'string' && aux.start_id && !text.startsWith('/start')) text = `/start ${aux.start_id}`;
  const contact = isRecord(message.contact_message) ? message.contact_message : undefined;
  const name = contact ? [contact.first_name, contact.last_name].filter((p): p is string => typeof p === 'string' && p !== '').join(' ') : '';
  return {
    from: chatId,
    text,
    at,
    providerMessageId: message.message_id === undefined ? undefined : String(message.message_id),
    profile: {
      name: name || undefined,
      phone: contact && typeof contact.phone_number === 'string' ? toE164(contact.phone_number) : undefined,
    },
  };
}

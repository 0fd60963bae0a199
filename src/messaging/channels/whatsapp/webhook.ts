import { createHmac } from 'node:crypto';
import { err, ok, type Result } from '../../../platform/result.ts';
import type { DeliveryReceipt, InboundMessage, WebhookError, WebhookRequest, WebhookResult } from '../channel.ts';
import { isRecord } from '../bot-api/http.ts';
import { safeEqual } from '../bot-api/secret.ts';
import { whatsappErrorOutcome } from './errors.ts';

/**
 * WhatsApp Cloud API webhooks (https://developers.facebook.com/docs/graph-api/webhooks/getting-started):
 * - GET verification: `hub.mode=subscribe`, `hub.verify_token` must equal ours, echo `hub.challenge`.
 * - POST notifications: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app
 *   secret>`; body `{ object: "whatsapp_business_account", entry: [{ changes: [{ field: "messages",
 *   value: { contacts, messages, statuses } }] }] }`
 *   (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components).
 */
export function handleWhatsAppWebhook(
  request: WebhookRequest,
  secrets: { appSecret: string; verifyToken: string },
): Result<WebhookResult, WebhookError> {
  if (request.method.toUpperCase() === 'GET') return verificationChallenge(request, secrets.verifyToken);
  const signature = request.headers['x-hub-signature-256'] ?? request.headers['X-Hub-Signature-256'];
  if (!signature) return err({ status: 401, message: 'X-Hub-Signature-256 is missing' });
  const expected = `sha256=${createHmac('sha256', secrets.appSecret).update(request.rawBody, 'utf8').digest('hex')}`;
  if (!safeEqual(signature.toLowerCase(), expected)) return err({ status: 401, message: 'X-Hub-Signature-256 does not match the body' });
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody);
  } catch {
    return err({ status: 400, message: 'body is not JSON' });
  }
  if (!isRecord(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry))
    return err({ status: 400, message: 'expected object "whatsapp_business_account" with an entry array' });
  const receipts: DeliveryReceipt[] = [];
  const inbound: InboundMessage[] = [];
  for (const entry of body.entry) {
    if (!isRecord(entry) || !Array.isArray(entry.changes)) return err({ status: 400, message: 'entry[].changes: expected an array' });
    for (const change of entry.changes) {
      if (!isRecord(change) || change.field !== 'messages' || !isRecord(change.value)) continue;
      const value = change.value;
      const names = contactNames(value.contacts);
      for (const status of Array.isArray(value.statuses) ? value.statuses : []) {
        const receipt = toReceipt(status);
        if (receipt === 'malformed') return err({ status: 400, message: 'statuses[]: expected id, status and timestamp' });
        if (receipt) receipts.push(receipt);
      }
      for (const message of Array.isArray(value.messages) ? value.messages : []) {
        const parsed = toInbound(message, names);
        if (!parsed) return err({ status: 400, message: 'messages[]: expected from, id and timestamp' });
        inbound.push(parsed);
      }
    }
  }
  return ok({ receipts, inbound });
}

function verificationChallenge(request: WebhookRequest, verifyToken: string): Result<WebhookResult, WebhookError> {
  const mode = request.query['hub.mode'];
  const challenge = request.query['hub.challenge'];
  if (mode !== 'subscribe' || !challenge) return err({ status: 400, message: 'hub.mode=subscribe and hub.challenge are required' });
  if (!safeEqual(request.query['hub.verify_token'], verifyToken)) return err({ status: 401, message: 'hub.verify_token does not match' });
  return ok({ receipts: [], inbound: [], reply: { status: 200, contentType: 'text/plain', body: challenge } });
}

const at = (timestamp: unknown) => new Date(Number(timestamp) * 1000);

/** `sent` is already known from the send answer; delivered / read / failed are the news. */
function toReceipt(status: unknown): DeliveryReceipt | undefined | 'malformed' {
  if (!isRecord(status) || typeof status.id !== 'string' || typeof status.status !== 'string' || Number.isNaN(Number(status.timestamp)))
    return 'malformed';
  const base = { providerMessageId: status.id, at: at(status.timestamp) };
  if (status.status === 'delivered') return { ...base, status: 'delivered' };
  if (status.status === 'read') return { ...base, status: 'read' };
  if (status.status !== 'failed') return undefined;
  const first = Array.isArray(status.errors) && isRecord(status.errors[0]) ? status.errors[0] : {};
  const code = typeof first.code === 'number' ? first.code : 131000;
  const details = isRecord(first.error_data) && typeof first.error_data.details === 'string' ? first.error_data.details : undefined;
  const message = details ?? (typeof first.message === 'string' ? first.message : typeof first.title === 'string' ? first.title : `error ${code}`);
  const outcome = whatsappErrorOutcome(code, message);
  if (outcome.status === 'suppressed') return { ...base, status: 'suppressed', reason: outcome.reason, error: outcome.error };
  if (outcome.status === 'failed-retryable') return { ...base, status: 'failed-retryable', error: outcome.error };
  return { ...base, status: 'failed-permanent', error: outcome.status === 'failed-permanent' ? outcome.error : message };
}

function contactNames(contacts: unknown): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of Array.isArray(contacts) ? contacts : [])
    if (isRecord(c) && typeof c.wa_id === 'string' && isRecord(c.profile) && typeof c.profile.name === 'string') names.set(c.wa_id, c.profile.name);
  return names;
}

/** Text, quick-reply button and interactive reply titles are what a STOP or a reply looks like. */
function toInbound(message: unknown, names: Map<string, string>): InboundMessage | undefined {
  if (!isRecord(message) || typeof message.from !== 'string' || typeof message.id !== 'string' || Number.isNaN(Number(message.timestamp)))
    return undefined;
  let text = '';
  if (isRecord(message.text) && typeof message.text.body === 'string') text = message.text.body;
  else if (isRecord(message.button) && typeof message.button.text === 'string') text = message.button.text;
  else if (isRecord(message.interactive)) {
    const reply = message.interactive.button_reply ?? message.interactive.list_reply;
    if (isRecord(reply) && typeof reply.title === 'string') text = reply.title;
  }
  const phone = message.from.startsWith('+') ? message.from : `+${message.from}`;
  return {
    from: phone,
    text,
    at: at(message.timestamp),
    providerMessageId: message.id,
    profile: { name: names.get(message.from), phone },
  };
}

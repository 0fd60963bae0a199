import { z } from 'zod';
import { err, ok } from '../../../platform/result.ts';
import { isRecord, joinUrl, MessengerHttp } from '../bot-api/http.ts';
import { linkButtonLabel } from '../bot-api/labels.ts';
import type { Channel, ChannelDriver, OutgoingMessage, SendOutcome, WebhookRequest } from '../channel.ts';
import { readGraphError, whatsappErrorOutcome } from './errors.ts';
import { handleWhatsAppWebhook } from './webhook.ts';

export const whatsappSettings = z.object({
  phoneNumberId: z.string().regex(/^\d+$/, 'phoneNumberId: the numeric id of the business phone number'),
  accessToken: z.string().trim().min(10, 'accessToken: a system-user or app access token'),
  appSecret: z.string().trim().min(8, 'appSecret: the Meta app secret (signs webhooks)'),
  verifyToken: z.string().trim().min(8, 'verifyToken: the token entered in the webhook setup'),
  apiVersion: z.string().regex(/^v\d+\.\d+$/, 'apiVersion: like v23.0').default('v23.0'),
  baseUrl: z.url().optional(),
  ratePerSecond: z.number().positive().max(1000).optional(),
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
});
export type WhatsAppSettings = z.infer<typeof whatsappSettings>;

/** Interactive message bodies are limited to 1,024 characters; longer texts go as plain text with the link. */
const interactiveBodyLimit = 1024;

/**
 * WhatsApp Cloud API (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).
 * Recipient address: E.164. Inside the 24-hour customer-service window a free-form `text` (or, with
 * a link, an interactive `cta_url` button) is allowed; outside it only an approved template, which
 * the renderer passes as `message.template`. Default rate: Cloud API's 80 messages/s per business
 * phone number (https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput).
 */
export const whatsappDriver: ChannelDriver<WhatsAppSettings> = {
  provider: 'whatsapp-cloud',
  kind: 'whatsapp',
  label: 'WhatsApp Cloud API',
  settings: whatsappSettings,
  secrets: ['accessToken', 'appSecret', 'verifyToken'],
  create: (settings) => new WhatsAppChannel(settings),
};

class WhatsAppChannel implements Channel {
  readonly kind = 'whatsapp' as const;
  readonly provider = 'whatsapp-cloud';
  readonly ratePerSecond: number;
  private readonly http: MessengerHttp;

  constructor(private readonly settings: WhatsAppSettings) {
    this.ratePerSecond = settings.ratePerSecond ?? 80;
    this.http = new MessengerHttp(joinUrl(settings.baseUrl ?? 'https://graph.facebook.com', settings.apiVersion), {
      timeoutMs: settings.timeoutMs ?? 15_000,
      secrets: [settings.accessToken],
    });
  }

  private call(path: string, json?: unknown) {
    return this.http.call({ path: `/${path}`, json, headers: { authorization: `Bearer ${this.settings.accessToken}` } });
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const to = message.to.address.replace(/^\+/, '');
    if (!/^\d{6,15}$/.test(to)) return { status: 'suppressed', reason: 'invalid-address', error: `not an E.164 number: ${message.to.address}` };
    const answer = await this.call(`${this.settings.phoneNumberId}/messages`, { messaging_product: 'whatsapp', recipient_type: 'individual', to, ...content(message) });
    if (!answer.ok) return { status: 'failed-retryable', error: answer.error };
    const body = answer.value.json;
    if (answer.value.status < 300 && isRecord(body) && Array.isArray(body.messages) && isRecord(body.messages[0]) && typeof body.messages[0].id === 'string')
      return { status: 'sent', providerMessageId: body.messages[0].id };
    const error = readGraphError(body);
    if (error) return whatsappErrorOutcome(error.code, error.message);
    if (answer.value.status >= 500 || answer.value.status === 429)
      return { status: 'failed-retryable', error: `provider answered HTTP ${answer.value.status}` };
    return { status: 'failed-retryable', error: `unreadable provider answer (HTTP ${answer.value.status})` };
  }

  /** GET the business phone number: proves the token, the id and the permission in one call. */
  async verify() {
    const answer = await this.call(`${this.settings.phoneNumberId}?fields=display_phone_number,verified_name,quality_rating`);
    if (!answer.ok) return err(answer.error);
    const body = answer.value.json;
    if (answer.value.status < 300 && isRecord(body)) {
      const name = typeof body.verified_name === 'string' ? body.verified_name : '';
      const phone = typeof body.display_phone_number === 'string' ? body.display_phone_number : this.settings.phoneNumberId;
      return ok({ detail: `${name} ${phone}`.trim() });
    }
    return err(readGraphError(body)?.message ?? `provider answered HTTP ${answer.value.status}`);
  }

  handleWebhook(request: WebhookRequest) {
    return handleWhatsAppWebhook(request, { appSecret: this.settings.appSecret, verifyToken: this.settings.verifyToken });
  }

  async close() {
    this.http.close();
  }
}

/** The message object: template, interactive call-to-action URL button, or text. */
function content(message: OutgoingMessage): Record<string, unknown> {
  if (message.template) {
    const { name, language, parameters } = message.template;
    const components = parameters.length ? [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) }] : undefined;
    return { type: 'template', template: { name, language: { code: language }, ...(components ? { components } : {}) } };
  }
  if (message.url && message.text.length <= interactiveBodyLimit)
    return {
      type: 'interactive',
      interactive: {
        type: 'cta_url',
        body: { text: message.text },
        action: { name: 'cta_url', parameters: { display_text: linkButtonLabel(message.to.language, message.metadata), url: message.url } },
      },
    };
  const body = message.url ? `${message.text}\n${message.url}` : message.text;
  return { type: 'text', text: { preview_url: Boolean(message.url), body } };
}

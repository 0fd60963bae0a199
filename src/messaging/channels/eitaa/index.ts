import { z } from 'zod';
import { err, ok } from '../../../platform/result.ts';
import { isRecord, joinUrl, MessengerHttp, type ProviderAnswer } from '../bot-api/http.ts';
import type { Channel, ChannelDriver, OutgoingMessage, SendOutcome } from '../channel.ts';

export const eitaaSettings = z.object({
  token: z.string().trim().min(5, 'token: the Eitaayar API token'),
  channelId: z.string().trim().min(1, 'channelId: the channel (or its @username) posts go to'),
  disableNotification: z.boolean().default(false),
  baseUrl: z.url().optional(),
  ratePerSecond: z.number().positive().max(100).optional(),
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
});
export type EitaaSettings = z.infer<typeof eitaaSettings>;

/**
 * Eitaa (ایتا) through Eitaayar (https://eitaayar.ir): POST https://eitaayar.ir/api/<token>/sendMessage
 * with form fields chat_id, text, disable_notification …, and getMe to check the token; the answer
 * is the Bot API envelope `{ ok, result }` / `{ ok: false, error_code?, description? }`.
 *
 * This is a broadcast-to-channel driver, not person-to-person: Eitaayar can only post to a channel
 * or group whose admin owns the token. The recipient address is a channel id (the configured one
 * when empty), so the pipeline should send one post per broadcast, never one per customer.
 * Eitaayar has no inbound webhook and no receipts, and no inline buttons: a link is appended to the
 * text. Eitaayar publishes no rate; one post per second is a conservative default.
 */
export const eitaaDriver: ChannelDriver<EitaaSettings> = {
  provider: 'eitaayar',
  kind: 'eitaa',
  label: 'Eitaa channel (Eitaayar)',
  settings: eitaaSettings,
  secrets: ['token'],
  create: (settings) => new EitaaChannel(settings),
};

class EitaaChannel implements Channel {
  readonly kind = 'eitaa' as const;
  readonly provider = 'eitaayar';
  readonly ratePerSecond: number;
  private readonly http: MessengerHttp;

  constructor(private readonly settings: EitaaSettings) {
    this.ratePerSecond = settings.ratePerSecond ?? 1;
    this.http = new MessengerHttp(joinUrl(settings.baseUrl ?? 'https://eitaayar.ir/api', settings.token), {
      timeoutMs: settings.timeoutMs ?? 15_000,
      secrets: [settings.token],
    });
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const form: Record<string, string> = {
      chat_id: message.to.address.trim() || this.settings.channelId,
      text: message.url ? `${message.text}\n${message.url}` : message.text,
    };
    if (this.settings.disableNotification) form.disable_notification = '1';
    const answer = await this.http.call({ path: '/sendMessage', form });
    if (!answer.ok) return { status: 'failed-retryable', error: answer.error };
    return eitaaOutcome(answer.value);
  }

  async verify() {
    const answer = await this.http.call({ path: '/getMe' });
    if (!answer.ok) return err(answer.error);
    const body = answer.value.json;
    if (isRecord(body) && body.ok === true) {
      const me = isRecord(body.result) ? body.result : {};
      const name = typeof me.username === 'string' ? `@${me.username}` : typeof me.first_name === 'string' ? me.first_name : 'token valid';
      return ok({ detail: `${name}; posts go to ${this.settings.channelId}` });
    }
    return err(isRecord(body) && typeof body.description === 'string' ? body.description : `Eitaayar answered HTTP ${answer.value.status}`);
  }

  async close() {
    this.http.close();
  }
}

/**
 * A missing channel is a configuration error of ours (wrong id, token owner not an admin), so it
 * fails permanently instead of suppressing the customer the post was addressed through.
 */
export function eitaaOutcome(answer: ProviderAnswer): SendOutcome {
  const body = answer.json;
  if (isRecord(body) && body.ok === true) {
    const result = isRecord(body.result) ? body.result : {};
    return { status: 'sent', providerMessageId: result.message_id === undefined ? undefined : String(result.message_id) };
  }
  if (!isRecord(body) || body.ok !== false) {
    if (answer.status === 401 || answer.status === 403) return { status: 'failed-permanent', error: `Eitaayar answered HTTP ${answer.status}: check the token` };
    return { status: 'failed-retryable', error: `unreadable Eitaayar answer (HTTP ${answer.status})` };
  }
  const code = typeof body.error_code === 'number' ? body.error_code : answer.status;
  const description = typeof body.description === 'string' ? body.description : 'Eitaayar refused the post without a description';
  if (code === 429 || /too many|flood/i.test(description)) {
    const parameters = isRecord(body.parameters) ? body.parameters : {};
    const seconds = typeof parameters.retry_after === 'number' ? parameters.retry_after : answer.retryAfterSeconds;
    return { status: 'failed-retryable', error: description, retryAfterMs: seconds === undefined ? undefined : seconds * 1000 };
  }
  if (code >= 500) return { status: 'failed-retryable', error: description };
  if (/chat not found|channel/i.test(description))
    return { status: 'failed-permanent', error: `${description} (check the channel id and that the token's owner is its admin)` };
  return { status: 'failed-permanent', error: description };
}

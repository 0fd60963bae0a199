import { z } from 'zod';
import { err, ok } from '../../../platform/result.ts';
import { isRecord, joinUrl, MessengerHttp } from '../bot-api/http.ts';
import { linkButtonLabel } from '../bot-api/labels.ts';
import { deriveWebhookSecret, safeEqual, withQuery } from '../bot-api/secret.ts';
import type { Channel, ChannelContext, ChannelDriver, OutgoingMessage, SendOutcome, WebhookRequest } from '../channel.ts';
import { rubikaOutcome } from './outcome.ts';
import { parseRubikaUpdate } from './webhook.ts';

export const rubikaSettings = z.object({
  token: z.string().trim().min(5, 'token: the bot token from BotFather in Rubika'),
  baseUrl: z.url().optional(),
  ratePerSecond: z.number().positive().max(1000).optional(),
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
});
export type RubikaSettings = z.infer<typeof rubikaSettings>;

/** Rubika does not sign its calls, so the webhook URL carries a secret derived from the token. */
export const rubikaSecretQuery = 'vafa_secret';

/**
 * Rubika (روبیکا) bot, Bot API v3 (https://rubika.ir/botapi): POST https://botapi.rubika.ir/v3/<token>/<method>
 * with JSON. Recipient address: the chat id (b0… / u0…) captured when the customer starts the bot.
 * Rubika publishes no bulk rate; 20 messages/s is a conservative default an admin can change.
 */
export const rubikaDriver: ChannelDriver<RubikaSettings> = {
  provider: 'rubika',
  kind: 'rubika',
  label: 'Rubika bot',
  settings: rubikaSettings,
  secrets: ['token'],
  create: (settings, context) => new RubikaChannel(settings, context),
};

class RubikaChannel implements Channel {
  readonly kind = 'rubika' as const;
  readonly provider = 'rubika';
  readonly ratePerSecond: number;
  private readonly http: MessengerHttp;
  private readonly webhookSecret: string;

  constructor(
    settings: RubikaSettings,
    private readonly context: ChannelContext,
  ) {
    this.ratePerSecond = settings.ratePerSecond ?? 20;
    this.http = new MessengerHttp(joinUrl(settings.baseUrl ?? 'https://botapi.rubika.ir/v3', settings.token), {
      timeoutMs: settings.timeoutMs ?? 15_000,
      secrets: [settings.token],
    });
    this.webhookSecret = deriveWebhookSecret(settings.token, 'rubika');
  }

  private call(method: string, json: Record<string, unknown>) {
    return this.http.call({ path: `/${method}`, json });
  }

  /** sendMessage with the link as an inline keypad Link button. */
  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const params: Record<string, unknown> = { chat_id: message.to.address, text: message.text };
    if (message.url)
      params.inline_keypad = {
        rows: [
          {
            buttons: [
              {
                id: 'vafa-link',
                type: 'Link',
                button_text: linkButtonLabel(message.to.language, message.metadata),
                button_link: { type: 'url', link_url: message.url },
              },
            ],
          },
        ],
      };
    const answer = await this.call('sendMessage', params);
    if (!answer.ok) return { status: 'failed-retryable', error: answer.error };
    return rubikaOutcome(answer.value);
  }

  /** getMe checks the token; over https, updateBotEndpoints then points ReceiveUpdate at Vafa. */
  async verify() {
    const me = await this.call('getMe', {});
    if (!me.ok) return err(me.error);
    const body = me.value.json;
    if (!isRecord(body) || body.status !== 'OK') return err(failure(body, me.value.status));
    const bot = isRecord(body.data) && isRecord(body.data.bot) ? body.data.bot : {};
    const name = typeof bot.username === 'string' ? `@${bot.username}` : typeof bot.bot_title === 'string' ? bot.bot_title : 'bot';
    if (!this.context.webhookUrl.startsWith('https://'))
      return ok({ detail: `${name}; webhook not registered: ${this.context.webhookUrl} is not https` });
    const url = withQuery(this.context.webhookUrl, rubikaSecretQuery, this.webhookSecret);
    const hook = await this.call('updateBotEndpoints', { url, type: 'ReceiveUpdate' });
    if (!hook.ok) return err(hook.error);
    const hookBody = hook.value.json;
    if (!isRecord(hookBody) || hookBody.status !== 'OK') return err(`webhook: ${failure(hookBody, hook.value.status)}`);
    return ok({ detail: `${name}; webhook registered` });
  }

  handleWebhook(request: WebhookRequest) {
    if (!safeEqual(request.query[rubikaSecretQuery], this.webhookSecret)) return err({ status: 401 as const, message: 'missing or wrong webhook secret' });
    return parseRubikaUpdate(request.rawBody);
  }

  async close() {
    this.http.close();
  }
}

function failure(body: unknown, status: number): string {
  if (isRecord(body) && typeof body.status === 'string')
    return typeof body.dev_message === 'string' && body.dev_message ? `${body.status}: ${body.dev_message}` : body.status;
  return `Rubika answered HTTP ${status}`;
}

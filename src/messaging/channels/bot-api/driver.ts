import { z } from 'zod';
import { err, ok } from '../../../platform/result.ts';
import type { Channel, ChannelContext, ChannelDriver, ChannelKind, OutgoingMessage, SendOutcome } from '../channel.ts';
import { isRecord, joinUrl, MessengerHttp, type ProviderAnswer } from './http.ts';
import { linkButtonLabel } from './labels.ts';
import { botApiOutcome } from './outcome.ts';
import { deriveWebhookSecret, safeEqual, withQuery } from './secret.ts';
import { parseBotApiUpdate } from './updates.ts';

/** The header Telegram sends with every update when setWebhook was given a secret_token. */
export const secretHeader = 'x-telegram-bot-api-secret-token';
/** The query parameter carrying the same secret, for Bot API clones that do not send the header. */
export const secretQuery = 'vafa_secret';

export interface BotApiFlavour {
  provider: string;
  kind: ChannelKind;
  label: string;
  /** The real API root; the token goes after it as /bot<token>/<method>. */
  defaultBaseUrl: string;
  defaultRatePerSecond: number;
  /**
   * Whether the provider is known to echo `secret_token` as X-Telegram-Bot-Api-Secret-Token.
   * When not, the secret also travels in the webhook URL's query and either proof is accepted.
   */
  sendsSecretHeader: boolean;
}

export const botApiSettings = z.object({
  token: z.string().trim().min(5, 'token: the bot token from BotFather'),
  baseUrl: z.url().optional(),
  ratePerSecond: z.number().positive().max(1000).optional(),
  timeoutMs: z.number().int().min(100).max(120_000).optional(),
});
export type BotApiSettings = z.infer<typeof botApiSettings>;

/**
 * A driver for a Telegram-style Bot API (Telegram and Bale share the wire format:
 * https://core.telegram.org/bots/api and https://docs.bale.ai, base `tapi.bale.ai/bot<token>/`).
 */
export function createBotApiDriver(flavour: BotApiFlavour): ChannelDriver<BotApiSettings> {
  return {
    provider: flavour.provider,
    kind: flavour.kind,
    label: flavour.label,
    settings: botApiSettings,
    secrets: ['token'],
    create: (settings, context) => new BotApiChannel(flavour, settings, context),
  };
}

class BotApiChannel implements Channel {
  readonly kind: ChannelKind;
  readonly provider: string;
  readonly ratePerSecond: number;
  private readonly http: MessengerHttp;
  private readonly webhookSecret: string;

  constructor(
    private readonly flavour: BotApiFlavour,
    settings: BotApiSettings,
    private readonly context: ChannelContext,
  ) {
    this.kind = flavour.kind;
    this.provider = flavour.provider;
    this.ratePerSecond = settings.ratePerSecond ?? flavour.defaultRatePerSecond;
    this.http = new MessengerHttp(joinUrl(settings.baseUrl ?? flavour.defaultBaseUrl, `bot${settings.token}`), {
      timeoutMs: settings.timeoutMs ?? 15_000,
      secrets: [settings.token],
    });
    this.webhookSecret = deriveWebhookSecret(settings.token, flavour.provider);
  }

  private call(method: string, params: Record<string, unknown>) {
    return this.http.call({ path: `/${method}`, json: params });
  }

  /**
   * sendMessage with the message's link as an inline URL button
   * (https://core.telegram.org/bots/api#inlinekeyboardbutton). Text goes as plain text: no
   * parse_mode, so a customer's name with * or < cannot break formatting.
   */
  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const params: Record<string, unknown> = { chat_id: message.to.address, text: message.text };
    if (message.url)
      params.reply_markup = { inline_keyboard: [[{ text: linkButtonLabel(message.to.language, message.metadata), url: message.url }]] };
    const answer = await this.call('sendMessage', params);
    if (!answer.ok) return { status: 'failed-retryable', error: answer.error };
    return botApiOutcome(answer.value);
  }

  /**
   * getMe checks the token. When Vafa is reachable over https (Telegram only calls https webhooks),
   * it also registers this channel's webhook with a secret_token derived from the token, so
   * verifying a channel is also what connects it (https://core.telegram.org/bots/api#setwebhook).
   */
  async verify() {
    const me = await this.call('getMe', {});
    if (!me.ok) return err(me.error);
    const bot = describeAnswer(me.value);
    if (!bot.ok) return err(bot.error);
    const username = isRecord(bot.value) && typeof bot.value.username === 'string' ? `@${bot.value.username}` : 'bot';
    if (!this.context.webhookUrl.startsWith('https://'))
      return ok({ detail: `${username}; webhook not registered: ${this.context.webhookUrl} is not https` });
    const url = this.flavour.sendsSecretHeader ? this.context.webhookUrl : withQuery(this.context.webhookUrl, secretQuery, this.webhookSecret);
    const hook = await this.call('setWebhook', { url, secret_token: this.webhookSecret, allowed_updates: ['message'] });
    if (!hook.ok) return err(hook.error);
    const registered = describeAnswer(hook.value);
    if (!registered.ok) return err(`webhook: ${registered.error}`);
    return ok({ detail: `${username}; webhook registered` });
  }

  handleWebhook(request: Parameters<NonNullable<Channel['handleWebhook']>>[0]) {
    const header = request.headers[secretHeader] ?? request.headers['X-Telegram-Bot-Api-Secret-Token'];
    const byHeader = safeEqual(header, this.webhookSecret);
    const byQuery = !this.flavour.sendsSecretHeader && safeEqual(request.query[secretQuery], this.webhookSecret);
    if (!byHeader && !byQuery) return err({ status: 401 as const, message: 'missing or wrong webhook secret' });
    return parseBotApiUpdate(request.rawBody);
  }

  async close() {
    this.http.close();
  }
}

/** `{ok:true,result}` → result; anything else → the provider's own description. */
function describeAnswer(answer: ProviderAnswer) {
  const body = answer.json;
  if (isRecord(body) && body.ok === true) return ok(body.result);
  if (isRecord(body) && typeof body.description === 'string') return err(body.description);
  return err(`provider answered HTTP ${answer.status}`);
}

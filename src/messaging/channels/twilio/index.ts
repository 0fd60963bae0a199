import { z } from 'zod';
import { err, ok, type Result } from '../../../platform/result.ts';
import { toE164 } from '../../../platform/text/phone.ts';
import type { Channel, ChannelContext, ChannelDriver, DeliveryReceipt, OutgoingMessage, SendOutcome, WebhookError, WebhookRequest, WebhookResult } from '../channel.ts';
import { mapLimited, parseJson, ProviderHttp, retryAfterMs, smsAddress, socketsFor, type ProviderAnswer } from '../provider-http.ts';
import { outcomeOfError, readTwilioError, receiptOfStatus } from './answers.ts';
import { isValidTwilioSignature } from './signature.ts';

/** Twilio Programmable Messaging (https://www.twilio.com/docs/messaging/api/message-resource). */
export const twilioSettings = z
  .object({
    accountSid: z.string().trim().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an Account SID (AC followed by 32 hex digits)'),
    /** Authenticates API calls and is the key of the webhook signatures. */
    authToken: z.string().trim().min(16, 'is not a Twilio auth token'),
    /** An E.164 Twilio number or an alphanumeric sender id; or use messagingServiceSid. */
    from: z.string().trim().regex(/^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, 'must be an E.164 number or an alphanumeric sender id').optional(),
    messagingServiceSid: z.string().trim().regex(/^MG[0-9a-fA-F]{32}$/, 'must be a Messaging Service SID (MG…)').optional(),
    baseUrl: z.url().default('https://api.twilio.com'),
    /** A US long code sends 1 message segment per second (Twilio error 21611); raise for short codes or services. */
    ratePerSecond: z.number().int().min(1).max(2000).default(1),
    timeoutMs: z.number().int().min(50).max(60_000).default(10_000),
  })
  .refine((s) => s.from !== undefined || s.messagingServiceSid !== undefined, { path: ['from'], message: 'from or messagingServiceSid is required' });
export type TwilioSettings = z.infer<typeof twilioSettings>;

const emptyTwiml = { status: 200, contentType: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' };

class TwilioChannel implements Channel {
  readonly kind = 'sms' as const;
  readonly provider = 'twilio';
  readonly ratePerSecond: number;
  readonly #settings: TwilioSettings;
  readonly #context: ChannelContext;
  readonly #http: ProviderHttp;
  readonly #authorization: string;

  constructor(settings: TwilioSettings, context: ChannelContext) {
    this.#settings = settings;
    this.#context = context;
    this.ratePerSecond = settings.ratePerSecond;
    this.#http = new ProviderHttp(settings.baseUrl, { timeoutMs: settings.timeoutMs, maxSockets: socketsFor(settings.ratePerSecond) });
    this.#authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  }

  #accountPath(rest = ''): string {
    return `/2010-04-01/Accounts/${this.#settings.accountSid}${rest}.json`;
  }

  /**
   * POST …/Messages.json. Twilio offers no idempotency key for message creation, so a retry
   * after an ambiguous failure (timeout) may send twice; only the pipeline's per-recipient
   * record guards against it. Twilio's own answer 429 "is never processed and always safe to retry".
   */
  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const phone = smsAddress(message.to.address);
    if (!phone.ok) return { status: 'suppressed', reason: 'invalid-address', error: `To ${phone.error}` };
    const form = new URLSearchParams({ To: phone.value, Body: message.text, StatusCallback: this.#context.webhookUrl });
    if (this.#settings.messagingServiceSid) form.set('MessagingServiceSid', this.#settings.messagingServiceSid);
    else if (this.#settings.from) form.set('From', this.#settings.from);
    const answer = await this.#http.request({
      method: 'POST',
      path: this.#accountPath('/Messages'),
      headers: { authorization: this.#authorization, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: form.toString(),
    });
    if (!answer.ok) return { status: 'failed-retryable', error: `Twilio ${answer.error}` };
    return sendOutcome(answer.value);
  }

  async verify(): Promise<Result<{ detail?: string | undefined }, string>> {
    const answer = await this.#http.request({ method: 'GET', path: this.#accountPath(), headers: { authorization: this.#authorization } });
    if (!answer.ok) return err(`Twilio ${answer.error}`);
    const body = parseJson(answer.value.body) as { status?: unknown; friendly_name?: unknown } | undefined;
    if (answer.value.status !== 200) {
      const error = readTwilioError(body, answer.value.status);
      return err(error ? `Twilio ${error.code}: ${error.message}` : `Twilio HTTP ${answer.value.status}`);
    }
    if (body?.status !== 'active') return err(`Twilio account is ${String(body?.status ?? 'unreadable')}`);
    return ok({ detail: typeof body.friendly_name === 'string' ? body.friendly_name : undefined });
  }

  /** Fetches each message (GET …/Messages/{sid}.json): a fallback when status callbacks were lost. */
  async pollReceipts(providerMessageIds: string[]): Promise<Result<DeliveryReceipt[], string>> {
    const results = await mapLimited(providerMessageIds, 4, async (sid): Promise<Result<DeliveryReceipt | undefined, string>> => {
      if (!/^(SM|MM)[0-9a-fA-F]{32}$/.test(sid)) return ok(undefined);
      const answer = await this.#http.request({ method: 'GET', path: this.#accountPath(`/Messages/${sid}`), headers: { authorization: this.#authorization } });
      if (!answer.ok) return err(`Twilio ${answer.error}`);
      const body = parseJson(answer.value.body) as { status?: unknown; error_code?: unknown; error_message?: unknown; date_updated?: unknown } | undefined;
      if (answer.value.status === 404) return ok(undefined);
      if (answer.value.status !== 200 || typeof body?.status !== 'string') {
        const error = readTwilioError(body, answer.value.status);
        return err(error ? `Twilio ${error.code}: ${error.message}` : `Twilio HTTP ${answer.value.status}`);
      }
      const updated = typeof body.date_updated === 'string' ? new Date(body.date_updated) : new Date();
      const code = typeof body.error_code === 'number' ? body.error_code : undefined;
      const message = typeof body.error_message === 'string' ? body.error_message : undefined;
      return ok(receiptOfStatus(sid, body.status, code, Number.isNaN(updated.getTime()) ? new Date() : updated, message));
    });
    const receipts: DeliveryReceipt[] = [];
    for (const result of results) {
      if (!result.ok) return result;
      if (result.value) receipts.push(result.value);
    }
    return ok(receipts);
  }

  /**
   * Two Twilio webhooks arrive here, both signed with X-Twilio-Signature: the StatusCallback of
   * each sent message (MessageSid, MessageStatus, ErrorCode) and incoming messages configured on
   * the number (MessageSid, From, Body; OptOutType STOP/START/HELP under Advanced Opt-Out).
   */
  handleWebhook(request: WebhookRequest): Result<WebhookResult, WebhookError> {
    const signature = request.headers['x-twilio-signature'];
    if (!signature) return err({ status: 401, message: 'missing X-Twilio-Signature' });
    const isPost = request.method.toUpperCase() === 'POST';
    const contentType = request.headers['content-type'] ?? '';
    if (isPost && request.rawBody && !contentType.includes('application/x-www-form-urlencoded')) {
      return err({ status: 400, message: 'expected an application/x-www-form-urlencoded body' });
    }
    const posted = isPost ? [...new URLSearchParams(request.rawBody)] : [];
    if (!isValidTwilioSignature(this.#settings.authToken, signature, request.url, posted)) {
      return err({ status: 401, message: 'X-Twilio-Signature does not match' });
    }
    const params = new URLSearchParams(isPost ? request.rawBody : (URL.parse(request.url)?.search ?? ''));
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    if (!sid) return err({ status: 400, message: 'MessageSid is required' });
    if (params.get('AccountSid') && params.get('AccountSid') !== this.#settings.accountSid) {
      return err({ status: 400, message: 'AccountSid belongs to another account' });
    }
    const body = params.get('Body');
    if (body !== null) {
      const from = toE164(params.get('From') ?? '');
      if (!from.ok) return err({ status: 400, message: `From ${from.error}` });
      return ok({ receipts: [], inbound: [{ from: from.value, text: body, at: new Date(), providerMessageId: sid }], reply: emptyTwiml });
    }
    const status = params.get('MessageStatus') ?? params.get('SmsStatus');
    if (!status) return err({ status: 400, message: 'MessageStatus is required' });
    const rawCode = params.get('ErrorCode');
    const code = rawCode && /^\d+$/.test(rawCode) ? Number(rawCode) : undefined;
    const receipt = receiptOfStatus(sid, status, code, new Date());
    return ok({ receipts: receipt ? [receipt] : [], inbound: [] });
  }

  async close(): Promise<void> {
    this.#http.close();
  }
}

function sendOutcome(answer: ProviderAnswer): SendOutcome {
  const body = parseJson(answer.body);
  if (answer.status === 200 || answer.status === 201) {
    const sid = (body as { sid?: unknown } | undefined)?.sid;
    if (typeof sid === 'string') return { status: 'sent', providerMessageId: sid };
    return { status: 'failed-retryable', error: `Twilio HTTP ${answer.status}: no message sid in the answer` };
  }
  const retryAfter = retryAfterMs(answer.headers['retry-after']);
  const error = readTwilioError(body, answer.status);
  if (!error) {
    if (answer.status === 429 || answer.status >= 500) return { status: 'failed-retryable', error: `Twilio HTTP ${answer.status}`, retryAfterMs: retryAfter };
    return { status: 'failed-permanent', error: `Twilio HTTP ${answer.status}: unreadable answer` };
  }
  const outcome = outcomeOfError(error);
  return outcome.status === 'failed-retryable' ? { ...outcome, retryAfterMs: retryAfter } : outcome;
}

export const twilioDriver: ChannelDriver<TwilioSettings> = {
  provider: 'twilio',
  kind: 'sms',
  label: 'Twilio (SMS)',
  settings: twilioSettings,
  secrets: ['authToken'],
  create: (settings, context) => new TwilioChannel(settings, context),
};

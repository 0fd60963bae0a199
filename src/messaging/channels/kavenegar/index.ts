import { createHash } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../../../platform/result.ts';
import { toE164 } from '../../../platform/text/phone.ts';
import type { Channel, ChannelContext, ChannelDriver, DeliveryReceipt, OutgoingMessage, SendOutcome, WebhookError, WebhookRequest, WebhookResult } from '../channel.ts';
import { mapLimited, parseJson, ProviderHttp, retryAfterMs, smsAddress, socketsFor, type ProviderAnswer } from '../provider-http.ts';
import { isEntry, outcomeOfEntry, outcomeOfReturnStatus, readEnvelope, receiptOfEntry } from './answers.ts';

/**
 * Kavenegar SMS (https://kavenegar.com/rest.html). The API key travels in the URL path
 * (`/v1/{API-KEY}/sms/send.json`), so URLs of this driver are never logged.
 */
export const kavenegarSettings = z.object({
  apiKey: z.string().trim().min(8, 'is not a Kavenegar API key'),
  /** The line number to send from; Kavenegar uses the account's default line when absent. */
  sender: z.string().trim().regex(/^\d{4,20}$/, 'must be a line number (digits only)').optional(),
  baseUrl: z.url().default('https://api.kavenegar.com'),
  /**
   * Kavenegar documents no per-second ceiling for sms/send, only per-call limits (≤ 200 receptors
   * per send, ≤ 500 ids per status call) and answer 451 "too many calls". 50/s is a conservative
   * start; raise it to what the account manager grants.
   */
  ratePerSecond: z.number().int().min(1).max(5000).default(50),
  timeoutMs: z.number().int().min(50).max(60_000).default(10_000),
});
export type KavenegarSettings = z.infer<typeof kavenegarSettings>;

/** Kavenegar's receptor format: 09… for Iranian numbers, 00<country>… otherwise. */
export function kavenegarReceptor(e164: string): string {
  return e164.startsWith('+98') ? `0${e164.slice(3)}` : `00${e164.slice(1)}`;
}

/**
 * Kavenegar's `localid` is a number (the SDKs type it `long`) and sms/send does not send a
 * message twice for a localid it has seen: it answers with the earlier message instead. Our
 * delivery ids are strings, so the localid is 48 bits of their SHA-256 (a safe integer;
 * a collision within one account is vanishingly unlikely).
 */
export function kavenegarLocalId(deliveryId: string): string {
  return String(Number.parseInt(createHash('sha256').update(deliveryId).digest('hex').slice(0, 12), 16));
}

/** Receptors per sms/sendarray call (Kavenegar answers 414 beyond it). */
const SENDARRAY_MAX = 200;

class KavenegarChannel implements Channel {
  readonly kind = 'sms' as const;
  readonly provider = 'kavenegar';
  readonly ratePerSecond: number;
  readonly maxBatch: number;
  readonly #settings: KavenegarSettings;
  readonly #http: ProviderHttp;
  readonly #context: ChannelContext;

  constructor(settings: KavenegarSettings, context: ChannelContext) {
    this.#settings = settings;
    this.#context = context;
    this.ratePerSecond = settings.ratePerSecond;
    this.maxBatch = settings.sender ? SENDARRAY_MAX : 1;
    this.#http = new ProviderHttp(settings.baseUrl, { timeoutMs: settings.timeoutMs, maxSockets: socketsFor(settings.ratePerSecond) });
  }

  #path(method: string): string {
    return `/v1/${encodeURIComponent(this.#settings.apiKey)}/${method}.json`;
  }

  #post(method: string, fields: Record<string, string>) {
    return this.#http.request({
      method: 'POST',
      path: this.#path(method),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const phone = smsAddress(message.to.address);
    if (!phone.ok) return { status: 'suppressed', reason: 'invalid-address', error: `receptor ${phone.error}` };
    const fields: Record<string, string> = {
      receptor: kavenegarReceptor(phone.value),
      message: message.text,
      localid: kavenegarLocalId(message.id),
    };
    if (this.#settings.sender) fields.sender = this.#settings.sender;
    const answer = await this.#post('sms/send', fields);
    if (!answer.ok) return { status: 'failed-retryable', error: `Kavenegar ${answer.error}` };
    return this.#sendOutcome(answer.value);
  }

  /**
   * sms/sendarray: up to 200 personalised messages per call (receptor, sender, message and
   * localmessageids as JSON arrays of one length; the entries answer in the same order). It needs
   * a sender line, so without one `maxBatch` is 1 and the pipeline sends one by one.
   * An answer about one message's content (411 receptor, 413 text) fails the whole call, so those
   * calls are repeated as single sends to find which message it was; an answer about the account
   * (key, credit, rate) is every message's outcome.
   */
  async sendMany(messages: readonly OutgoingMessage[]): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = new Array(messages.length);
    const batch: { index: number; receptor: string; message: OutgoingMessage }[] = [];
    messages.forEach((message, index) => {
      const phone = smsAddress(message.to.address);
      if (!phone.ok) outcomes[index] = { status: 'suppressed', reason: 'invalid-address', error: `receptor ${phone.error}` };
      else batch.push({ index, receptor: kavenegarReceptor(phone.value), message });
    });
    const sender = this.#settings.sender;
    if (!sender || batch.length <= 1) {
      await Promise.all(batch.map(async ({ index, message }) => (outcomes[index] = await this.send(message))));
      return outcomes;
    }
    const answer = await this.#post('sms/sendarray', {
      receptor: JSON.stringify(batch.map((b) => b.receptor)),
      sender: JSON.stringify(batch.map(() => sender)),
      message: JSON.stringify(batch.map((b) => b.message.text)),
      localmessageids: JSON.stringify(batch.map((b) => Number(kavenegarLocalId(b.message.id)))),
    });
    if (!answer.ok) {
      for (const { index } of batch) outcomes[index] = { status: 'failed-retryable', error: `Kavenegar ${answer.error}` };
      return outcomes;
    }
    const envelope = readEnvelope(parseJson(answer.value.body));
    if (envelope && (envelope.return.status === 411 || envelope.return.status === 413)) {
      await Promise.all(batch.map(async ({ index, message }) => (outcomes[index] = await this.send(message))));
      return outcomes;
    }
    if (envelope?.return.status !== 200) {
      const outcome = this.#sendOutcome(answer.value);
      for (const { index } of batch) outcomes[index] = outcome;
      return outcomes;
    }
    const entries = Array.isArray(envelope.entries) ? envelope.entries : [];
    batch.forEach(({ index }, k) => {
      const entry = entries[k];
      // A short answer leaves the rest retryable: the localmessageids stop a second send.
      outcomes[index] = isEntry(entry) ? outcomeOfEntry(entry) : { status: 'failed-retryable', error: 'Kavenegar 200 without a message entry' };
    });
    return outcomes;
  }

  #sendOutcome(answer: ProviderAnswer): SendOutcome {
    const envelope = readEnvelope(parseJson(answer.body));
    const retryAfter = retryAfterMs(answer.headers['retry-after']);
    if (!envelope) {
      // A proxy page, a cut-off body … Retrying is safe: the localid stops a second send.
      if (answer.status === 429 || answer.status >= 500 || answer.status < 300) {
        return { status: 'failed-retryable', error: `Kavenegar HTTP ${answer.status}: unreadable answer`, retryAfterMs: retryAfter };
      }
      return { status: 'failed-permanent', error: `Kavenegar HTTP ${answer.status}: unreadable answer` };
    }
    if (envelope.return.status !== 200) {
      const outcome = outcomeOfReturnStatus(envelope.return.status, envelope.return.message);
      return outcome.status === 'failed-retryable' ? { ...outcome, retryAfterMs: retryAfter } : outcome;
    }
    const entry = Array.isArray(envelope.entries) ? envelope.entries[0] : undefined;
    if (!isEntry(entry)) return { status: 'failed-retryable', error: 'Kavenegar 200 without a message entry' };
    return outcomeOfEntry(entry);
  }

  async verify(): Promise<Result<{ detail?: string | undefined }, string>> {
    const answer = await this.#http.request({ method: 'GET', path: this.#path('account/info') });
    if (!answer.ok) return err(`Kavenegar ${answer.error}`);
    const envelope = readEnvelope(parseJson(answer.value.body));
    if (!envelope) return err(`Kavenegar HTTP ${answer.value.status}: unreadable answer`);
    if (envelope.return.status !== 200) return err(`Kavenegar ${envelope.return.status}: ${envelope.return.message}`);
    const info = envelope.entries as { remaincredit?: unknown; type?: unknown } | undefined;
    const credit = typeof info?.remaincredit === 'number' ? `remaining credit ${info.remaincredit} rial` : undefined;
    return ok({ detail: credit });
  }

  async pollReceipts(providerMessageIds: string[]): Promise<Result<DeliveryReceipt[], string>> {
    // sms/status takes up to 500 comma-separated ids per call (error 414 beyond that).
    const batches: string[][] = [];
    for (let i = 0; i < providerMessageIds.length; i += 500) batches.push(providerMessageIds.slice(i, i + 500));
    const results = await mapLimited(batches, 4, async (ids) => {
      const answer = await this.#post('sms/status', { messageid: ids.join(',') });
      if (!answer.ok) return err(`Kavenegar ${answer.error}`);
      const envelope = readEnvelope(parseJson(answer.value.body));
      if (!envelope) return err(`Kavenegar HTTP ${answer.value.status}: unreadable answer`);
      if (envelope.return.status !== 200) return err(`Kavenegar ${envelope.return.status}: ${envelope.return.message}`);
      const at = new Date();
      const receipts: DeliveryReceipt[] = [];
      for (const entry of Array.isArray(envelope.entries) ? envelope.entries : []) {
        const receipt = isEntry(entry) ? receiptOfEntry(entry, at) : undefined;
        if (receipt) receipts.push(receipt);
      }
      return ok(receipts);
    });
    const receipts: DeliveryReceipt[] = [];
    for (const result of results) {
      if (!result.ok) return result;
      receipts.push(...result.value);
    }
    return ok(receipts);
  }

  /**
   * Kavenegar forwards each received SMS to the callback URL set in its panel, as GET query or
   * POST form parameters `from`, `to`, `message`, `messageid` (receive-to-URL, kavenegar.com/rest.html).
   * Kavenegar does not sign these calls: what authenticates them is the random per-channel token
   * in the webhook URL itself (checked by channels/webhooks.ts before the driver sees the call).
   */
  handleWebhook(request: WebhookRequest): Result<WebhookResult, WebhookError> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query)) if (value !== undefined) params.set(key, value);
    if (request.method.toUpperCase() === 'POST' && request.rawBody) {
      for (const [key, value] of new URLSearchParams(request.rawBody)) params.set(key, value);
    }
    const from = params.get('from');
    const text = params.get('message');
    if (!from || text === null) return err({ status: 400, message: 'from and message are required' });
    const phone = toE164(from);
    if (!phone.ok) return err({ status: 400, message: `from ${phone.error}` });
    const messageId = params.get('messageid');
    this.#context.log.debug({ provider: this.provider }, 'inbound sms');
    return ok({
      receipts: [],
      inbound: [{ from: phone.value, text, at: new Date(), providerMessageId: messageId ?? undefined }],
    });
  }

  async close(): Promise<void> {
    this.#http.close();
  }
}

export const kavenegarDriver: ChannelDriver<KavenegarSettings> = {
  provider: 'kavenegar',
  kind: 'sms',
  label: 'Kavenegar (SMS)',
  settings: kavenegarSettings,
  secrets: ['apiKey'],
  create: (settings, context) => new KavenegarChannel(settings, context),
};

import { z } from 'zod';
import { err, ok, type Result } from '../../../platform/result.ts';
import type { Channel, ChannelDriver, DeliveryReceipt, OutgoingMessage, SendOutcome } from '../channel.ts';
import { mapLimited, parseJson, ProviderHttp, retryAfterMs, smsAddress, socketsFor, type ProviderAnswer } from '../provider-http.ts';
import { outcomeOfStatus, readEnvelope, receiptOfReport } from './answers.ts';

/** sms.ir (https://app.sms.ir/developer/help): JSON over HTTPS, the key in the X-API-KEY header. */
export const smsIrSettings = z.object({
  apiKey: z.string().trim().min(8, 'is not an sms.ir API key'),
  /** The dedicated line to send from (3000…). */
  lineNumber: z.string().trim().regex(/^\d{4,16}$/, 'must be a line number (digits only)'),
  baseUrl: z.url().default('https://api.sms.ir'),
  /**
   * sms.ir answers status 20 "more requests than allowed" but publishes no per-second figure;
   * 30/s is a conservative start, raised to what the account is granted.
   */
  ratePerSecond: z.number().int().min(1).max(5000).default(30),
  timeoutMs: z.number().int().min(50).max(60_000).default(10_000),
});
export type SmsIrSettings = z.infer<typeof smsIrSettings>;

class SmsIrChannel implements Channel {
  readonly kind = 'sms' as const;
  readonly provider = 'smsir';
  readonly ratePerSecond: number;
  readonly #settings: SmsIrSettings;
  readonly #http: ProviderHttp;

  constructor(settings: SmsIrSettings) {
    this.#settings = settings;
    this.ratePerSecond = settings.ratePerSecond;
    this.#http = new ProviderHttp(settings.baseUrl, { timeoutMs: settings.timeoutMs, maxSockets: socketsFor(settings.ratePerSecond) });
  }

  #call(method: 'GET' | 'POST', path: string, body?: unknown) {
    return this.#http.request({
      method,
      path,
      headers: { 'x-api-key': this.#settings.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /**
   * POST /v1/send/bulk with one mobile. sms.ir has no idempotency key, so a retry after an
   * ambiguous failure (a timeout after the request left) can send twice; the pipeline's
   * per-recipient idempotency record is the only guard here.
   */
  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const phone = smsAddress(message.to.address);
    if (!phone.ok) return { status: 'suppressed', reason: 'invalid-address', error: `mobile ${phone.error}` };
    if (!phone.value.startsWith('+98')) {
      return { status: 'suppressed', reason: 'invalid-address', error: 'sms.ir delivers to Iranian mobile numbers only' };
    }
    const answer = await this.#call('POST', '/v1/send/bulk', {
      lineNumber: Number(this.#settings.lineNumber),
      messageText: message.text,
      mobiles: [`0${phone.value.slice(3)}`],
      sendDateTime: null,
    });
    if (!answer.ok) return { status: 'failed-retryable', error: `sms.ir ${answer.error}` };
    return sendOutcome(answer.value);
  }

  async verify(): Promise<Result<{ detail?: string | undefined }, string>> {
    const answer = await this.#call('GET', '/v1/credit');
    if (!answer.ok) return err(`sms.ir ${answer.error}`);
    const envelope = readEnvelope(parseJson(answer.value.body));
    if (!envelope) return err(`sms.ir HTTP ${answer.value.status}: unreadable answer`);
    if (envelope.status !== 1) return err(`sms.ir ${envelope.status}: ${envelope.message}`);
    return ok({ detail: typeof envelope.data === 'number' ? `credit ${envelope.data}` : undefined });
  }

  /** GET /v1/send/{messageId} for each id (sms.ir reports one message per call). */
  async pollReceipts(providerMessageIds: string[]): Promise<Result<DeliveryReceipt[], string>> {
    const results = await mapLimited(providerMessageIds, 8, async (id): Promise<Result<DeliveryReceipt | undefined, string>> => {
      if (!/^\d+$/.test(id)) return ok(undefined);
      const answer = await this.#call('GET', `/v1/send/${id}`);
      if (!answer.ok) return err(`sms.ir ${answer.error}`);
      const envelope = readEnvelope(parseJson(answer.value.body));
      if (!envelope) return err(`sms.ir HTTP ${answer.value.status}: unreadable answer`);
      if (envelope.status !== 1) {
        // An id sms.ir does not know is not a reason to stop polling the others.
        if (envelope.status === 111 || answer.value.status === 404) return ok(undefined);
        return err(`sms.ir ${envelope.status}: ${envelope.message}`);
      }
      const report = envelope.data as { deliveryState?: unknown; deliveryDateTime?: unknown } | null;
      if (typeof report?.deliveryState !== 'number') return ok(undefined);
      const at = typeof report.deliveryDateTime === 'number' && report.deliveryDateTime > 0 ? new Date(report.deliveryDateTime * 1000) : new Date();
      return ok(receiptOfReport(id, report.deliveryState, at));
    });
    const receipts: DeliveryReceipt[] = [];
    for (const result of results) {
      if (!result.ok) return result;
      if (result.value) receipts.push(result.value);
    }
    return ok(receipts);
  }

  async close(): Promise<void> {
    this.#http.close();
  }
}

function sendOutcome(answer: ProviderAnswer): SendOutcome {
  const envelope = readEnvelope(parseJson(answer.body));
  const retryAfter = retryAfterMs(answer.headers['retry-after']);
  if (!envelope) {
    if (answer.status === 429 || answer.status >= 500) {
      return { status: 'failed-retryable', error: `sms.ir HTTP ${answer.status}: unreadable answer`, retryAfterMs: retryAfter };
    }
    return { status: 'failed-permanent', error: `sms.ir HTTP ${answer.status}: unreadable answer` };
  }
  if (envelope.status === 1) {
    const ids = (envelope.data as { messageIds?: unknown } | null)?.messageIds;
    const first = Array.isArray(ids) ? ids[0] : undefined;
    return { status: 'sent', providerMessageId: first === undefined ? undefined : String(first) };
  }
  const outcome = outcomeOfStatus(envelope.status, envelope.message);
  return outcome.status === 'failed-retryable' ? { ...outcome, retryAfterMs: retryAfter } : outcome;
}

export const smsIrDriver: ChannelDriver<SmsIrSettings> = {
  provider: 'smsir',
  kind: 'sms',
  label: 'sms.ir (SMS)',
  settings: smsIrSettings,
  secrets: ['apiKey'],
  create: (settings) => new SmsIrChannel(settings),
};

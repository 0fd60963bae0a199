import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../../../platform/result.ts';
import type { Channel, ChannelDriver, OutgoingMessage, SendOutcome, WebhookError, WebhookRequest, WebhookResult } from '../channel.ts';

const settings = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).describe('Where each message is POSTed as JSON'),
  secret: z.string().min(16, 'must be at least 16 characters').max(200).describe('Signs each request (HMAC-SHA256) and checks receipts posted back'),
  timeoutMs: z.number().int().min(500).max(60_000).default(10_000),
  ratePerSecond: z.number().int().min(1).max(10_000).default(50),
});
export type WebhookSettings = z.infer<typeof settings>;

export const SIGNATURE_HEADER = 'x-vafa-signature';
export const TIMESTAMP_HEADER = 'x-vafa-timestamp';
/** Signed requests older or newer than this are refused (replay protection). */
const TOLERANCE_SECONDS = 300;

/**
 * The signature both ways: `sha256=` + hex HMAC-SHA256 of `{timestamp}.{body}` with the shared
 * secret (the scheme Stripe and Slack use, so receivers can reuse their verification code).
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** HTTP status onto the outcome set: 2xx sent; 408/429/5xx later; 410 "stop for this customer"; other 4xx never. */
export function httpOutcome(status: number, body: string, retryAfter: string | null): SendOutcome {
  const detail = `HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`;
  if (status >= 200 && status < 300) {
    let id: string | undefined;
    try {
      const parsed = JSON.parse(body) as { id?: unknown };
      if (typeof parsed.id === 'string' || typeof parsed.id === 'number') id = String(parsed.id);
    } catch {}
    return { status: 'sent', providerMessageId: id };
  }
  if (status === 408 || status === 429 || status >= 500) return { status: 'failed-retryable', error: detail, retryAfterMs: retryAfterMs(retryAfter) };
  if (status === 410) return { status: 'suppressed', reason: 'unsubscribed', error: detail };
  return { status: 'failed-permanent', error: detail };
}

/** What a receiver may POST back to the channel's hook URL, signed the same way. */
const receiptBody = z.strictObject({
  receipts: z
    .array(
      z.strictObject({
        providerMessageId: z.string().min(1).max(200),
        status: z.enum(['delivered', 'read', 'failed-permanent', 'failed-retryable', 'suppressed']),
        reason: z.enum(['blocked', 'blacklisted', 'unsubscribed', 'invalid-address']).optional(),
        error: z.string().max(1000).optional(),
        at: z.iso.datetime({ offset: true }),
      }),
    )
    .max(1000)
    .default([]),
  inbound: z
    .array(z.strictObject({ from: z.string().min(1).max(200), text: z.string().max(10_000), at: z.iso.datetime({ offset: true }), providerMessageId: z.string().max(200).optional() }))
    .max(1000)
    .default([]),
});

class WebhookChannel implements Channel {
  readonly kind = 'webhook' as const;
  readonly provider = 'webhook';
  readonly ratePerSecond: number;

  constructor(private readonly s: WebhookSettings) {
    this.ratePerSecond = s.ratePerSecond;
  }

  private async post(body: string, headers: Record<string, string>): Promise<Response> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return fetch(this.s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Vafa-Webhook/1', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(this.s.secret, timestamp, body), ...headers },
      body,
      signal: AbortSignal.timeout(this.s.timeoutMs),
      redirect: 'manual',
    });
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const body = JSON.stringify({
      type: 'message',
      id: m.id,
      customerId: m.to.customerId,
      category: m.category,
      language: m.to.language,
      subject: m.subject,
      text: m.text,
      html: m.html,
      url: m.url,
      metadata: m.metadata,
    });
    try {
      const res = await this.post(body, { 'idempotency-key': m.id, 'x-vafa-event': 'message' });
      return httpOutcome(res.status, await res.text(), res.headers.get('retry-after'));
    } catch (e) {
      return { status: 'failed-retryable', error: `could not reach ${new URL(this.s.url).host}: ${(e as Error).message}` };
    }
  }

  /** A signed `{"type":"ping"}`: the receiver proves it is up and accepts our signature. */
  async verify() {
    try {
      const res = await this.post(JSON.stringify({ type: 'ping' }), { 'x-vafa-event': 'ping' });
      const text = await res.text();
      return res.ok ? ok({ detail: `HTTP ${res.status}` }) : err(`HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ''}`);
    } catch (e) {
      return err(`could not reach ${new URL(this.s.url).host}: ${(e as Error).message}`);
    }
  }

  handleWebhook(request: WebhookRequest): Result<WebhookResult, WebhookError> {
    const timestamp = request.headers[TIMESTAMP_HEADER] ?? '';
    const given = request.headers[SIGNATURE_HEADER] ?? '';
    if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) {
      return err({ status: 401, message: `${TIMESTAMP_HEADER} is missing or more than ${TOLERANCE_SECONDS} s away` });
    }
    const expected = Buffer.from(signature(this.s.secret, timestamp, request.rawBody));
    const givenBytes = Buffer.from(given);
    if (givenBytes.length !== expected.length || !timingSafeEqual(givenBytes, expected)) return err({ status: 401, message: `${SIGNATURE_HEADER} does not match` });
    let json: unknown;
    try {
      json = JSON.parse(request.rawBody);
    } catch {
      return err({ status: 400, message: 'the body is not JSON' });
    }
    const parsed = receiptBody.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return err({ status: 400, message: `${issue?.path.join('.') || 'body'}: ${issue?.message}` });
    }
    return ok({
      receipts: parsed.data.receipts.map((r) => ({ ...r, at: new Date(r.at) })),
      inbound: parsed.data.inbound.map((i) => ({ ...i, at: new Date(i.at) })),
    });
  }

  async close() {}
}

/** Outgoing webhook: each message POSTed as signed JSON to the workspace's own system. */
export const webhookDriver: ChannelDriver<WebhookSettings> = {
  provider: 'webhook',
  kind: 'webhook',
  label: 'Outgoing webhook',
  settings,
  secrets: ['secret'],
  create: (s) => new WebhookChannel(s),
};

import type { z } from 'zod';
import type { Logger } from '../../platform/logger.ts';
import type { Result } from '../../platform/result.ts';

/**
 * The one port every channel driver implements (one folder per driver beside this file).
 * The delivery pipeline only ever talks to `Channel`; it never knows which provider is behind it.
 * Drivers map every provider answer onto the same outcome set, so caps, retries, suppression and
 * reports work the same for an SMTP server, Kavenegar or a Telegram bot.
 */
export const channelKinds = ['email', 'sms', 'telegram', 'bale', 'whatsapp', 'webpush', 'webhook', 'eitaa', 'rubika'] as const;
export type ChannelKind = (typeof channelKinds)[number];

/** Where one message goes, resolved from the customer's profile by the delivery pipeline. */
export interface Recipient {
  customerId: string;
  /**
   * email: an address; sms and whatsapp: E.164 (+98912…); telegram, bale, rubika: the chat id;
   * eitaa: the channel id (posts go to a channel, not a person); webpush: the PushSubscription
   * JSON; webhook: unused (the customer id travels in the payload).
   */
  address: string;
  name?: string | undefined;
  /** fa, ar, en … : the language the content was rendered in. */
  language?: string | undefined;
}

export interface OutgoingMessage {
  /**
   * The delivery's idempotency key (recipient × message). Drivers pass it to providers that
   * deduplicate (e.g. a localid / Idempotency-Key) so that a retry after a crash never sends twice.
   */
  id: string;
  to: Recipient;
  category: 'marketing' | 'transactional';
  /** Plain text: the SMS, the messenger text, the push body, the email's text part. */
  text: string;
  /** Email subject, push title. */
  subject?: string | undefined;
  /** Email HTML (already rendered: MJML compiled once, Liquid per recipient). */
  html?: string | undefined;
  /** Where a click goes (push, messenger button). */
  url?: string | undefined;
  /** RFC 8058 one-click unsubscribe URL; email adds List-Unsubscribe(-Post) headers from it. */
  unsubscribeUrl?: string | undefined;
  /** WhatsApp: an approved template, required outside the 24-hour customer-service window. */
  template?: { name: string; language: string; parameters: string[] } | undefined;
  /** Free-form pairs some providers echo back in receipts (tags, metadata). */
  metadata?: Record<string, string> | undefined;
}

/** Why a recipient must not be contacted again on this channel (updates consent/suppression). */
export type SuppressionReason = 'blocked' | 'blacklisted' | 'unsubscribed' | 'invalid-address';

/** Every provider answer maps onto exactly one of these. */
export type SendOutcome =
  | { status: 'sent'; providerMessageId?: string | undefined }
  | { status: 'delivered'; providerMessageId?: string | undefined }
  | { status: 'failed-retryable'; error: string; retryAfterMs?: number | undefined }
  | { status: 'failed-permanent'; error: string }
  | { status: 'suppressed'; reason: SuppressionReason; error: string };

/** A later fact about a sent message: from a signed webhook or from polling. */
export interface DeliveryReceipt {
  providerMessageId: string;
  status: 'delivered' | 'read' | 'failed-permanent' | 'failed-retryable' | 'suppressed';
  reason?: SuppressionReason | undefined;
  error?: string | undefined;
  at: Date;
}

/** A message a customer sent us (SMS reply, bot message): STOP keywords, replies, chat-id capture. */
export interface InboundMessage {
  /** Same shape as Recipient.address for this kind (E.164 phone, chat id …). */
  from: string;
  text: string;
  at: Date;
  providerMessageId?: string | undefined;
  /** Profile hints the provider gives (messenger user name, phone shared with a bot …). */
  profile?: { name?: string | undefined; phone?: string | undefined; username?: string | undefined } | undefined;
}

/** A provider's HTTP call to us, as received (raw body kept for signature checks). */
export interface WebhookRequest {
  method: string;
  /** The full public URL the provider called (Twilio signs it). */
  url: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  rawBody: string;
}

export interface WebhookResult {
  receipts: DeliveryReceipt[];
  inbound: InboundMessage[];
  /** What to answer when the provider expects a specific body (e.g. TwiML, a challenge echo). */
  reply?: { status: number; contentType: string; body: string } | undefined;
}

/** 400: malformed; 401: missing or wrong signature. */
export type WebhookError = { status: 400 | 401; message: string };

export interface Channel {
  readonly kind: ChannelKind;
  readonly provider: string;
  /** Messages per second the provider allows this account; the pipeline throttles to it. */
  readonly ratePerSecond: number;
  send(message: OutgoingMessage): Promise<SendOutcome>;
  /**
   * Providers with a batch call (Kavenegar sms/sendarray): up to `maxBatch` messages, each with its
   * own recipient, text and idempotency key, in one request. Answers one outcome per message, in
   * order. The pipeline uses it when a chunk holds several messages for this channel.
   */
  sendMany?(messages: readonly OutgoingMessage[]): Promise<SendOutcome[]>;
  /** How many messages one `sendMany` call takes (absent or 1: no batch call). */
  readonly maxBatch?: number;
  /** Checks the credentials with a cheap provider call; the error is the provider's own message. */
  verify(): Promise<Result<{ detail?: string | undefined }, string>>;
  /** Parses (and authenticates) a provider webhook: receipts and inbound messages. */
  handleWebhook?(request: WebhookRequest): Result<WebhookResult, WebhookError>;
  /** Asks the provider about earlier sends, for providers without receipt webhooks. */
  pollReceipts?(providerMessageIds: string[]): Promise<Result<DeliveryReceipt[], string>>;
  /** Releases pooled connections. */
  close(): Promise<void>;
}

export interface ChannelContext {
  log: Logger;
  /** Vafa's public base URL (https://crm.example.com), for webhook and callback URLs. */
  publicUrl: string;
  /** The webhook URL of this configured channel: publicUrl + /hooks/channels/{id}/{token} (the token authenticates the caller). */
  webhookUrl: string;
}

/**
 * A provider integration. `settings` validates what an admin enters (secrets included); the
 * names in `secrets` are encrypted at rest, never returned by the API and redacted in logs.
 * Every driver accepts an optional `baseUrl` (or SMTP host/port) so that tests and self-hosted
 * gateways can point it at another server speaking the same API.
 */
export interface ChannelDriver<S = Record<string, unknown>> {
  provider: string;
  kind: ChannelKind;
  /** Shown in the console: "Kavenegar (SMS)". */
  label: string;
  settings: z.ZodType<S>;
  secrets: readonly string[];
  create(settings: S, context: ChannelContext): Channel;
}

/** How the delivery pipeline finds a workspace's configured channel (implemented by the channel store). */
export interface ChannelDirectory {
  /** The workspace's enabled channel of this kind (its default one), opened and cached; undefined when none. */
  open(workspaceId: string, kind: ChannelKind): Promise<{ configId: string; channel: Channel } | undefined>;
  /** The kinds this workspace has an enabled channel for. */
  kinds(workspaceId: string): Promise<ChannelKind[]>;
  /**
   * One configured channel by its id (enabled or not: receipts of earlier sends still arrive and
   * can still be polled), opened and cached; undefined when the workspace has no such channel.
   */
  openById?(workspaceId: string, configId: string): Promise<{ configId: string; channel: Channel } | undefined>;
}

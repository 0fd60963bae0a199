import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { err, ok } from '../../../platform/result.ts';
import type { Channel, ChannelDriver, OutgoingMessage, SendOutcome } from '../channel.ts';
import { smtpThread } from './smtp-threads.ts';

const settings = z.strictObject({
  host: z.string().trim().min(1).max(253).describe('SMTP server'),
  port: z.number().int().min(1).max(65535).default(587),
  secure: z.boolean().default(false).describe('TLS from the first byte (port 465); otherwise STARTTLS when the server offers it'),
  user: z.string().max(320).optional(),
  password: z.string().max(1000).optional(),
  from: z.string().trim().min(3).max(320).describe('Sender, e.g. "Shop <news@shop.example>"'),
  replyTo: z.string().trim().max(320).optional(),
  ratePerSecond: z.number().int().min(1).max(10_000).default(10).describe("Messages per second the server accepts from this account"),
  maxConnections: z.number().int().min(1).max(50).default(5).describe('Pooled SMTP connections'),
});
export type EmailSettings = z.infer<typeof settings>;

/**
 * RFC 5321 reply codes onto the one outcome set: 4xx is a temporary refusal (try again later);
 * 550/551/553 say the mailbox does not exist (stop mailing it); other 5xx refuse this message.
 */
export function smtpOutcome(error: unknown): SendOutcome {
  const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const text = (e.response ?? e.message ?? 'SMTP error').slice(0, 500);
  const code = e.responseCode;
  // A wrong password is the sender's configuration, not this message's fault: retry once it is fixed.
  if (e.code === 'EAUTH') return { status: 'failed-retryable', error: `authentication failed: ${text}` };
  if (code === undefined) return { status: 'failed-retryable', error: text };
  if (code >= 400 && code < 500) return { status: 'failed-retryable', error: text };
  if (code === 550 || code === 551 || code === 553) return { status: 'suppressed', reason: 'invalid-address', error: text };
  return { status: 'failed-permanent', error: text };
}

/** The domain of the sender address, for Message-IDs. */
function senderDomain(from: string): string {
  const match = /@([^\s>]+)>?\s*$/.exec(from);
  return match?.[1]?.toLowerCase() ?? 'vafa.invalid';
}

/**
 * A Message-ID derived from the delivery's idempotency key: a retry after a crash produces the
 * same id, so receiving servers and our own receipts can recognise the duplicate.
 */
export function messageIdFor(messageId: string, from: string): string {
  return `<${createHash('sha256').update(messageId).digest('hex').slice(0, 32)}@${senderDomain(from)}>`;
}

function mailOf(s: EmailSettings, m: OutgoingMessage) {
  const headers: Record<string, string> = {};
  if (m.unsubscribeUrl) {
    // RFC 8058: the URL answers a POST "List-Unsubscribe=One-Click" without further interaction.
    headers['List-Unsubscribe'] = `<${m.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  if (m.category === 'marketing') headers.Precedence = 'bulk';
  return {
    from: s.from,
    ...(s.replyTo ? { replyTo: s.replyTo } : {}),
    to: m.to.name ? { name: m.to.name, address: m.to.address } : m.to.address,
    subject: m.subject ?? '',
    text: m.text,
    ...(m.html ? { html: m.html } : {}),
    messageId: messageIdFor(m.id, s.from),
    headers,
  };
}

/**
 * Sends through a pooled nodemailer transport that lives on the process's SMTP thread
 * (smtp-threads.ts): the main thread only builds the mail's fields and maps the answer.
 */
class EmailChannel implements Channel {
  readonly kind = 'email' as const;
  readonly provider = 'smtp';
  readonly ratePerSecond: number;
  /** This channel's transport on the SMTP thread. */
  private readonly key = randomUUID();

  constructor(private readonly s: EmailSettings) {
    this.ratePerSecond = s.ratePerSecond;
    smtpThread.open(this.key, {
      pool: true,
      maxConnections: s.maxConnections,
      maxMessages: 1000,
      host: s.host,
      port: s.port,
      secure: s.secure,
      ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    if (!message.to.address.includes('@')) return { status: 'suppressed', reason: 'invalid-address', error: `"${message.to.address}" is not an email address` };
    const answer = await smtpThread.send(this.key, mailOf(this.s, message));
    // With one recipient, a refusal is an error; a partial accept cannot happen here.
    return answer.ok ? { status: 'sent', providerMessageId: answer.messageId } : smtpOutcome(answer.error);
  }

  async verify() {
    const answer = await smtpThread.verify(this.key);
    if (answer.ok) return ok({ detail: `${this.s.host}:${this.s.port} accepted the connection${this.s.user ? ' and the login' : ''}` });
    return err(answer.error.response ?? answer.error.message ?? 'SMTP verify failed');
  }

  async close() {
    smtpThread.close(this.key);
  }
}

/** Email over SMTP through a pooled nodemailer transport. */
export const emailDriver: ChannelDriver<EmailSettings> = {
  provider: 'smtp',
  kind: 'email',
  label: 'Email (SMTP)',
  settings,
  secrets: ['password'],
  create: (s) => new EmailChannel(s),
};

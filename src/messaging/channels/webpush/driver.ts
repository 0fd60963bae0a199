import { createECDH } from 'node:crypto';
import https from 'node:https';
import webPush from 'web-push';
import { z } from 'zod';
import { err, ok } from '../../../platform/result.ts';
import type { Channel, ChannelDriver, OutgoingMessage, SendOutcome } from '../channel.ts';
import { retryAfterMs } from '../webhook/driver.ts';

const base64url = /^[A-Za-z0-9_-]+$/;
const settings = z.strictObject({
  subject: z
    .string()
    .trim()
    .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https: URL the push service can contact you at'),
  publicKey: z.string().trim().regex(base64url, 'must be URL-safe base64 (generate a key pair)').length(87, 'must be an 87-character P-256 public key'),
  privateKey: z.string().trim().regex(base64url, 'must be URL-safe base64 (generate a key pair)').length(43, 'must be a 43-character P-256 private key'),
  ttlSeconds: z.number().int().min(0).max(2_419_200).default(86_400).describe('How long the push service keeps an undelivered message'),
  ratePerSecond: z.number().int().min(1).max(10_000).default(100),
});
export type WebPushSettings = z.infer<typeof settings>;

/** The browser's PushSubscription.toJSON(), stored as the recipient's address. */
const subscriptionSchema = z.object({
  endpoint: z.url({ protocol: /^https$/ }),
  keys: z.object({ p256dh: z.string().regex(base64url).min(80), auth: z.string().regex(base64url).min(16) }),
});

export function generateVapidKeys(): { publicKey: string; privateKey: string } {
  return webPush.generateVAPIDKeys();
}

/** Push service answers (RFC 8030 §5): 404/410 the subscription is gone; 429/5xx later; else refused. */
export function pushOutcome(error: unknown): SendOutcome {
  if (error instanceof webPush.WebPushError) {
    const detail = `HTTP ${error.statusCode}${error.body ? `: ${String(error.body).slice(0, 300)}` : ''}`;
    const retryAfter = error.headers?.['retry-after'];
    if (error.statusCode === 404 || error.statusCode === 410) return { status: 'suppressed', reason: 'invalid-address', error: `subscription expired (${detail})` };
    if (error.statusCode === 429 || error.statusCode >= 500) return { status: 'failed-retryable', error: detail, retryAfterMs: retryAfterMs(typeof retryAfter === 'string' ? retryAfter : null) };
    return { status: 'failed-permanent', error: detail };
  }
  return { status: 'failed-retryable', error: (error as Error).message };
}

class WebPushChannel implements Channel {
  readonly kind = 'webpush' as const;
  readonly provider = 'webpush';
  readonly ratePerSecond: number;
  /** Keep-alive sockets to the push services (FCM, Mozilla, Apple): one TLS handshake per host. */
  private readonly agent: https.Agent;

  constructor(
    private readonly s: WebPushSettings,
    agentOptions: https.AgentOptions,
  ) {
    this.ratePerSecond = s.ratePerSecond;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 50, ...agentOptions });
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    let subscription: z.infer<typeof subscriptionSchema>;
    try {
      const parsed = subscriptionSchema.safeParse(JSON.parse(m.to.address));
      if (!parsed.success) return { status: 'suppressed', reason: 'invalid-address', error: `not a push subscription: ${parsed.error.issues[0]?.message}` };
      subscription = parsed.data;
    } catch {
      return { status: 'suppressed', reason: 'invalid-address', error: 'the address is not PushSubscription JSON' };
    }
    // What the site's service worker receives in its "push" event.
    const payload = JSON.stringify({ id: m.id, title: m.subject ?? '', body: m.text, url: m.url, language: m.to.language });
    try {
      const res = await webPush.sendNotification(subscription, payload, {
        vapidDetails: { subject: this.s.subject, publicKey: this.s.publicKey, privateKey: this.s.privateKey },
        TTL: this.s.ttlSeconds,
        urgency: m.category === 'transactional' ? 'high' : 'normal',
        timeout: 15_000,
        agent: this.agent,
      });
      const location = res.headers.location;
      return { status: 'sent', providerMessageId: typeof location === 'string' ? location : undefined };
    } catch (e) {
      return pushOutcome(e);
    }
  }

  /**
   * Push services offer no credential check, so verify what can fail on our side: the key pair
   * must be a valid P-256 pair (the private key derives the public one) and the subject valid.
   */
  async verify() {
    try {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(Buffer.from(this.s.privateKey, 'base64url'));
      if (ecdh.getPublicKey().toString('base64url') !== this.s.publicKey) return err('the VAPID private key does not belong to the public key');
      webPush.getVapidHeaders('https://push.example', this.s.subject, this.s.publicKey, this.s.privateKey, 'aes128gcm');
      return ok({ detail: 'VAPID key pair is valid' });
    } catch (e) {
      return err(`invalid VAPID keys: ${(e as Error).message}`);
    }
  }

  async close() {
    this.agent.destroy();
  }
}

/**
 * Web push with VAPID. `agentOptions` exists for tests and private push services with their own
 * certificate authority (e.g. `{ ca }`); the shipped driver uses the system's trust store.
 */
export function createWebPushDriver(agentOptions: https.AgentOptions = {}): ChannelDriver<WebPushSettings> {
  return {
    provider: 'webpush',
    kind: 'webpush',
    label: 'Web push (VAPID)',
    settings,
    secrets: ['privateKey'],
    create: (s) => new WebPushChannel(s, agentOptions),
  };
}

export const webPushDriver = createWebPushDriver();

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A webhook secret derived from the bot token, so it needs no storage of its own, stays the same
 * across restarts and replicas, and changes when the token is rotated. The output alphabet
 * (base64url: A-Z a-z 0-9 _ -) is what Telegram's `setWebhook.secret_token` accepts (1–256 chars).
 */
export function deriveWebhookSecret(token: string, purpose: string): string {
  return createHmac('sha256', token).update(`vafa-webhook:${purpose}`).digest('base64url');
}

/** Constant-time string comparison; false for a missing value. */
export function safeEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Adds `name=value` to a URL's query, keeping what is there. */
export function withQuery(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

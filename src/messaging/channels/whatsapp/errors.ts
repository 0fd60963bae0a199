import type { SendOutcome } from '../channel.ts';

/**
 * WhatsApp Cloud API error codes → the one outcome set. Codes and meanings from Meta's reference
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes (Graph API error
 * envelope: `{ error: { message, type, code, error_subcode, error_data: { details }, fbtrace_id } }`).
 * Meta asks integrations to branch on `code`, never on the message text.
 */
const retryable = new Set([
  1, // API Unknown
  2, // API Service: temporary outage
  4, // API Too Many Calls (app-level throttling)
  80007, // rate limit issues (WABA-level)
  130429, // Rate limit hit: Cloud API throughput reached
  131000, // Something went wrong
  131016, // Service unavailable
  131048, // Spam rate limit hit
  131056, // (Business, Consumer) pair rate limit hit
  133004, // Server temporarily unavailable
]);

export function whatsappErrorOutcome(code: number, message: string): SendOutcome {
  if (code === 131050)
    // "User has stopped marketing messages": the customer opted out on WhatsApp itself.
    return { status: 'suppressed', reason: 'unsubscribed', error: message };
  if (code === 131047)
    return { status: 'failed-permanent', error: `outside the 24-hour customer-service window: an approved template is needed (${message})` };
  if (code === 131026)
    // Undeliverable: not a WhatsApp user, old app, or has not accepted the terms. Not an opt-out.
    return { status: 'failed-permanent', error: message };
  if (retryable.has(code)) return { status: 'failed-retryable', error: message };
  // 190 token expired, 0/3/10/200-299 permissions, 100/131008/131009 bad parameters, 132xxx
  // template problems, 131030 recipient not in the test allow-list, 131049 Meta held the message
  // for ecosystem health, 133010 sender not registered: fixing needs a person, not a retry.
  return { status: 'failed-permanent', error: message };
}

/** The Graph error envelope's code and message (with `error_data.details` when Meta adds one). */
export function readGraphError(body: unknown): { code: number; message: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; message?: unknown; error_data?: { details?: unknown } };
  if (typeof e.code !== 'number') return undefined;
  const message = typeof e.message === 'string' ? e.message : `error ${e.code}`;
  const details = typeof e.error_data?.details === 'string' ? e.error_data.details : undefined;
  return { code: e.code, message: details && !message.includes(details) ? `${message}: ${details}` : message };
}

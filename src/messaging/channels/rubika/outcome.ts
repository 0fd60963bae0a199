import type { SendOutcome } from '../channel.ts';
import { isRecord, type ProviderAnswer } from '../bot-api/http.ts';

/**
 * Rubika Bot API v3 answers `{ status: "OK", data }` or `{ status: <ERROR>, dev_message }` with the
 * statuses INVALID_INPUT, INVALID_ACCESS and TOO_REQUESTS (https://rubika.ir/botapi; the same set
 * the maintained clients branch on, e.g. github.com/DevJavad/rubigram errors.py).
 */
export function rubikaOutcome(answer: ProviderAnswer): SendOutcome {
  const body = answer.json;
  if (isRecord(body) && body.status === 'OK') {
    const data = isRecord(body.data) ? body.data : {};
    return { status: 'sent', providerMessageId: data.message_id === undefined ? undefined : String(data.message_id) };
  }
  if (!isRecord(body) || typeof body.status !== 'string') {
    if (answer.status === 401 || answer.status === 403) return { status: 'failed-permanent', error: `Rubika answered HTTP ${answer.status}: check the token` };
    return { status: 'failed-retryable', error: `unreadable Rubika answer (HTTP ${answer.status})` };
  }
  const error = typeof body.dev_message === 'string' && body.dev_message ? `${body.status}: ${body.dev_message}` : body.status;
  const text = error.toLowerCase();
  if (body.status === 'TOO_REQUESTS') return { status: 'failed-retryable', error, retryAfterMs: answer.retryAfterSeconds === undefined ? 1000 : answer.retryAfterSeconds * 1000 };
  if (text.includes('block')) return { status: 'suppressed', reason: 'blocked', error };
  if (body.status === 'INVALID_ACCESS') return { status: 'failed-permanent', error };
  if (body.status === 'INVALID_INPUT' && /chat|not found|user/.test(text)) return { status: 'suppressed', reason: 'invalid-address', error };
  if (/server|internal|unavailable/i.test(body.status) || answer.status >= 500) return { status: 'failed-retryable', error };
  return { status: 'failed-permanent', error };
}

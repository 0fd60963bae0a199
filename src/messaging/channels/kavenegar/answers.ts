import type { DeliveryReceipt, SendOutcome } from '../channel.ts';

/**
 * Kavenegar's answers (REST API v1, https://kavenegar.com/rest.html, "جدول خطاها" and
 * "وضعیت پیامک"; cross-checked with the official SDKs kavenegar/kavenegar-node and
 * kavenegar/kavenegar-dotnet Models/Enums/MessageStatus.cs). Every call answers
 * `{ return: { status, message }, entries }`; `return.status` is authoritative (the HTTP
 * status usually mirrors it, but a proxy in between may not).
 */
export interface KavenegarEnvelope<E> {
  return: { status: number; message: string };
  entries: E;
}

/** One sent message, as sms/send and sms/status describe it. */
export interface KavenegarEntry {
  messageid: number;
  status: number;
  statustext?: string;
  receptor?: string;
  sender?: string;
  message?: string;
  date?: number;
  cost?: number;
}

/** `return.status` values that are worth retrying later: the request itself was fine. */
const retryable: Record<number, string> = {
  409: 'server cannot answer now',
  418: 'insufficient credit',
  451: 'too many calls in a short time',
};

/** `return.status` values that mean this receptor must not be messaged again. */
const invalidReceptor = 411;

/** What a non-200 `return.status` means for a send. */
export function outcomeOfReturnStatus(status: number, message: string): SendOutcome {
  const error = `Kavenegar ${status}: ${message}`;
  if (status in retryable) return { status: 'failed-retryable', error };
  if (status === invalidReceptor) return { status: 'suppressed', reason: 'invalid-address', error };
  // 400/406 bad parameters, 401 account disabled, 403 invalid API key, 407 no access, 412 invalid
  // sender, 413 empty/too long text, 416 IP not allowed, 420 links forbidden, 422 bad characters,
  // 426/427 line needs a permission, 501 demo account: retrying the same request cannot help.
  return { status: 'failed-permanent', error };
}

/**
 * Message statuses (entries[].status) from sms/send and sms/status:
 * 1 queued, 2 scheduled, 4 and 5 sent to the operator, 6 failed at the operator, 10 delivered,
 * 11 not delivered, 13 cancelled (cost refunded), 14 blocked (the receptor refuses advertising
 * lines: operator blacklist), 100 unknown message id.
 */
export function outcomeOfEntry(entry: KavenegarEntry): SendOutcome {
  const providerMessageId = String(entry.messageid);
  const text = `Kavenegar message status ${entry.status}${entry.statustext ? `: ${entry.statustext}` : ''}`;
  switch (entry.status) {
    case 1:
    case 2:
    case 4:
    case 5:
      return { status: 'sent', providerMessageId };
    case 10:
      return { status: 'delivered', providerMessageId };
    case 14:
      return { status: 'suppressed', reason: 'blacklisted', error: text };
    case 13:
    case 6:
    case 11:
      return { status: 'failed-permanent', error: text };
    default:
      return { status: 'failed-permanent', error: text };
  }
}

/** A polled status as a receipt; undefined while the message is still on its way (or the id is unknown). */
export function receiptOfEntry(entry: KavenegarEntry, at: Date): DeliveryReceipt | undefined {
  const providerMessageId = String(entry.messageid);
  const error = entry.statustext ? `Kavenegar ${entry.status}: ${entry.statustext}` : `Kavenegar ${entry.status}`;
  switch (entry.status) {
    case 10:
      return { providerMessageId, status: 'delivered', at };
    case 14:
      return { providerMessageId, status: 'suppressed', reason: 'blacklisted', error, at };
    case 6:
    case 11:
    case 13:
      return { providerMessageId, status: 'failed-permanent', error, at };
    default:
      // 1, 2, 4, 5: not final yet; 100: Kavenegar does not know the id (nothing to record).
      return undefined;
  }
}

/** Reads an envelope from an untrusted body; undefined when it is not one. */
export function readEnvelope(body: unknown): KavenegarEnvelope<unknown> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const ret = (body as { return?: unknown }).return;
  if (typeof ret !== 'object' || ret === null) return undefined;
  const { status, message } = ret as { status?: unknown; message?: unknown };
  if (typeof status !== 'number') return undefined;
  return { return: { status, message: typeof message === 'string' ? message : '' }, entries: (body as { entries?: unknown }).entries };
}

export function isEntry(value: unknown): value is KavenegarEntry {
  return typeof value === 'object' && value !== null && typeof (value as KavenegarEntry).messageid === 'number' && typeof (value as KavenegarEntry).status === 'number';
}

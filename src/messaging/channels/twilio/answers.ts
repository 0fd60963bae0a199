import type { DeliveryReceipt, SendOutcome, SuppressionReason } from '../channel.ts';

/**
 * Twilio Programmable Messaging answers. REST errors are `{ code, message, more_info, status }`
 * (https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions); codes from
 * the error dictionary https://www.twilio.com/docs/api/errors.
 */
export interface TwilioError {
  code: number;
  message: string;
  status: number;
}

/** Create-time error codes → what to do. Unlisted 4xx codes are permanent. */
const createErrors: Record<number, { status: 'failed-retryable' } | { status: 'suppressed'; reason: SuppressionReason }> = {
  20429: { status: 'failed-retryable' }, // too many concurrent requests; "always safe to retry"
  21611: { status: 'failed-retryable' }, // the From number's queue is full (over 10 h of messages)
  21610: { status: 'suppressed', reason: 'unsubscribed' }, // recipient replied STOP
  21211: { status: 'suppressed', reason: 'invalid-address' }, // invalid 'To' phone number
  21614: { status: 'suppressed', reason: 'invalid-address' }, // 'To' is not a valid mobile number
};

export function outcomeOfError(error: TwilioError): SendOutcome {
  const text = `Twilio ${error.code}: ${error.message}`;
  const known = createErrors[error.code];
  if (known?.status === 'suppressed') return { status: 'suppressed', reason: known.reason, error: text };
  if (known?.status === 'failed-retryable' || error.status === 429 || error.status >= 500) return { status: 'failed-retryable', error: text };
  // 20003 authenticate, 20404 unknown account, 21408 region not enabled, 21606/21659 bad From,
  // 21602/21617 empty or too long body …: the request must change before it can succeed.
  return { status: 'failed-permanent', error: text };
}

/** Delivery-time error codes (StatusCallback ErrorCode / message error_code) for undelivered and failed. */
const deliveryErrors: Record<number, Pick<DeliveryReceipt, 'status' | 'reason'>> = {
  30001: { status: 'failed-retryable' }, // queue overflow
  30003: { status: 'failed-retryable' }, // unreachable handset (off, out of coverage)
  30008: { status: 'failed-retryable' }, // unknown error
  30004: { status: 'suppressed', reason: 'blocked' }, // message blocked (the recipient blocks the sender)
  30005: { status: 'suppressed', reason: 'invalid-address' }, // unknown destination handset
  30006: { status: 'suppressed', reason: 'invalid-address' }, // landline or unreachable carrier
  21610: { status: 'suppressed', reason: 'unsubscribed' }, // recipient opted out
  21614: { status: 'suppressed', reason: 'invalid-address' },
};

/**
 * A message status (queued, sending, sent, delivered, undelivered, failed, read, canceled …)
 * as a receipt; undefined for the intermediate ones.
 */
export function receiptOfStatus(sid: string, status: string, errorCode: number | undefined, at: Date, errorMessage?: string): DeliveryReceipt | undefined {
  switch (status) {
    case 'delivered':
      return { providerMessageId: sid, status: 'delivered', at };
    case 'read':
      return { providerMessageId: sid, status: 'read', at };
    case 'canceled':
      return { providerMessageId: sid, status: 'failed-permanent', error: 'Twilio: message canceled', at };
    case 'undelivered':
    case 'failed': {
      const error = `Twilio ${errorCode ?? 'no error code'}: ${errorMessage ?? status}`;
      const mapped = errorCode === undefined ? undefined : deliveryErrors[errorCode];
      return { providerMessageId: sid, status: mapped?.status ?? 'failed-permanent', reason: mapped?.reason, error, at };
    }
    default:
      return undefined;
  }
}

export function readTwilioError(body: unknown, httpStatus: number): TwilioError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { code, message } = body as { code?: unknown; message?: unknown };
  if (typeof code !== 'number') return undefined;
  return { code, message: typeof message === 'string' ? message : '', status: httpStatus };
}

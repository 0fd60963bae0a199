import type { DeliveryReceipt, SendOutcome } from '../channel.ts';

/**
 * sms.ir REST API v1 answers (https://app.sms.ir/developer/help, "کدهای وضعیت"; endpoint shapes
 * cross-checked with the client movahhedi/sms-ir-node src/smsir.ts). Every call answers
 * `{ status, message, data }`; `status` 1 is success and the body's status, not the HTTP one,
 * says what happened.
 */
export interface SmsIrEnvelope {
  status: number;
  message: string;
  data: unknown;
}

const retryable = new Set([
  0, // server error
  20, // more requests than allowed
  102, // insufficient credit
]);

/** Codes meaning this mobile must not be messaged again. */
const suppressed: Record<number, 'invalid-address' | 'blacklisted'> = {
  104: 'invalid-address', // the request holds an invalid mobile number
  115: 'blacklisted', // the mobile number is on the system blacklist
};

export function outcomeOfStatus(status: number, message: string): SendOutcome {
  const error = `sms.ir ${status}: ${message}`;
  if (retryable.has(status)) return { status: 'failed-retryable', error };
  const reason = suppressed[status];
  if (reason) return { status: 'suppressed', reason, error };
  // 10–15 invalid/disabled/IP-bound key, inactive or suspended account, plan too small;
  // 16 bad parameter; 101 invalid line; 103/107/108 empty text or list; 105/106 over 100 items;
  // 109 bad send time; 117 text not approved; 123 line needs activation: repeating cannot help.
  return { status: 'failed-permanent', error };
}

/**
 * `deliveryState` of a sent message (GET /v1/send/{messageId}): 1 delivered to the handset,
 * 2 not delivered to the handset, 3 processing at the operator, 4 did not reach the operator,
 * 5 reached the operator, 6 failed, 7 blacklisted. Undefined while not final.
 */
export function receiptOfReport(messageId: string, deliveryState: number, at: Date): DeliveryReceipt | undefined {
  const error = `sms.ir delivery state ${deliveryState}`;
  switch (deliveryState) {
    case 1:
      return { providerMessageId: messageId, status: 'delivered', at };
    case 2:
    case 6:
      return { providerMessageId: messageId, status: 'failed-permanent', error, at };
    case 4:
      // Never left sms.ir for the operator: sending it again can succeed.
      return { providerMessageId: messageId, status: 'failed-retryable', error, at };
    case 7:
      return { providerMessageId: messageId, status: 'suppressed', reason: 'blacklisted', error, at };
    default:
      return undefined;
  }
}

export function readEnvelope(body: unknown): SmsIrEnvelope | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { status, message, data } = body as { status?: unknown; message?: unknown; data?: unknown };
  if (typeof status !== 'number') return undefined;
  return { status, message: typeof message === 'string' ? message : '', data };
}

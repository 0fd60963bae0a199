import { createHash } from 'node:crypto';

/**
 * A run's own code (a gift or discount code), the same every time it is asked for:
 * Crockford base32 of SHA-256("vafa/journey-run-code/v1:<run id>"), 10 characters (50 bits),
 * shown as `XXXXX-XXXXX`. Unguessable to a customer: the run id it comes from is a random
 * UUID that no message or page shows them. Deterministic, so a step run again after a crash, a
 * message rendered twice and the attribute recorded for support all carry the same code.
 *
 * There is no coupon capability yet: nothing checks a code at checkout. The loyalty capability
 * will validate (and expire) these codes; until then the shop honours them by hand, reading
 * the customer's attribute (e.g. `last_gift_code`).
 *
 * @example
 * runCode('0d9c6b1e-8a51-4b0e-9f4e-2a7d3c1f5e60'); // e.g. 'K7PQM-2XD9R'
 */
export function runCode(runId: string): string {
  const digest = createHash('sha256').update(`vafa/journey-run-code/v1:${runId.toLowerCase()}`).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 7)) bits = (bits << 8n) | BigInt(byte);
  let code = '';
  for (let i = 0; i < 10; i++) code += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** No I, L, O or U: nothing to misread on a phone screen or say wrongly over the phone. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * In a send step's `variables` and an `update_attributes` step's values, this exact value stands
 * for the run's code: `variables: { code: '{{ run.code }}' }` lets the template print
 * {{ vars.code }}, and `attributes: { last_gift_code: '{{ run.code }}' }` records the same code on
 * the customer (support sees what was promised).
 */
export const RUN_CODE_PLACEHOLDER = '{{ run.code }}';

/** The values with the placeholder replaced by the run's code (top level only). */
export function withRunCode(attributes: Record<string, unknown>, runId: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, v === RUN_CODE_PLACEHOLDER ? runCode(runId) : v]));
}

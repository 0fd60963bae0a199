import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { err, ok, type Result } from '../result.ts';
import { toLatinDigits } from './normalize.ts';

/**
 * Any way a person types a phone number → E.164. Iranian forms 09…, ۰۹…, ٠٩…, 0098…, +98…
 * and 9… all become +989…; `defaultCountry` decides numbers written without a country code.
 */
export function toE164(input: string, defaultCountry = 'IR'): Result<string> {
  let text = toLatinDigits(input).replace(/[\s\-().\u200C\u200E\u200F]/g, '');
  if (text.startsWith('00')) text = `+${text.slice(2)}`;
  if (!/^\+?\d{5,17}$/.test(text)) return err('is not a phone number');
  const parsed = parsePhoneNumberFromString(text, defaultCountry as CountryCode);
  if (!parsed?.isValid()) return err('is not a valid phone number');
  return ok(parsed.number);
}

/** The forms of a stored number that a search should find: +98912…, 98912…, 0912… */
export function phoneSearchForms(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  const forms = [e164.slice(1)];
  if (parsed) forms.push(`0${parsed.nationalNumber}`);
  return forms;
}

/** If a search query looks like a phone number, the digits to look for; otherwise undefined. */
export function phoneQueryDigits(query: string, defaultCountry = 'IR'): string | undefined {
  const compact = toLatinDigits(query).replace(/[\s\-().+]/g, '');
  if (!/^\d{4,17}$/.test(compact)) return undefined;
  const full = toE164(query, defaultCountry);
  return full.ok ? full.value.slice(1) : compact;
}

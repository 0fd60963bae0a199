import { err, ok, type Result } from '../platform/result.ts';
import { toLatinDigits } from '../platform/text/normalize.ts';

/**
 * Money as integer minor units of a currency. Iranian prices arrive in rials (IRR) or tomans
 * (IRT, "toman", "تومان"): both are stored as rials, 1 toman = 10 rials, and IRR has no minor
 * unit in practice. Other currencies use their ISO 4217 exponent (USD 2, JPY 0, KWD 3).
 */
export interface Money {
  currency: string;
  minor: number;
}

const TOMAN = new Set(['IRT', 'TOMAN', 'TOMANS', 'تومان', 'TMN']);
const RIAL = new Set(['IRR', 'RIAL', 'RIALS', 'ریال']);

/** The ISO code we store, or an error for something that is not a currency. */
export function normalizeCurrency(input: string | undefined, fallback = 'USD'): Result<{ code: string; factor: number }> {
  const raw = (input ?? fallback).trim();
  const upper = raw.toUpperCase();
  if (TOMAN.has(upper) || TOMAN.has(raw)) return ok({ code: 'IRR', factor: 10 });
  if (RIAL.has(upper) || RIAL.has(raw)) return ok({ code: 'IRR', factor: 1 });
  if (!/^[A-Z]{3}$/.test(upper)) return err(`"${raw}" is not a currency code`);
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: upper });
  } catch {
    return err(`"${raw}" is not a currency code`);
  }
  return ok({ code: upper, factor: 1 });
}

/** Decimal places of the stored minor unit (IRR: 0). */
export function exponentOf(code: string): number {
  if (code === 'IRR') return 0;
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** An amount (number, or text with Persian/Arabic digits and thousands separators) → minor units. */
export function toMinor(amount: unknown, currency: string | undefined, fallbackCurrency = 'USD'): Result<Money> {
  const cur = normalizeCurrency(currency, fallbackCurrency);
  if (!cur.ok) return cur;
  let value: number;
  if (typeof amount === 'number') value = amount;
  else if (typeof amount === 'string') {
    const cleaned = toLatinDigits(amount).replace(/[,\s٬،]/g, '').replace('٫', '.');
    value = /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
  } else return err('is not an amount');
  if (!Number.isFinite(value)) return err('is not an amount');
  const minor = Math.round(value * cur.value.factor * 10 ** exponentOf(cur.value.code));
  if (!Number.isSafeInteger(minor)) return err('is too large');
  return ok({ currency: cur.value.code, minor });
}

/** Minor units → the major-unit number a person reads (for API answers and templates). */
export const toMajor = (minor: number, currency: string) => minor / 10 ** exponentOf(currency);

import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from './language';

const LOCALES: Record<Language, string> = { fa: 'fa-IR', ar: 'ar-EG', en: 'en-GB' };

/** Decimal places of a currency's stored minor unit, as the server counts them (IRR: 0). */
function exponentOf(currency: string): number {
  if (currency === 'IRR') return 0;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Money from integer minor units + ISO currency. In Persian, rials are shown the way people
 * read prices, in tomans (1 toman = 10 rials; no ISO code): `۲۵۰٬۰۰۰ تومان`.
 */
export function formatMoney(minor: number, currency: string, language: Language): string {
  const locale = LOCALES[language];
  const code = currency.toUpperCase();
  if (code === 'IRR' && language === 'fa') return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(minor / 10)} تومان`;
  const exponent = exponentOf(code);
  const major = minor / 10 ** exponent;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: code, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(major);
  } catch {
    return `${new Intl.NumberFormat(locale).format(major)} ${code}`;
  }
}

/** `formatMoney` in the console's language. */
export function useMoney(): (minor: number, currency: string) => string {
  const { i18n } = useTranslation();
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  return useMemo(() => (minor: number, currency: string) => formatMoney(minor, currency, language), [language]);
}

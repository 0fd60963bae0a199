import { gregorianToJalali, type CalendarDate } from '../../platform/calendar/jalali.ts';
import { toPersianDigits } from '../../platform/text/normalize.ts';

/**
 * Liquid filters for Iranian and Arabic audiences, pure functions registered by `liquid.ts`.
 * Each accepts what templates hand it (strings from JSON, numbers, Dates) and renders an empty
 * string for a value it cannot read, so that `| default: "…"` after it still gives a fallback.
 */

const JALALI_MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];
/** Indexed by JavaScript's getUTCDay (0 = Sunday). */
const PERSIAN_WEEKDAYS = ['یکشنبه', 'دوشنبه', 'سه‌شنبه', 'چهارشنبه', 'پنجشنبه', 'جمعه', 'شنبه'];
const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';

export const toArabicDigits = (text: string) => text.replace(/[0-9]/g, (d) => ARABIC_INDIC[Number(d)] ?? d);
export type DigitStyle = 'fa' | 'ar' | 'latin';
const withDigits = (text: string, style: DigitStyle) => (style === 'fa' ? toPersianDigits(text) : style === 'ar' ? toArabicDigits(text) : text);
const digitStyleOf = (language: string | undefined): DigitStyle => (language?.startsWith('fa') ? 'fa' : language?.startsWith('ar') ? 'ar' : 'latin');

// Building an Intl.DateTimeFormat costs far more than using one (0.6 s of a 10k-email profile): one per zone.
const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f;
}

/**
 * The calendar day a value denotes, in `timeZone`. 'YYYY-MM-DD' strings (birthdays) have no time
 * zone and are taken as written; numbers are Unix seconds (as Shopify's `date` filter reads them).
 */
export function dayOf(value: unknown, timeZone: string): CalendarDate | undefined {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [year, month, day] = value.split('-').map(Number) as [number, number, number];
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? { year, month, day } : undefined;
  }
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number' && Number.isFinite(value)) date = new Date(value * 1000);
  else if (typeof value === 'string' && (value === 'now' || value === 'today')) date = new Date();
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) date = new Date(value);
  if (!date || Number.isNaN(date.getTime())) return undefined;
  const parts = dayFormatter(timeZone).formatToParts(date);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

const weekdayOf = (g: CalendarDate) => new Date(Date.UTC(g.year, g.month - 1, g.day)).getUTCDay();
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Formats with YYYY, YY, MMMM (month name), MM, M, DD, D and dddd (weekday name); other text is kept. */
function formatDay(day: CalendarDate, format: string, names: { month: string; weekday: string }): string {
  return format.replace(/YYYY|YY|MMMM|MM|M|DD|D|dddd/g, (token) => {
    switch (token) {
      case 'YYYY':
        return String(day.year);
      case 'YY':
        return pad(day.year % 100);
      case 'MMMM':
        return names.month;
      case 'MM':
        return pad(day.month);
      case 'M':
        return String(day.month);
      case 'DD':
        return pad(day.day);
      case 'D':
        return String(day.day);
      default:
        return names.weekday;
    }
  });
}

/**
 * `{{ customer.birthday | jalali }}` → «۱۵ مهر ۱۴۰۲»; `| jalali: "YYYY/MM/DD"` → «۱۴۰۲/۰۷/۱۵»;
 * a third argument "latin" or "ar" picks the digits.
 */
export function jalali(value: unknown, format = 'D MMMM YYYY', digits: DigitStyle = 'fa', timeZone = 'Asia/Tehran'): string {
  const g = dayOf(value, timeZone);
  if (!g) return '';
  const j = gregorianToJalali(g.year, g.month, g.day);
  const text = formatDay(j, format, { month: JALALI_MONTHS[j.month - 1] ?? '', weekday: PERSIAN_WEEKDAYS[weekdayOf(g)] ?? '' });
  return withDigits(text, digits);
}

/** `{{ last_order.placed_at | gregorian: "D MMMM YYYY", "en" }}` → "7 October 2023" (month names and digits of the language). */
export function gregorian(value: unknown, format = 'D MMMM YYYY', language = 'en', timeZone = 'Asia/Tehran'): string {
  const g = dayOf(value, timeZone);
  if (!g) return '';
  const utc = new Date(Date.UTC(g.year, g.month - 1, g.day));
  const names = {
    month: new Intl.DateTimeFormat(`${language}-u-ca-gregory`, { month: 'long', timeZone: 'UTC' }).format(utc),
    weekday: new Intl.DateTimeFormat(`${language}-u-ca-gregory`, { weekday: 'long', timeZone: 'UTC' }).format(utc),
  };
  return withDigits(formatDay(g, format, names), digitStyleOf(language));
}

const numberOf = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.replace(/[,\s]/g, '')) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** Groups thousands with the Arabic thousands separator (U+066C), as Persian text writes them. */
const groupPersian = (n: number) => toPersianDigits(String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '٬'));

/** Integer rials → «۱۲۵٬۰۰۰ تومان» (1 toman = 10 rials, rounded). */
export function toman(rials: unknown): string {
  const n = numberOf(rials);
  if (n === undefined) return '';
  const tomans = Math.round(n / 10);
  return `${tomans < 0 ? '−' : ''}${groupPersian(tomans)} تومان`;
}

/** An amount in major units with its currency, formatted for the language: "$12.50", «۱۲٫۵۰ US$». */
export function money(amount: unknown, currency = 'USD', language = 'en'): string {
  const n = numberOf(amount);
  if (n === undefined) return '';
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency: currency.toUpperCase() }).format(n);
  } catch {
    return `${new Intl.NumberFormat(language).format(n)} ${currency}`;
  }
}

export const persianDigits = (value: unknown) => (value === undefined || value === null ? '' : toPersianDigits(String(value)));
export const arabicDigits = (value: unknown) => (value === undefined || value === null ? '' : toArabicDigits(String(value)));

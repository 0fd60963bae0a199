import { err, ok, type Result } from '../platform/result.ts';
import { toLatinDigits } from '../platform/text/normalize.ts';
import { isValidJalali, jalaliToGregorian } from '../platform/calendar/jalali.ts';

/**
 * Cell values as spreadsheets write them → typed values. Every parser takes the trimmed,
 * non-empty text of one cell and accepts Persian (۰–۹) and Arabic-Indic (٠–٩) digits.
 */
export const dateFormats = ['iso', 'jalali', 'dmy', 'mdy'] as const;
export type DateFormat = (typeof dateFormats)[number];

export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** `Z` or `+03:30` when the text named its offset. */
  offset?: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const TIME = String.raw`(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?`;
const patterns: Record<DateFormat, RegExp> = {
  iso: new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}$`),
  jalali: new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}$`),
  dmy: new RegExp(String.raw`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})${TIME}$`),
  mdy: new RegExp(String.raw`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})${TIME}$`),
};
const examples: Record<DateFormat, string> = { iso: '2023-10-07', jalali: '1402/07/15', dmy: '07/10/2023', mdy: '10/07/2023' };

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A date, optionally with a time (`14:30`, `14:30:05`) and an offset, in the given format.
 * Jalali dates become the Gregorian date of the same day.
 *
 * @example
 * parseDateTime('۱۴۰۲/۰۷/۱۵ ۱۴:۳۰', 'jalali'); // → ok({ year: 2023, month: 10, day: 7, hour: 14, minute: 30, second: 0 })
 */
export function parseDateTime(text: string, format: DateFormat): Result<DateTimeParts> {
  const m = patterns[format].exec(toLatinDigits(text.trim()).replace(/[٫،]/g, '/'));
  if (!m) return err(`is not a date in the ${format} format (e.g. ${examples[format]})`);
  const n = (i: number) => Number(m[i] ?? 0);
  let [year, month, day] = format === 'dmy' ? [n(3), n(2), n(1)] : format === 'mdy' ? [n(3), n(1), n(2)] : [n(1), n(2), n(3)];
  const time = { hour: n(4), minute: n(5), second: n(6) };
  if (time.hour > 23 || time.minute > 59 || time.second > 59) return err('has a time that does not exist');
  if (format === 'jalali' && (year < 1200 || year > 1700)) return err(`has the year ${year}, which is no Jalali year of customer data: is the column in the iso format?`);
  if (format !== 'jalali' && year >= 1200 && year < 1700) return err(`has the year ${year}: a Jalali date? Choose the jalali date format`);
  if (format === 'jalali') {
    if (!isValidJalali(year, month, day)) return err(`is not a day of the Jalali calendar (${year}/${month}/${day})`);
    ({ year, month, day } = jalaliToGregorian(year, month, day));
  } else if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return err(`is not a day of the calendar (${format}: ${text.trim()})`);
  }
  if (year < 1000 || year > 9999) return err('has a year out of range');
  const offset = m[7] ? (m[7] === 'Z' ? 'Z' : m[7].length === 5 ? `${m[7].slice(0, 3)}:${m[7].slice(3)}` : m[7]) : undefined;
  return ok({ year, month, day, ...time, ...(offset ? { offset } : {}) });
}

/** `YYYY-MM-DD` of a date cell (a time, if given, is ignored). */
export function parseDay(text: string, format: DateFormat): Result<string> {
  const parsed = parseDateTime(text, format);
  if (!parsed.ok) return parsed;
  const { year, month, day } = parsed.value;
  return ok(`${pad(year, 4)}-${pad(month)}-${pad(day)}`);
}

/**
 * An instant from a date cell: its own offset when it names one, else the wall time in
 * `timeZone` (an IANA zone such as Asia/Tehran); a date without time is midnight there.
 */
export function parseInstant(text: string, format: DateFormat, timeZone: string): Result<Date> {
  const parsed = parseDateTime(text, format);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  if (p.offset) {
    const sign = p.offset.startsWith('-') ? -1 : 1;
    const minutes = p.offset === 'Z' ? 0 : sign * (Number(p.offset.slice(1, 3)) * 60 + Number(p.offset.slice(4, 6)));
    return ok(new Date(wall - minutes * 60_000));
  }
  return ok(new Date(wall - zoneOffsetAt(wall, timeZone)));
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** Milliseconds `timeZone` is ahead of UTC at the instant `utc`. */
function offsetOf(utc: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const key = `${timeZone}|${Math.floor(utc / 3_600_000)}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  let dtf = zoneFormats.get(timeZone);
  if (!dtf) {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormats.set(timeZone, dtf);
  }
  const parts: Record<string, number> = {};
  for (const part of dtf.formatToParts(utc)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  const offset = asUtc - (utc - (utc % 1000));
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** The offset that turns wall time `wall` (as if UTC) in `timeZone` into UTC, DST-aware. */
function zoneOffsetAt(wall: number, timeZone: string): number {
  const first = offsetOf(wall, timeZone);
  const second = offsetOf(wall - first, timeZone);
  return second;
}

/** True for an IANA time zone name Intl knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `12,500` `۱۲٬۵۰۰` `3.5` `٣٫٥` → a number. */
export function parseNumber(text: string): Result<number> {
  const cleaned = toLatinDigits(text).replace(/[\s,٬']/g, '').replace('٫', '.');
  if (!/^[-+]?\d+(\.\d+)?$/.test(cleaned)) return err('is not a number');
  return ok(Number(cleaned));
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on', 'بله', 'بلی', 'آری', 'اری', 'درست', 'نعم', 'صحيح']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', 'خیر', 'نه', 'نادرست', 'غلط', 'لا', 'خطأ']);

export function parseBoolean(text: string): Result<boolean> {
  const key = toLatinDigits(text).trim().toLowerCase();
  if (TRUE.has(key)) return ok(true);
  if (FALSE.has(key)) return ok(false);
  return err('is not yes/no (true, false, بله, خیر …)');
}

const GENDERS: Record<string, 'female' | 'male' | 'other' | 'unknown'> = {};
for (const [gender, words] of Object.entries({
  female: ['f', 'female', 'woman', 'w', 'زن', 'خانم', 'مونث', 'مؤنث', 'أنثى', 'انثى', 'امرأة', 'سیده', 'سيدة'],
  male: ['m', 'male', 'man', 'مرد', 'آقا', 'اقا', 'مذکر', 'ذكر', 'ذکر', 'رجل', 'سيد'],
  other: ['other', 'o', 'سایر', 'دیگر', 'غير ذلك', 'آخر'],
  unknown: ['unknown', 'u', '?', 'نامشخص', 'نامعلوم', 'غير معروف'],
} as const)) {
  for (const word of words) GENDERS[word] = gender as 'female' | 'male' | 'other' | 'unknown';
}

export function parseGender(text: string): Result<'female' | 'male' | 'other' | 'unknown'> {
  const gender = GENDERS[text.trim().toLowerCase()];
  return gender ? ok(gender) : err('is not a gender (female, male, other, unknown, زن, مرد …)');
}

const LANGUAGES: Record<string, string> = {
  persian: 'fa', farsi: 'fa', 'فارسی': 'fa', 'فارسي': 'fa', 'الفارسية': 'fa',
  arabic: 'ar', 'عربی': 'ar', 'عربي': 'ar', 'العربية': 'ar',
  english: 'en', 'انگلیسی': 'en', 'الإنجليزية': 'en', 'الانجليزية': 'en',
  turkish: 'tr', 'ترکی': 'tr', kurdish: 'ku', 'کردی': 'ku',
};

/** A language tag (`fa`, `en-GB`) or a language's name in en/fa/ar → its tag. */
export function parseLanguage(text: string): string {
  const t = text.trim();
  return LANGUAGES[t.toLowerCase()] ?? (/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(t) ? t.replace('_', '-').replace(/^[A-Za-z]+/, (s) => s.toLowerCase()) : t);
}

/** A cell holding several values: `a, b; c | d` (also Persian `،` and `؛`). */
export function splitList(text: string, alsoWhitespace = false): string[] {
  return text
    .split(alsoWhitespace ? /[,;|،؛\s]+/ : /[,;|،؛\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const orderStatuses = ['completed', 'partially_refunded', 'refunded', 'cancelled'] as const;
export type ImportedOrderStatus = (typeof orderStatuses)[number];

const STATUSES: Record<string, ImportedOrderStatus> = {};
for (const [status, words] of Object.entries({
  completed: ['completed', 'complete', 'paid', 'delivered', 'done', 'success', 'successful', 'shipped', 'fulfilled',
    'تکمیل شده', 'تکمیل', 'تحویل شده', 'پرداخت شده', 'ارسال شده', 'موفق', 'مكتمل', 'مدفوع', 'تم التسليم'],
  cancelled: ['cancelled', 'canceled', 'cancel', 'void', 'voided', 'لغو شده', 'لغو', 'کنسل', 'ملغى', 'ملغي', 'ألغي'],
  refunded: ['refunded', 'returned', 'refund', 'مرجوع شده', 'مرجوعی', 'برگشتی', 'مسترد', 'مسترجع'],
  partially_refunded: ['partially_refunded', 'partially refunded', 'partial refund', 'بخشی مرجوع', 'مسترد جزئيا'],
} as const)) {
  for (const word of words) STATUSES[word] = status as ImportedOrderStatus;
}

export function parseOrderStatus(text: string): Result<ImportedOrderStatus> {
  const status = STATUSES[text.trim().toLowerCase().replace(/\s+/g, ' ')];
  return status ? ok(status) : err('is not an order status (completed, cancelled, refunded, partially_refunded)');
}

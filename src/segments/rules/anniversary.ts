import { sql, type RawBuilder } from 'kysely';
import { dayNumber, isoDay } from '../../analytics/periods.ts';
import { gregorianToJalali, isJalaliLeapYear, jalaliMonthLength, jalaliToGregorian } from '../../platform/calendar/jalali.ts';
import type { AnniversaryOperator } from './schema.ts';

export type CalendarKind = 'jalali' | 'gregorian';

/**
 * Anniversaries (a birthday, a signup date) compare month and day, year ignored. Gregorian dates
 * compare as month*100+day. Jalali ones compare the Jalali date of the day the person was born,
 * not of this year's Gregorian day, which may differ by one: the wanted Jalali month-days become
 * the Gregorian days they fall on in every Jalali year vafa_jalali_md (migration 0007) covers, as
 * one datemultirange the date must lie in — a binary search per customer instead of a plpgsql
 * call (≈ 0.3 against ≈ 2 µs: the full recompute pays it for every customer; measured).
 *
 * Leap days: someone born on 29 February (or 30 Esfand) celebrates on the last day of the month
 * in years without it, so when that day is in range the leap day is added.
 */
function daysFrom(today: string, count: number): number[] {
  const start = dayNumber(today);
  return Array.from({ length: count }, (_, i) => start + i);
}

const isGregorianLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function gregorianKeys(days: number[]): string[] {
  const keys = new Set<string>();
  for (const day of days) {
    const iso = isoDay(day);
    const mmdd = iso.slice(5, 7) + iso.slice(8, 10);
    keys.add(mmdd);
    if (mmdd === '0228' && !isGregorianLeap(Number(iso.slice(0, 4)))) keys.add('0229');
  }
  return [...keys];
}

function jalaliOf(day: number) {
  const [y, m, d] = isoDay(day).split('-').map(Number) as [number, number, number];
  return gregorianToJalali(y, m, d);
}

function jalaliKeys(days: number[]): number[] {
  const keys = new Set<number>();
  for (const day of days) {
    const j = jalaliOf(day);
    keys.add(j.month * 100 + j.day);
    if (j.month === 12 && j.day === 29 && !isJalaliLeapYear(j.year)) keys.add(1230);
  }
  return [...keys];
}

/** The Jalali years vafa_jalali_md (migration 0007) answers for (1831–2256 CE); dates outside match nothing, as there. */
const FIRST_JALALI_YEAR = 1210;
const LAST_JALALI_YEAR = 1634;
/** Days from 1 Farvardin to the first of each Jalali month. */
const monthStart = (month: number) => (month <= 7 ? (month - 1) * 31 : 186 + (month - 7) * 30);

const jalaliRanges = new Map<string, string>();

/**
 * The Gregorian days whose Jalali month*100+day is one of `keys`, in every covered Jalali year,
 * as a datemultirange literal of inclusive ranges (consecutive days merged: "this Jalali month"
 * is one range a year). A key a year lacks (1230 outside leap years) adds nothing that year.
 */
export function jalaliDaysLiteral(keys: readonly number[]): string {
  const sorted = [...new Set(keys)].sort((a, b) => a - b);
  const cacheKey = sorted.join(',');
  const cached = jalaliRanges.get(cacheKey);
  if (cached !== undefined) return cached;
  const days: number[] = [];
  for (let year = FIRST_JALALI_YEAR; year <= LAST_JALALI_YEAR; year++) {
    const g = jalaliToGregorian(year, 1, 1);
    const nowruz = dayNumber(`${g.year}-${String(g.month).padStart(2, '0')}-${String(g.day).padStart(2, '0')}`);
    for (const key of sorted) {
      const month = Math.floor(key / 100);
      const day = key % 100;
      if (month >= 1 && month <= 12 && day >= 1 && day <= jalaliMonthLength(year, month)) days.push(nowruz + monthStart(month) + day - 1);
    }
  }
  const ranges: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === (days[j] as number) + 1) j++;
    ranges.push(`[${isoDay(days[i] as number)},${isoDay(days[j] as number)}]`);
    i = j + 1;
  }
  const literal = `{${ranges.join(',')}}`;
  if (jalaliRanges.size >= 64) jalaliRanges.clear();
  jalaliRanges.set(cacheKey, literal);
  return literal;
}

/** 1970-01-01 (day 0) was a Thursday; Jalali weeks start on Saturday, Gregorian ones on Monday. */
function weekDays(today: string, calendar: CalendarKind): number[] {
  const day = dayNumber(today);
  const shift = calendar === 'jalali' ? 5 : 3;
  const start = day - ((((day + shift) % 7) + 7) % 7);
  return Array.from({ length: 7 }, (_, i) => start + i);
}

/** The predicate "the anniversary of `date` is <operator>" (never NULL). */
export function anniversaryPredicate(
  date: RawBuilder<unknown>,
  operator: AnniversaryOperator,
  opts: { calendar: CalendarKind; today: string; days?: number | undefined; month?: number | undefined },
): RawBuilder<boolean> {
  const { calendar, today } = opts;
  const d = sql`(${date})::date`;
  if (operator === 'this_month' || operator === 'month_is') {
    const month = operator === 'month_is' ? (opts.month ?? 1) : calendar === 'jalali' ? jalaliOf(dayNumber(today)).month : Number(today.slice(5, 7));
    return calendar === 'jalali'
      ? sql<boolean>`coalesce(${d} <@ ${jalaliDaysLiteral(Array.from({ length: 31 }, (_, i) => month * 100 + i + 1))}::datemultirange, false)`
      : sql<boolean>`coalesce(extract(month from ${d}) = ${month}::int, false)`;
  }
  const days =
    operator === 'today' ? daysFrom(today, 1) : operator === 'this_week' ? weekDays(today, calendar) : daysFrom(today, Math.min(366, (opts.days ?? 0) + 1));
  return calendar === 'jalali'
    ? sql<boolean>`coalesce(${d} <@ ${jalaliDaysLiteral(jalaliKeys(days))}::datemultirange, false)`
    : // month * 100 + day from date_part: a third of to_char's cost per row (measured), which the full recompute pays for every customer.
      sql<boolean>`coalesce((date_part('month', ${d}) * 100 + date_part('day', ${d}))::int = any(${gregorianKeys(days).map(Number)}::int[]), false)`;
}

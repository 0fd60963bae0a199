import { sql, type RawBuilder } from 'kysely';
import { dayNumber, isoDay } from '../../analytics/periods.ts';
import { gregorianToJalali, isJalaliLeapYear } from '../../platform/calendar/jalali.ts';
import type { AnniversaryOperator } from './schema.ts';

export type CalendarKind = 'jalali' | 'gregorian';

/**
 * Anniversaries (a birthday, a signup date) compare month and day, year ignored. Gregorian dates
 * compare as month*100+day, Jalali ones as month*100+day from the SQL function vafa_jalali_md
 * (migration 0007) — the Jalali date of the day the person was born, not of this year's
 * Gregorian day, which may differ by one.
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
      ? sql<boolean>`coalesce(vafa_jalali_md(${d}) / 100 = ${month}::int, false)`
      : sql<boolean>`coalesce(extract(month from ${d}) = ${month}::int, false)`;
  }
  const days =
    operator === 'today' ? daysFrom(today, 1) : operator === 'this_week' ? weekDays(today, calendar) : daysFrom(today, Math.min(366, (opts.days ?? 0) + 1));
  return calendar === 'jalali'
    ? sql<boolean>`coalesce(vafa_jalali_md(${d}) = any(${jalaliKeys(days)}::int[]), false)`
    : // month * 100 + day from date_part: a third of to_char's cost per row (measured), which the full recompute pays for every customer.
      sql<boolean>`coalesce((date_part('month', ${d}) * 100 + date_part('day', ${d}))::int = any(${gregorianKeys(days).map(Number)}::int[]), false)`;
}

import { gregorianToJalali, jalaliToGregorian } from '../platform/calendar/jalali.ts';
import type { Calendar, Grain } from './routes/schemas.ts';

/**
 * Reporting periods on local days. A day is a number (days since 1970-01-01) so that period
 * arithmetic never meets a time zone or a daylight-saving hour; the time zone is applied once,
 * where a timestamp becomes a local day (SQL: `(placed_at at time zone tz)::date`).
 *
 * Weeks start on Saturday in the Jalali calendar (the Iranian week) and on Monday (ISO) in the
 * Gregorian one; months, quarters and years follow the chosen calendar.
 */
export interface Period {
  /** First day (ISO date). */
  start: string;
  /** Last day, inclusive (ISO date). */
  end: string;
  label: string;
}

const MS_PER_DAY = 86_400_000;

export function dayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY);
}

export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Today's date in `timeZone` (an IANA name; unknown names fall back to UTC). */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

interface YearMonth {
  year: number;
  month: number;
}

function toCalendar(day: number, calendar: Calendar): YearMonth & { day: number } {
  const d = new Date(day * MS_PER_DAY);
  const g = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  return calendar === 'jalali' ? gregorianToJalali(g.year, g.month, g.day) : g;
}

function fromCalendar(year: number, month: number, calendar: Calendar): number {
  if (calendar === 'gregorian') return Math.floor(Date.UTC(year, month - 1, 1) / MS_PER_DAY);
  const g = jalaliToGregorian(year, month, 1);
  return Math.floor(Date.UTC(g.year, g.month - 1, g.day) / MS_PER_DAY);
}

/** 1970-01-01 was a Thursday: day 0. Saturday-start weeks shift by 5, Monday-start by 3. */
const weekShift = (calendar: Calendar) => (calendar === 'jalali' ? 5 : 3);

const monthsIn: Record<Exclude<Grain, 'day' | 'week'>, number> = { month: 1, quarter: 3, year: 12 };

/**
 * A monotonic index of the period a day falls in: consecutive periods have consecutive indexes,
 * so "periods since acquisition" is a subtraction.
 */
export function periodIndex(day: number, grain: Grain, calendar: Calendar): number {
  if (grain === 'day') return day;
  if (grain === 'week') return Math.floor((day + weekShift(calendar)) / 7);
  const { year, month } = toCalendar(day, calendar);
  return Math.floor((year * 12 + month - 1) / monthsIn[grain]);
}

/** The first day of the period with this index. */
export function periodStartOfIndex(index: number, grain: Grain, calendar: Calendar): number {
  if (grain === 'day') return index;
  if (grain === 'week') return index * 7 - weekShift(calendar);
  const months = index * monthsIn[grain];
  return fromCalendar(Math.floor(months / 12), (months % 12) + 1, calendar);
}

export function periodLabel(index: number, grain: Grain, calendar: Calendar): string {
  const start = periodStartOfIndex(index, grain, calendar);
  if (grain === 'day') return isoDay(start);
  const { year, month, day } = toCalendar(start, calendar);
  const sep = calendar === 'jalali' ? '/' : '-';
  const pad = (n: number) => String(n).padStart(2, '0');
  if (grain === 'week') return `${year}${sep}${pad(month)}${sep}${pad(day)}`;
  if (grain === 'month') return `${year}${sep}${pad(month)}`;
  if (grain === 'quarter') return `${year} Q${Math.floor((month - 1) / 3) + 1}`;
  return String(year);
}

export function periodOfIndex(index: number, grain: Grain, calendar: Calendar): Period {
  return {
    start: isoDay(periodStartOfIndex(index, grain, calendar)),
    end: isoDay(periodStartOfIndex(index + 1, grain, calendar) - 1),
    label: periodLabel(index, grain, calendar),
  };
}

/** `count` consecutive periods, oldest first, the last one containing `date`. */
export function periodsEnding(date: string, grain: Grain, calendar: Calendar, count: number): Period[] {
  const last = periodIndex(dayNumber(date), grain, calendar);
  return Array.from({ length: count }, (_, i) => periodOfIndex(last - count + 1 + i, grain, calendar));
}

/** The first day of the month containing `date`, and the day before the start of the month `months` later. */
export function monthsFrom(date: string, months: number, calendar: Calendar): { start: string; end: string } {
  const index = periodIndex(dayNumber(date), 'month', calendar);
  return { start: isoDay(periodStartOfIndex(index, 'month', calendar)), end: isoDay(periodStartOfIndex(index + months, 'month', calendar) - 1) };
}


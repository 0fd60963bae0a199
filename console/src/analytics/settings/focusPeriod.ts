import type { Calendar } from '../types';

const EXTENSION: Record<Calendar, string> = { gregorian: 'gregory', jalali: 'persian' };
const DAY = 86_400_000;

const iso = (date: Date) => date.toISOString().slice(0, 10);

function dayOfMonth(date: Date, calendar: Calendar): number {
  const parts = new Intl.DateTimeFormat(`en-u-ca-${EXTENSION[calendar]}-nu-latn`, { timeZone: 'UTC', day: 'numeric' }).formatToParts(date);
  return Number(parts.find((p) => p.type === 'day')?.value ?? 1);
}

/**
 * `months` whole months of `calendar` from the first day of the month `today` is in:
 * 3 Jalali months from 1 Mehr end on the last day of Azar.
 */
export function focusRange(months: number, calendar: Calendar, today = new Date()): { start: string; end: string } {
  const midnight = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()));
  const start = new Date(midnight.getTime() - (dayOfMonth(midnight, calendar) - 1) * DAY);
  let cursor = start;
  for (let i = 0; i < months; i++) {
    cursor = new Date(cursor.getTime() + 27 * DAY);
    while (dayOfMonth(cursor, calendar) !== 1) cursor = new Date(cursor.getTime() + DAY);
  }
  return { start: iso(start), end: iso(new Date(cursor.getTime() - DAY)) };
}

export const FOCUS_MONTHS = [1, 3, 6, 12] as const;

/** How many months of `focusRange` a saved focus spans, if it is one of those. */
export function monthsOf(range: { start: string; end: string }, calendar: Calendar): number | undefined {
  return FOCUS_MONTHS.find((n) => {
    const candidate = focusRange(n, calendar, new Date(`${range.start}T12:00:00Z`));
    return candidate.start === range.start && candidate.end === range.end;
  });
}

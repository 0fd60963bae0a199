import type { NewsletterSchedule } from './tables.ts';

/** Wall-clock fields of an instant in a time zone. */
function wallClock(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** How far the zone is ahead of UTC at an instant, in ms. */
function offsetMs(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant at which the zone's clock shows this local date and time (DST gaps move forward). */
export function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const first = asUtc - offsetMs(new Date(asUtc), timeZone);
  // Near a DST change the offset at the guess can differ from the offset at the answer.
  return new Date(asUtc - offsetMs(new Date(first), timeZone));
}

/**
 * The first scheduled instant strictly after `after`: every day, or every week on `dayOfWeek`
 * (0 = Sunday), at `time` on the zone's wall clock.
 */
export function nextRunAt(schedule: NewsletterSchedule, timeZone: string, after: Date): Date {
  const [hour, minute] = schedule.time.split(':').map(Number) as [number, number];
  const today = wallClock(after, timeZone);
  for (let d = 0; d <= 8; d++) {
    // Date.UTC normalises day overflow into the next month and year.
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + d));
    if (schedule.frequency === 'weekly' && date.getUTCDay() !== schedule.dayOfWeek) continue;
    const at = zonedInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), hour, minute, timeZone);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error(`no run within 8 days for ${JSON.stringify(schedule)}`);
}

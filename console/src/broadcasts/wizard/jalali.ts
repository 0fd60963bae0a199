// A copy of src/platform/calendar/jalali.ts (the console cannot import server code); keep the two equal.
/**
 * Jalali (Solar Hijri, the Iranian calendar) ↔ Gregorian dates.
 *
 * The leap-year rule is astronomical; this uses Kazimierz M. Borkowski's algorithm ("The Persian
 * calendar for 3000 years", Earth, Moon and Planets 74, 1996), in the form the jalaali-js
 * library made common: a table of the years where the 33-year leap cycle breaks, valid for
 * Jalali years -61 … 3177. Days are counted as Julian Day Numbers in between.
 * Tested day by day against the ICU Persian calendar (`Intl`, `-u-ca-persian`).
 *
 * @example
 * jalaliToGregorian(1402, 7, 15); // → { year: 2023, month: 10, day: 7 }
 */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178];

const div = (a: number, b: number) => Math.trunc(a / b);
const mod = (a: number, b: number) => a - Math.trunc(a / b) * b;

/** For Jalali year `jy`: the Gregorian year its Farvardin 1 falls in, that day's date in March, and the leap offset (0 = leap). */
function jalCal(jy: number): { gy: number; march: number; leap: number } {
  const gy = jy + 621;
  let leapJ = -14;
  let jp = BREAKS[0] as number;
  let jump = 0;
  for (let i = 1; i < BREAKS.length; i++) {
    const jm = BREAKS[i] as number;
    jump = jm - jp;
    if (jy < jm) break;
    leapJ += div(jump, 33) * 8 + div(mod(jump, 33), 4);
    jp = jm;
  }
  let n = jy - jp;
  leapJ += div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
  if (mod(jump, 33) === 4 && jump - n === 4) leapJ += 1;
  const leapG = div(gy, 4) - div((div(gy, 100) + 1) * 3, 4) - 150;
  const march = 20 + leapJ - leapG;
  if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
  let leap = mod(mod(n + 1, 33) - 1, 4);
  if (leap === -1) leap = 4;
  return { gy, march, leap };
}

/** Gregorian date → Julian Day Number. */
function g2d(gy: number, gm: number, gd: number): number {
  const d = div((gy + div(gm - 8, 6) + 100100) * 1461, 4) + div(153 * mod(gm + 9, 12) + 2, 5) + gd - 34840408;
  return d - div(div(gy + 100100 + div(gm - 8, 6), 100) * 3, 4) + 752;
}

/** Julian Day Number → Gregorian date. */
function d2g(jdn: number): CalendarDate {
  let j = 4 * jdn + 139361631;
  j = j + div(div(4 * jdn + 183187720, 146097) * 3, 4) * 4 - 3908;
  const i = div(mod(j, 1461), 4) * 5 + 308;
  const day = div(mod(i, 153), 5) + 1;
  const month = mod(div(i, 153), 12) + 1;
  const year = div(j, 1461) - 100100 + div(8 - month, 6);
  return { year, month, day };
}

const MIN_YEAR = -61;
const MAX_YEAR = 3177;

export function isJalaliLeapYear(year: number): boolean {
  return jalCal(year).leap === 0;
}

export function jalaliMonthLength(year: number, month: number): number {
  if (month <= 6) return 31;
  if (month <= 11) return 30;
  return isJalaliLeapYear(year) ? 30 : 29;
}

/** True for a day that exists: 1402/12/30 does not (1402 is not a leap year), 1403/12/30 does. */
export function isValidJalali(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) &&
    year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= jalaliMonthLength(year, month)
  );
}

/** A valid Jalali date → the Gregorian date of the same day. Throws on a date that does not exist (check with `isValidJalali`). */
export function jalaliToGregorian(year: number, month: number, day: number): CalendarDate {
  if (!isValidJalali(year, month, day)) throw new RangeError(`${year}/${month}/${day} is not a Jalali date`);
  const { gy, march } = jalCal(year);
  const jdn = g2d(gy, 3, march) + (month - 1) * 31 - div(month, 7) * (month - 7) + day - 1;
  return d2g(jdn);
}

/** A Gregorian date → the Jalali date of the same day. */
export function gregorianToJalali(year: number, month: number, day: number): CalendarDate {
  const jdn = g2d(year, month, day);
  const gy = d2g(jdn).year;
  let jy = gy - 621;
  const { leap, march } = jalCal(jy);
  let k = jdn - g2d(gy, 3, march);
  if (k >= 0) {
    if (k <= 185) return { year: jy, month: 1 + div(k, 31), day: mod(k, 31) + 1 };
    k -= 186;
  } else {
    jy -= 1;
    k += 179;
    if (leap === 1) k += 1;
  }
  return { year: jy, month: 7 + div(k, 30), day: mod(k, 30) + 1 };
}

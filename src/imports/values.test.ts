import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gregorianToJalali, isValidJalali, jalaliToGregorian } from '../platform/calendar/jalali.ts';
import { parseBoolean, parseDay, parseGender, parseInstant, parseLanguage, parseNumber, parseOrderStatus, splitList } from './values.ts';

const value = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
};

describe('Jalali calendar', () => {
  test('given 1402/07/15, then it is 2023-10-07, and back', () => {
    assert.deepEqual(jalaliToGregorian(1402, 7, 15), { year: 2023, month: 10, day: 7 });
    assert.deepEqual(gregorianToJalali(2023, 10, 7), { year: 1402, month: 7, day: 15 });
    assert.deepEqual(jalaliToGregorian(1403, 1, 1), { year: 2024, month: 3, day: 20 });
    assert.deepEqual(jalaliToGregorian(1405, 9, 1), { year: 2026, month: 11, day: 22 });
  });

  test('given leap and common years, then Esfand 30 exists only in leap years', () => {
    assert.equal(isValidJalali(1403, 12, 30), true);
    assert.deepEqual(jalaliToGregorian(1403, 12, 30), { year: 2025, month: 3, day: 20 });
    assert.equal(isValidJalali(1402, 12, 30), false);
    assert.equal(isValidJalali(1402, 7, 31), false);
    assert.equal(isValidJalali(1402, 6, 31), true);
    assert.equal(isValidJalali(1402, 13, 1), false);
    assert.throws(() => jalaliToGregorian(1402, 12, 30), RangeError);
  });

  test('given every day from 1921 to 2121, then the conversion agrees with the ICU Persian calendar both ways', () => {
    const icu = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
    const start = Date.UTC(1921, 2, 21);
    for (let day = 0; day < 200 * 365.25; day++) {
      const date = new Date(start + day * 86_400_000);
      const parts = Object.fromEntries(icu.formatToParts(date).map((p) => [p.type, Number.parseInt(p.value, 10)]));
      const g = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      const j = gregorianToJalali(g.year, g.month, g.day);
      assert.deepEqual(j, { year: parts.year, month: parts.month, day: parts.day }, date.toISOString());
      assert.deepEqual(jalaliToGregorian(j.year, j.month, j.day), g);
    }
  });
});

describe('cell values', () => {
  test('given Jalali dates with Persian or Arabic-Indic digits and any separator, then they become Gregorian days', () => {
    assert.equal(value(parseDay('1402/07/15', 'jalali')), '2023-10-07');
    assert.equal(value(parseDay('۱۴۰۲/۰۷/۱۵', 'jalali')), '2023-10-07');
    assert.equal(value(parseDay('١٤٠٢-٧-١٥', 'jalali')), '2023-10-07');
    assert.equal(value(parseDay(' 1402.7.15 ', 'jalali')), '2023-10-07');
    assert.match((parseDay('1402/12/30', 'jalali') as { error: string }).error, /Jalali/);
    assert.match((parseDay('2023-10-07', 'jalali') as { error: string }).error, /iso/, 'a Gregorian date under the jalali format');
    assert.match((parseDay('1402-07-15', 'iso') as { error: string }).error, /jalali/, 'a Jalali date under the iso format');
  });

  test('given iso, dmy and mdy dates, then each is read in its own order and impossible days are refused', () => {
    assert.equal(value(parseDay('2023-10-07', 'iso')), '2023-10-07');
    assert.equal(value(parseDay('2023-10-07T14:30:00Z', 'iso')), '2023-10-07');
    assert.equal(value(parseDay('07/10/2023', 'dmy')), '2023-10-07');
    assert.equal(value(parseDay('10/07/2023', 'mdy')), '2023-10-07');
    assert.equal(parseDay('2023-02-29', 'iso').ok, false);
    assert.equal(parseDay('31/04/2023', 'dmy').ok, false);
    assert.equal(parseDay('yesterday', 'iso').ok, false);
  });

  test('given a date and time without an offset, then it is read in the import time zone (Tehran is UTC+3:30); an explicit offset wins', () => {
    assert.equal(value(parseInstant('۱۴۰۲/۰۷/۱۵ ۱۴:۳۰', 'jalali', 'Asia/Tehran')).toISOString(), '2023-10-07T11:00:00.000Z');
    assert.equal(value(parseInstant('1402/07/15', 'jalali', 'UTC')).toISOString(), '2023-10-07T00:00:00.000Z');
    assert.equal(value(parseInstant('2023-10-07 14:30+02:00', 'iso', 'Asia/Tehran')).toISOString(), '2023-10-07T12:30:00.000Z');
    // Tehran had summer time until 2022: 1400/04/01 (2021-06-22) 12:00 was UTC+4:30.
    assert.equal(value(parseInstant('1400/04/01 12:00', 'jalali', 'Asia/Tehran')).toISOString(), '2021-06-22T07:30:00.000Z');
    assert.equal(parseInstant('1402/07/15 25:00', 'jalali', 'UTC').ok, false);
  });

  test('given numbers, yes/no, genders, languages, statuses and lists as people type them, then they are understood', () => {
    assert.equal(value(parseNumber('۱۲٬۵۰۰')), 12500);
    assert.equal(value(parseNumber('3.5')), 3.5);
    assert.equal(value(parseNumber('٣٫٥')), 3.5);
    assert.equal(parseNumber('12abc').ok, false);
    assert.equal(value(parseBoolean('بله')), true);
    assert.equal(value(parseBoolean('No')), false);
    assert.equal(value(parseGender('زن')), 'female');
    assert.equal(value(parseGender('M')), 'male');
    assert.equal(parseGender('x').ok, false);
    assert.equal(parseLanguage('فارسی'), 'fa');
    assert.equal(parseLanguage('en_GB'), 'en-GB');
    assert.equal(value(parseOrderStatus('لغو شده')), 'cancelled');
    assert.equal(value(parseOrderStatus('Paid')), 'completed');
    assert.deepEqual(splitList('vip، وفادار; new | vip'), ['vip', 'وفادار', 'new', 'vip']);
  });
});

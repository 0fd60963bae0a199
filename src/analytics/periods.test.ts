import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayNumber, isoDay, monthsFrom, periodIndex, periodOfIndex, periodsEnding } from './periods.ts';

const periodOf = (date: string, grain: Parameters<typeof periodIndex>[1], calendar: 'gregorian' | 'jalali') =>
  periodOfIndex(periodIndex(dayNumber(date), grain, calendar), grain, calendar);

test('given a Sunday, then Gregorian weeks start on Monday and Jalali weeks on Saturday', () => {
  assert.deepEqual(periodOf('2026-11-22', 'week', 'gregorian'), { start: '2026-11-16', end: '2026-11-22', label: '2026-11-16' });
  assert.deepEqual(periodOf('2026-11-22', 'week', 'jalali'), { start: '2026-11-21', end: '2026-11-27', label: '1405/08/30' });
});

test('given a day, then its Jalali month, quarter and year have Jalali boundaries', () => {
  // 2026-11-22 is 1 Azar 1405 (the ninth month).
  assert.deepEqual(periodOf('2026-11-22', 'month', 'jalali'), { start: '2026-11-22', end: '2026-12-21', label: '1405/09' });
  assert.deepEqual(periodOf('2026-11-21', 'month', 'jalali'), { start: '2026-10-23', end: '2026-11-21', label: '1405/08' });
  assert.deepEqual(periodOf('2026-11-22', 'quarter', 'jalali'), { start: '2026-09-23', end: '2026-12-21', label: '1405 Q3' });
  assert.deepEqual(periodOf('2024-03-20', 'year', 'jalali'), { start: '2024-03-20', end: '2025-03-20', label: '1403' });
});

test('given a day, then Gregorian months, quarters and years have their usual boundaries', () => {
  assert.deepEqual(periodOf('2024-02-29', 'month', 'gregorian'), { start: '2024-02-01', end: '2024-02-29', label: '2024-02' });
  assert.deepEqual(periodOf('2026-11-22', 'quarter', 'gregorian'), { start: '2026-10-01', end: '2026-12-31', label: '2026 Q4' });
  assert.deepEqual(periodOf('2026-11-22', 'year', 'gregorian'), { start: '2026-01-01', end: '2026-12-31', label: '2026' });
});

test('given a count, then consecutive periods end with the one holding the date, oldest first', () => {
  const months = periodsEnding('2026-01-15', 'month', 'gregorian', 3);
  assert.deepEqual(months.map((p) => p.label), ['2025-11', '2025-12', '2026-01']);
  for (let i = 1; i < months.length; i++) assert.equal(dayNumber(months[i]?.start ?? ''), dayNumber(months[i - 1]?.end ?? '') + 1);
  const jalaliMonths = periodsEnding('2026-11-22', 'month', 'jalali', 13);
  assert.equal(jalaliMonths[0]?.label, '1404/09');
  assert.equal(isoDay(dayNumber('2026-11-22')), '2026-11-22');
});

test('given a focus period of 3 months, then it runs from the start of this month to the end of the third', () => {
  assert.deepEqual(monthsFrom('2026-11-22', 3, 'gregorian'), { start: '2026-11-01', end: '2027-01-31' });
  assert.deepEqual(monthsFrom('2026-11-22', 3, 'jalali'), { start: '2026-11-22', end: '2027-02-19' });
});

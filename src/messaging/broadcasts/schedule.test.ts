import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextRunAt } from './schedule.ts';

test('given a daily 09:00 Tehran schedule, when asked at 08:00 Tehran, then the next run is 05:30 UTC the same day', () => {
  // 2026-03-10 08:00 in Tehran (UTC+03:30) is 04:30 UTC.
  const next = nextRunAt({ frequency: 'daily', time: '09:00' }, 'Asia/Tehran', new Date('2026-03-10T04:30:00Z'));
  assert.equal(next.toISOString(), '2026-03-10T05:30:00.000Z');
});

test('given a daily 09:00 Tehran schedule, when asked at 09:00 exactly, then the next run is tomorrow', () => {
  const next = nextRunAt({ frequency: 'daily', time: '09:00' }, 'Asia/Tehran', new Date('2026-03-10T05:30:00Z'));
  assert.equal(next.toISOString(), '2026-03-11T05:30:00.000Z');
});

test('given a weekly Saturday 20:00 schedule, when asked on a Wednesday, then the next run is that Saturday', () => {
  // 2026-03-11 is a Wednesday; Saturday 2026-03-14 20:00 Tehran = 16:30 UTC.
  const next = nextRunAt({ frequency: 'weekly', dayOfWeek: 6, time: '20:00' }, 'Asia/Tehran', new Date('2026-03-11T10:00:00Z'));
  assert.equal(next.toISOString(), '2026-03-14T16:30:00.000Z');
});

test('given a daily 00:30 Tehran schedule, when asked at 23:00 Tehran on the last day of a month, then the run is 00:30 on the 1st', () => {
  // 2026-03-31 23:00 Tehran = 19:30 UTC; 2026-04-01 00:30 Tehran = 2026-03-31 21:00 UTC.
  const next = nextRunAt({ frequency: 'daily', time: '00:30' }, 'Asia/Tehran', new Date('2026-03-31T19:30:00Z'));
  assert.equal(next.toISOString(), '2026-03-31T21:00:00.000Z');
});

test('given a daily 09:00 Berlin schedule across the spring DST change, then the run follows the wall clock', () => {
  // Berlin moves to UTC+2 on 2026-03-29: 09:00 is 08:00 UTC the day before and 07:00 UTC after.
  assert.equal(nextRunAt({ frequency: 'daily', time: '09:00' }, 'Europe/Berlin', new Date('2026-03-28T09:00:00Z')).toISOString(), '2026-03-29T07:00:00.000Z');
  assert.equal(nextRunAt({ frequency: 'daily', time: '09:00' }, 'Europe/Berlin', new Date('2026-03-27T09:00:00Z')).toISOString(), '2026-03-28T08:00:00.000Z');
});

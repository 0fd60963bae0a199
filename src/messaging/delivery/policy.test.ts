import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStopKeyword, quietHoursEnd, rankChannels, retryDelayMs } from './policy.ts';

const night = { start: '21:00', end: '09:00' };

describe('delivery policy', () => {
  test('given 21:00–09:00 quiet hours in Tehran (UTC+3:30), then 20:59 is allowed, 21:00 and 03:00 wait until 09:00 the next morning, 09:00 is allowed', () => {
    assert.equal(quietHoursEnd(new Date('2026-03-01T17:29:00Z'), 'Asia/Tehran', night), undefined);
    assert.equal(quietHoursEnd(new Date('2026-03-01T17:30:00Z'), 'Asia/Tehran', night)?.toISOString(), '2026-03-02T05:30:00.000Z');
    assert.equal(quietHoursEnd(new Date('2026-03-01T23:30:45Z'), 'Asia/Tehran', night)?.toISOString(), '2026-03-02T05:30:00.000Z');
    assert.equal(quietHoursEnd(new Date('2026-03-02T05:30:00Z'), 'Asia/Tehran', night), undefined);
  });

  test('given a window that does not wrap midnight (13:00–15:00) or an empty one, then only its inside waits', () => {
    const siesta = { start: '13:00', end: '15:00' };
    assert.equal(quietHoursEnd(new Date('2026-03-01T13:30:00Z'), 'UTC', siesta)?.toISOString(), '2026-03-01T15:00:00.000Z');
    assert.equal(quietHoursEnd(new Date('2026-03-01T12:59:00Z'), 'UTC', siesta), undefined);
    assert.equal(quietHoursEnd(new Date('2026-03-01T13:30:00Z'), 'UTC', { start: '10:00', end: '10:00' }), undefined);
  });

  test('given a DST change during the night in Berlin, then the end is 09:00 local time after the change', () => {
    // 2026-03-29 02:00 CET → 03:00 CEST; 09:00 CEST is 07:00 UTC.
    assert.equal(quietHoursEnd(new Date('2026-03-28T22:00:00Z'), 'Europe/Berlin', night)?.toISOString(), '2026-03-29T07:00:00.000Z');
  });

  test('given retries, then the delay doubles with jitter within ±50 %, is capped, and never undercuts Retry-After', () => {
    const base = { baseMs: 1000, maxMs: 60_000 };
    assert.equal(retryDelayMs(1, { ...base, random: () => 0.5 }), 1000);
    assert.equal(retryDelayMs(3, { ...base, random: () => 0.5 }), 4000);
    assert.equal(retryDelayMs(3, { ...base, random: () => 0 }), 2000);
    assert.equal(retryDelayMs(20, { ...base, random: () => 0.99 }), 60_000);
    assert.equal(retryDelayMs(1, { ...base, random: () => 0, retryAfterMs: 30_000 }), 30_000);
  });

  test('given inbound texts, then STOP keywords match in any case, with Persian or Arabic digits, ZWNJ or spaces, and ordinary replies do not', () => {
    for (const text of ['STOP', ' stop ', 'Unsubscribe', 'لغو', 'لغو۱۱', 'لغو١١', 'لغو 11', 'توقف', 'انصراف', 'لغو\u200cعضویت', 'STOP!']) assert.ok(isStopKeyword(text), text);
    for (const text of ['stop sending me the blue ones', 'سلام', 'لغو سفارش ۱۲۳', '11', 'ok']) assert.ok(!isStopKeyword(text), text);
  });

  test('given learned scores, then channels are ranked by score and otherwise keep the workspace order', () => {
    assert.deepEqual(rankChannels(['email', 'sms', 'telegram'], new Map([['telegram', 2.5], ['email', -1]])), ['telegram', 'sms', 'email']);
    assert.deepEqual(rankChannels(['email', 'sms'], new Map()), ['email', 'sms']);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, TestClock } from '../../../messaging/delivery/testing/fixtures.ts';
import { jalaliToGregorian } from '../../../platform/calendar/jalali.ts';
import { createTestApp } from '../../../testing/harness.ts';
import { createJourney, testEngine } from '../../testing/fixtures.ts';
import { dateMatches } from './date.ts';
import { derivedJourney, entrants, MINUTE, setProfile } from './fixtures.ts';

/** The date trigger: birthdays (Jalali or Gregorian), attribute dates, signup anniversaries, at a time of day in the customer's zone. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const birthday = { kind: 'date', source: 'birthday', recurrence: 'yearly', time: '09:00' };
// 2027-03-01 is 10 Esfand 1405. 1988-02-29 was 10 Esfand 1366 (its Jalali twin); 1988-03-01 was 11 Esfand.
const MARCH_1 = new Date('2027-03-01T06:00:00Z'); // 09:30 in Tehran, 01:00 in New York

async function born(w: Awaited<ReturnType<typeof t.workspace>>, date: string, timezone?: string) {
  const id = await customer(w);
  await setProfile(t.db, id, { birthday: date, ...(timezone ? { timezone } : {}) });
  return id;
}

describe('date trigger', () => {
  test('given a Jalali birthday journey, when the scan runs on 10 Esfand, then those born on 10 Esfand enter (whatever their Gregorian date) and not those born on the Gregorian twin; the key names the occurrence', async () => {
    const w = await t.workspace();
    const jalaliTwin = await born(w, '1988-02-29');
    const gregorianTwin = await born(w, '1988-03-01');
    const alsoTenEsfand = await born(w, '1990-03-01');
    const id = await derivedJourney(w, { ...birthday, calendar: 'jalali' });
    const clock = new TestClock(MARCH_1);
    const engine = testEngine(t.db, clock);
    await engine.tick();
    const runs = await entrants(t.db, id);
    assert.deepEqual(runs.map((r) => r.customer_id).sort(), [jalaliTwin, alsoTenEsfand].sort());
    assert.ok(!runs.some((r) => r.customer_id === gregorianTwin));
    const twin = runs.find((r) => r.customer_id === jalaliTwin);
    assert.equal(twin?.entry_key, `date:${jalaliTwin}:2027-03-01`);
    assert.deepEqual(twin?.context, { source: 'birthday', date: '2027-03-01', storedDate: '1988-02-29', offsetDays: 0, calendar: 'jalali', years: 39 });
  });

  test('given a Gregorian birthday journey, when scans run on 28 February of a year without 29 February and on 1 March, then the leap-day birthday is celebrated on the 28th, the others on their day, each once however many scans', async () => {
    const w = await t.workspace();
    const leapDay = await born(w, '1988-02-29');
    const feb28 = await born(w, '1990-02-28');
    const march1 = await born(w, '1988-03-01');
    const id = await derivedJourney(w, { ...birthday, calendar: 'gregorian' });
    const clock = new TestClock(new Date('2027-02-28T06:00:00Z'));
    const engine = testEngine(t.db, clock);
    for (let i = 0; i < 3; i++) {
      await engine.tick();
      clock.advance(2 * MINUTE);
    }
    assert.deepEqual((await entrants(t.db, id)).map((r) => r.customer_id).sort(), [leapDay, feb28].sort());
    clock.current = MARCH_1;
    await engine.tick();
    await engine.tick();
    assert.deepEqual((await entrants(t.db, id)).map((r) => r.customer_id).sort(), [leapDay, feb28, march1].sort());
  });

  test('given a Jalali birthday journey, when 29 Esfand comes in a year without 30 Esfand, then someone born on 30 Esfand of a leap year enters', async () => {
    const w = await t.workspace();
    const g = jalaliToGregorian(1399, 12, 30);
    const esfand30 = await born(w, `${g.year}-${String(g.month).padStart(2, '0')}-${String(g.day).padStart(2, '0')}`);
    const id = await derivedJourney(w, { ...birthday, calendar: 'jalali' });
    const esfand29 = jalaliToGregorian(1405, 12, 29); // 1405 is not a leap year
    const clock = new TestClock(new Date(Date.UTC(esfand29.year, esfand29.month - 1, esfand29.day, 6)));
    await testEngine(t.db, clock).tick();
    assert.deepEqual((await entrants(t.db, id)).map((r) => r.customer_id), [esfand30]);
  });

  test("given the trigger's time 09:00, when it is 09:30 in Tehran and 01:00 in New York, then the Tehran customer (and one whose zone is not a real zone: the workspace's) enters now and the New York one at 09:00 their time", async () => {
    const w = await t.workspace();
    const tehran = await born(w, '1990-03-01');
    const bogus = await born(w, '1990-03-01', 'Mars/Olympus');
    const newYork = await born(w, '1990-03-01', 'America/New_York');
    const id = await derivedJourney(w, { ...birthday, calendar: 'gregorian' });
    const clock = new TestClock(new Date('2027-03-01T05:00:00Z')); // 08:30 in Tehran: too early for everyone
    const engine = testEngine(t.db, clock);
    await engine.tick();
    assert.equal((await entrants(t.db, id)).length, 0);
    clock.current = MARCH_1;
    await engine.tick();
    assert.deepEqual((await entrants(t.db, id)).map((r) => r.customer_id).sort(), [tehran, bogus].sort());
    clock.current = new Date('2027-03-01T13:59:00Z'); // 08:59 in New York (EST, UTC−5)
    await engine.tick();
    assert.equal((await entrants(t.db, id)).length, 2);
    clock.advance(2 * MINUTE);
    await engine.tick();
    const runs = await entrants(t.db, id);
    assert.equal(runs.length, 3);
    assert.equal(runs[2]?.customer_id, newYork);
  });

  test('given yearly re-entry, when the next Jalali birthday comes (29 February 2028 this time), then the customer enters again under a new key; two engines scanning at once enter once', async () => {
    const w = await t.workspace();
    const c = await born(w, '1990-03-01');
    const id = await derivedJourney(w, { ...birthday, calendar: 'jalali' }, { mode: 'every', days: 300 });
    const clock = new TestClock(MARCH_1);
    const [a, b] = [testEngine(t.db, clock), testEngine(t.db, clock)];
    await Promise.all([a.tick(), b.tick(), a.tick()]);
    assert.equal((await entrants(t.db, id)).length, 1);
    clock.current = new Date('2028-02-29T06:00:00Z'); // 10 Esfand 1406
    await Promise.all([a.tick(), b.tick()]);
    assert.deepEqual((await entrants(t.db, id)).map((r) => r.entry_key), [`date:${c}:2027-03-01`, `date:${c}:2028-02-29`]);
  });

  test('given an attribute date with recurrence once and offsetDays −3, then the customer enters three days before the date; activation refuses source attribute without the attribute, naming trigger.attribute', async () => {
    const w = await t.workspace();
    const c = await customer(w);
    const other = await customer(w);
    await setProfile(t.db, c, { attributes: { subscription_expires_at: '2027-03-04' } });
    await setProfile(t.db, other, { attributes: { subscription_expires_at: 'soon' } });
    const id = await derivedJourney(w, { kind: 'date', source: 'attribute', attribute: 'subscription_expires_at', recurrence: 'once', offsetDays: -3, time: '08:00' });
    const clock = new TestClock(new Date('2027-02-28T06:00:00Z'));
    const engine = testEngine(t.db, clock);
    await engine.tick();
    assert.equal((await entrants(t.db, id)).length, 0, 'four days before: not yet');
    clock.current = MARCH_1;
    await engine.tick();
    const runs = await entrants(t.db, id);
    assert.deepEqual(runs.map((r) => [r.customer_id, r.entry_key]), [[c, `date:${c}:2027-03-04`]]);

    const draft = await createJourney(w, { trigger: { kind: 'date', source: 'attribute' }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] });
    const refused = await w.api.post(`/api/v1/journeys/${draft}/activate`);
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal(refused.json().error.field, 'trigger.attribute');
  });

  test('given a signup anniversary, then a customer who signed up two years ago on this day enters with years = 2, one who signed up today does not', async () => {
    const w = await t.workspace();
    const old = await customer(w);
    const fresh = await customer(w);
    await setProfile(t.db, old, { createdAt: new Date('2025-03-01T08:00:00Z') });
    await setProfile(t.db, fresh, { createdAt: new Date('2027-03-01T04:00:00Z') });
    const id = await derivedJourney(w, { kind: 'date', source: 'signup' });
    await testEngine(t.db, new TestClock(MARCH_1)).tick();
    const runs = await entrants(t.db, id);
    assert.deepEqual(runs.map((r) => [r.customer_id, r.context.years]), [[old, 2]]);
  });
});

describe('dateMatches', () => {
  test('given offsetDays 7 (a week after), then the stored dates are those a week before the local days', () => {
    const m = dateMatches({ kind: 'date', source: 'birthday', recurrence: 'once', calendar: 'gregorian', offsetDays: 7, time: '09:00' }, MARCH_1);
    assert.deepEqual(m, [
      { stored: '2027-02-21', localDay: '2027-02-28', occurrence: '2027-02-21' },
      { stored: '2027-02-22', localDay: '2027-03-01', occurrence: '2027-02-22' },
      { stored: '2027-02-23', localDay: '2027-03-02', occurrence: '2027-02-23' },
    ]);
  });
});

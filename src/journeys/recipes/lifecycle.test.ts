import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, TestClock } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { runCode } from '../engine/codes.ts';
import { order, setProfile } from '../engine/derived/fixtures.ts';
import { DAY, HOUR, pathOf, runsOf, testEngine, trackEvent } from '../testing/fixtures.ts';
import { attributesOf, installActive, rendered, sentBy } from './testing.ts';

/**
 * The ready-made journeys of the customer's life cycle, end to end with simulated time: win-back
 * (90 days without an order), birthday (Jalali), VIP order, subscription renewal.
 */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const MINUTE = 60_000;

describe('ready-made journeys of the life cycle', () => {
  test('win-back: given two customers 90 days without an order, when one buys after the note, then only the other gets the offer with a code (recorded on the profile) a week later, and a week after that a call task for the team', async () => {
    const w = await t.workspace();
    const now = Date.now();
    const sara = await customer(w, { firstName: 'سارا', language: 'fa' });
    const john = await customer(w, { firstName: 'John', language: 'en' });
    for (const c of [sara, john]) await order(t.db, w.id, c, { total: 25, placedAt: new Date(now - 89 * DAY) });
    const { journey, templateIds } = await installActive(t.db, w, 'win_back');
    const clock = new TestClock(new Date(now + 5000));
    const engine = testEngine(t.db, clock);
    await engine.tick();
    assert.equal((await runsOf(t.db, journey.id)).length, 0, 'day 89');
    clock.advance(DAY + HOUR);
    await engine.tick();
    clock.advance(2 * MINUTE);
    await engine.tick();
    let sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.map((m) => [m.templateId, m.customerId]).sort(), [[templateIds.note, sara], [templateIds.note, john]].sort());
    const note = await rendered(t.db, w.id, sent.find((m) => m.customerId === john) as (typeof sent)[0], 'email');
    assert.equal(note.subject, "We've missed you");

    clock.advance(2 * DAY);
    await trackEvent(t.db, w.id, john, 'Order Completed', { order_id: 'back-1', total: 40 });
    await engine.tick();
    clock.advance(5 * DAY + HOUR);
    await engine.tick();
    sent = await sentBy(t.db, journey.id);
    const offers = sent.filter((m) => m.templateId === templateIds.offer);
    assert.deepEqual(offers.map((m) => m.customerId), [sara]);
    const saraRun = (await runsOf(t.db, journey.id)).find((r) => r.customer_id === sara);
    const code = runCode(saraRun?.id as string);
    const offer = await rendered(t.db, w.id, offers[0] as (typeof sent)[0]);
    assert.equal(offer.language, 'fa');
    assert.ok(offer.text.includes(code) && offer.text.includes('۱۵٪') && offer.text.includes('لغو۱۱'), offer.text);
    assert.equal((await attributesOf(t.db, sara)).last_gift_code, code);

    clock.advance(7 * DAY + HOUR);
    await engine.tick();
    const tasks = await t.db.selectFrom('tasks').select(['customer_id', 'title', 'priority', 'source']).where('workspace_id', '=', w.id).execute();
    assert.equal(tasks.length, 1);
    assert.deepEqual([tasks[0]?.customer_id, tasks[0]?.priority, tasks[0]?.source], [sara, 'high', 'journey']);
    assert.equal(tasks[0]?.title, 'تماس با مشتری‌ای که مدتی خرید نکرده', "the task in the installer's language");
    assert.deepEqual(await pathOf(t.db, saraRun?.id as string), ['note:next', 'wait-1:timeout', 'gift:next', 'offer:next', 'wait-2:timeout', 'call:next', 'end:exit:completed']);
    const johnRun = (await runsOf(t.db, journey.id)).find((r) => r.customer_id === john);
    assert.deepEqual([johnRun?.status, johnRun?.exit_reason], ['exited', 'goal']);
  });

  test('birthday: given customers born on 10 Esfand (Jalali) and one on its Gregorian twin, when 10 Esfand comes, then at 09:00 Tehran the Jalali ones get a greeting with the date in Jalali and a gift code, the twin nothing', async () => {
    const w = await t.workspace();
    // 2027-03-01 is 10 Esfand 1405; 1988-02-29 was 10 Esfand 1366, 1988-03-01 was 11 Esfand.
    const nasrin = await customer(w, { firstName: 'نسرین', language: 'fa' });
    const huda = await customer(w, { firstName: 'هدى', language: 'ar' });
    const twin = await customer(w, { firstName: 'Amir', language: 'fa' });
    await setProfile(t.db, nasrin, { birthday: '1988-02-29' });
    await setProfile(t.db, huda, { birthday: '1995-03-01' });
    await setProfile(t.db, twin, { birthday: '1988-03-01' });
    const { journey, templateIds } = await installActive(t.db, w, 'birthday');
    const clock = new TestClock(new Date('2027-03-01T05:00:00Z')); // 08:30 in Tehran
    const engine = testEngine(t.db, clock);
    await engine.tick();
    assert.equal((await runsOf(t.db, journey.id)).length, 0, 'not before 09:00');
    clock.advance(HOUR);
    await engine.tick();
    const sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.map((m) => m.customerId).sort(), [nasrin, huda].sort());
    assert.ok(sent.every((m) => m.templateId === templateIds.greeting));
    for (const run of await runsOf(t.db, journey.id)) {
      const code = runCode(run.id);
      assert.equal((await attributesOf(t.db, run.customer_id)).last_gift_code, code);
      const email = await rendered(t.db, w.id, sent.find((m) => m.customerId === run.customer_id) as (typeof sent)[0], 'email');
      assert.ok(email.html?.includes(code));
      if (run.customer_id === nasrin) {
        assert.equal(email.language, 'fa');
        assert.ok(email.html?.includes('امروز، ۱۰ اسفند، روز تولد شماست'), email.html);
        assert.ok(email.html?.includes('۱۴ روز'));
      } else {
        assert.equal(email.language, 'ar');
        assert.ok(email.html?.includes('١٤ يوماً') && email.html.includes('هدى'), email.html);
      }
      assert.deepEqual(await pathOf(t.db, run.id), ['gift:next', 'greet:next', 'end:exit:completed']);
    }
  });

  test('VIP: given a 500 threshold, when one customer places a 900 order and another a 100 one, then only the first is tagged vip and thanked, with the order and its total', async () => {
    const w = await t.workspace();
    const { journey, templateIds } = await installActive(t.db, w, 'vip_thank_you', { orderAbove: 500 });
    const big = await customer(w, { firstName: 'Nima', language: 'en' });
    const small = await customer(w, { firstName: 'Sam', language: 'en' });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    await order(t.db, w.id, big, { total: 900, currency: 'USD' });
    await order(t.db, w.id, small, { total: 100, currency: 'USD' });
    clock.advance(2 * MINUTE);
    await engine.tick();
    const sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.map((m) => [m.customerId, m.templateId]), [[big, templateIds.thanks]]);
    const [run] = await runsOf(t.db, journey.id);
    const email = await rendered(t.db, w.id, sent[0] as (typeof sent)[0], 'email');
    assert.equal(email.subject, "Thank you — you're now a VIP");
    assert.ok(email.html?.includes(`order ${run?.context.orderId} for $900.00`), email.html);
    const tags = await t.db.selectFrom('customers').select(['id', 'tags']).where('id', 'in', [big, small]).execute();
    assert.deepEqual(tags.find((c) => c.id === big)?.tags, ['vip']);
    assert.deepEqual(tags.find((c) => c.id === small)?.tags, []);
  });

  test('subscription renewal: given two subscriptions ending in 7 days, when one renews after the first reminder, then both get the reminder at 10:00 seven days before and only the other the day-before one', async () => {
    const w = await t.workspace();
    const { journey, templateIds } = await installActive(t.db, w, 'subscription_renewal');
    const stays = await customer(w, { firstName: 'Ali', language: 'fa' });
    const renews = await customer(w, { firstName: 'Dana', language: 'en' });
    const clock = new TestClock(new Date('2027-05-10T06:40:00Z')); // 10:10 in Tehran, 10 May (20 Ordibehesht)
    for (const c of [stays, renews]) await setProfile(t.db, c, { attributes: { subscription_expires_at: '2027-05-17' } });
    const engine = testEngine(t.db, clock);
    await engine.tick();
    let sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.map((m) => m.templateId), [templateIds.reminder, templateIds.reminder]);
    const reminder = await rendered(t.db, w.id, sent.find((m) => m.customerId === stays) as (typeof sent)[0]);
    assert.ok(reminder.text.includes('۲۷ اردیبهشت ۱۴۰۶'), `the expiry in Jalali: ${reminder.text}`);

    await trackEvent(t.db, w.id, renews, 'Order Completed', { order_id: 'renewal-1', total: 12 });
    await engine.tick();
    clock.advance(6 * DAY);
    await engine.tick();
    sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.filter((m) => m.templateId === templateIds.tomorrow).map((m) => m.customerId), [stays]);
    const runs = await runsOf(t.db, journey.id);
    assert.deepEqual(await pathOf(t.db, runs.find((r) => r.customer_id === stays)?.id as string), ['remind:next', 'day-before:next', 'tomorrow:next', 'end:exit:completed']);
    assert.equal(runs.find((r) => r.customer_id === renews)?.exit_reason, 'goal');
  });
});

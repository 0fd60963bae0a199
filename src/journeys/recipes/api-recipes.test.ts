import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, TestClock } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { runCode } from '../engine/codes.ts';
import { DAY, HOUR, pathOf, runsOf, testEngine, trackEvent } from '../testing/fixtures.ts';
import { attributesOf, installActive, rendered, sentBy } from './testing.ts';

/**
 * The ready-made journeys started by an event or by the API, end to end with simulated time:
 * install → activate → the moment → the clock moves → what was sent, to whom, in which language.
 */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });

describe('ready-made journeys started by events and by API', () => {
  test('onboarding: given three sign-ups (fa, ar, en), when one buys on day 1, then all get the welcome, the buyer leaves on the goal, the others get the tips after 2 days and a first-order code after 4, in their language', async () => {
    const w = await t.workspace();
    const { journey, templateIds } = await installActive(t.db, w, 'onboarding');
    const sara = await customer(w, { firstName: 'سارا', language: 'fa' });
    const layla = await customer(w, { firstName: 'ليلى', language: 'ar' });
    const john = await customer(w, { firstName: 'John', language: 'en' });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    for (const c of [sara, layla, john]) await trackEvent(t.db, w.id, c, 'Signed Up', { method: 'email' });
    await engine.tick();
    let sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.map((m) => m.templateId), [templateIds.welcome, templateIds.welcome, templateIds.welcome]);
    const welcome = await rendered(t.db, w.id, sent.find((m) => m.customerId === layla) as (typeof sent)[0]);
    assert.equal(welcome.language, 'ar');
    assert.match(welcome.text, /ليلى، أهلاً بك في/);

    clock.advance(DAY);
    await trackEvent(t.db, w.id, john, 'Order Completed', { order_id: 'o-1', total: 30 });
    await engine.tick();
    clock.advance(DAY + HOUR);
    await engine.tick();
    sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.filter((m) => m.templateId === templateIds.tips).map((m) => m.customerId).sort(), [sara, layla].sort());

    clock.advance(2 * DAY + HOUR);
    await engine.tick();
    sent = await sentBy(t.db, journey.id);
    const nudges = sent.filter((m) => m.templateId === templateIds.nudge);
    assert.deepEqual(nudges.map((m) => m.customerId).sort(), [sara, layla].sort());
    const runs = await runsOf(t.db, journey.id);
    const saraRun = runs.find((r) => r.customer_id === sara);
    const code = runCode(saraRun?.id as string);
    const nudge = await rendered(t.db, w.id, nudges.find((m) => m.customerId === sara) as (typeof sent)[0]);
    assert.equal(nudge.language, 'fa');
    assert.ok(nudge.text.includes(code) && nudge.text.includes('سارا') && nudge.text.includes('۱۰٪'), nudge.text);
    assert.equal((await attributesOf(t.db, sara)).last_gift_code, code, 'the code the message showed is on the profile');
    assert.deepEqual(await pathOf(t.db, saraRun?.id as string), ['welcome:next', 'pause-1:next', 'tips:next', 'first-order:timeout', 'gift:next', 'nudge:next', 'end:exit:completed']);
    const johnRun = runs.find((r) => r.customer_id === john);
    assert.deepEqual([johnRun?.status, johnRun?.exit_reason], ['exited', 'goal']);
    assert.equal(sent.filter((m) => m.customerId === john).length, 1, 'the buyer got the welcome only');
  });

  test('post-purchase: given an order, when 7 days pass, then "are you satisfied?" (transactional) goes to the buyer in their language, with their name', async () => {
    const w = await t.workspace();
    const { journey, templateIds } = await installActive(t.db, w, 'post_purchase');
    const buyer = await customer(w, { firstName: 'Maryam', language: 'en' });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    await trackEvent(t.db, w.id, buyer, 'Order Completed', { order_id: 'o-7', total: 120 });
    await engine.tick();
    clock.advance(6 * DAY);
    await engine.tick();
    assert.equal((await sentBy(t.db, journey.id)).length, 0, 'not before a week');
    clock.advance(DAY + HOUR);
    await engine.tick();
    const [ask] = await sentBy(t.db, journey.id);
    assert.equal(ask?.templateId, templateIds.satisfied);
    assert.equal(ask?.category, 'transactional');
    const text = await rendered(t.db, w.id, ask as NonNullable<typeof ask>, 'email');
    assert.equal(text.subject, 'Are you happy with your order?');
    assert.match(text.html ?? '', /Hello Maryam,/);
    assert.ok(!/unsubscribe/i.test(text.html ?? ''), 'a transactional email carries no marketing footer');
    const [run] = await runsOf(t.db, journey.id);
    assert.deepEqual(await pathOf(t.db, run?.id as string), ['settle:next', 'ask:next', 'end:exit:completed']);
  });

  test('incident apology: given a segment of affected customers and a list, when the bulk API starts the journey twice with one key, then each is compensated once (code on the profile, tag, apology with the code and the incident in their language)', async () => {
    const w = await t.workspace();
    const { journey, templateIds } = await installActive(t.db, w, 'incident_apology');
    const affected = [await customer(w, { firstName: 'Reza', language: 'fa' }), await customer(w, { firstName: 'Omar', language: 'ar' })];
    const listed = await customer(w, { firstName: 'Emma', language: 'en' });
    const bystander = await customer(w);
    const segment = (await w.api.post('/api/v1/segments', { name: 'Charged twice', kind: 'manual' })).json();
    assert.equal((await w.api.post(`/api/v1/segments/${segment.id}/members`, { customerIds: affected })).statusCode, 200);
    const incident = { fa: 'دیروز برخی پرداخت‌ها دو بار کسر شد.', ar: 'تم خصم بعض المدفوعات مرتين أمس.', en: 'Yesterday some payments were charged twice.' };
    const bulk = (body: Record<string, unknown>) => w.api.post(`/api/v1/journeys/${journey.id}/runs/bulk`, { idempotencyKey: 'incident-42', context: { incident }, ...body });

    const first = await bulk({ segmentId: segment.id });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), { customers: 2, entered: 2, holdout: 0, alreadyStarted: 0, notEntered: {} });
    const again = await bulk({ segmentId: segment.id });
    assert.deepEqual(again.json(), { customers: 2, entered: 0, holdout: 0, alreadyStarted: 2, notEntered: {} });
    const byList = await bulk({ customerIds: [listed, affected[0]] });
    assert.deepEqual(byList.json(), { customers: 2, entered: 1, holdout: 0, alreadyStarted: 1, notEntered: {} });

    const engine = testEngine(t.db, new TestClock(new Date(Date.now() + 5000)));
    await engine.tick();
    const sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.map((m) => m.customerId).sort(), [...affected, listed].sort());
    assert.ok(sent.every((m) => m.templateId === templateIds.apology && m.category === 'transactional'));
    for (const run of await runsOf(t.db, journey.id)) {
      const code = runCode(run.id);
      const profile = await t.db.selectFrom('customers').select(['attributes', 'tags', 'language']).where('id', '=', run.customer_id).executeTakeFirstOrThrow();
      assert.equal(profile.attributes.last_gift_code, code);
      assert.ok(profile.tags.includes('incident-compensated'));
      const email = await rendered(t.db, w.id, sent.find((m) => m.customerId === run.customer_id) as (typeof sent)[0], 'email');
      assert.equal(email.language, profile.language);
      assert.ok(email.html?.includes(code), 'the compensation code');
      assert.ok(email.html?.includes(incident[profile.language as 'fa' | 'ar' | 'en']), 'what happened, in their language');
      assert.deepEqual(await pathOf(t.db, run.id), ['compensate:next', 'tag:next', 'apologise:next', 'end:exit:completed']);
    }
    assert.deepEqual(await attributesOf(t.db, bystander), {}, 'only the chosen customers');
  });
});

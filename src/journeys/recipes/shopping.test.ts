import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, TestClock } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { runCode } from '../engine/codes.ts';
import { event, putProduct } from '../engine/derived/fixtures.ts';
import { DAY, HOUR, pathOf, runsOf, testEngine, trackEvent } from '../testing/fixtures.ts';
import { attributesOf, installActive, rendered, sentBy } from './testing.ts';

/**
 * The ready-made journeys of shopping moments, end to end with simulated time: a cart left
 * behind, a product viewed again and again, a product back in stock.
 */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const MINUTE = 60_000;

describe('ready-made journeys of shopping moments', () => {
  test('cart abandonment: given two carts left for 4 hours, when one customer buys after the reminder, then both get the reminder listing their products and only the other the last call a day later', async () => {
    const w = await t.workspace();
    const { journey, templateIds } = await installActive(t.db, w, 'cart_abandonment');
    const sara = await customer(w, { firstName: 'سارا', language: 'fa' });
    const john = await customer(w, { firstName: 'John', language: 'en' });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    await event(t.db, w.id, sara, 'Product Added', { product_id: 'tea-set', name: 'سرویس چای‌خوری', price: 12_500_000, quantity: 2, currency: 'IRR' }, clock.now());
    await event(t.db, w.id, john, 'Product Added', { product_id: 'kettle', name: 'Copper kettle', price: 45, currency: 'USD' }, clock.now());
    clock.advance(4 * HOUR + MINUTE);
    await engine.tick();
    clock.advance(2 * MINUTE);
    await engine.tick();
    let sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.map((m) => m.templateId), [templateIds.reminder, templateIds.reminder]);
    const fa = await rendered(t.db, w.id, sent.find((m) => m.customerId === sara) as (typeof sent)[0], 'email');
    assert.equal(fa.language, 'fa');
    assert.ok(fa.html?.includes('• سرویس چای‌خوری × ۲') && fa.html.includes('جمع سبد: ۲٬۵۰۰٬۰۰۰ تومان'), fa.html);
    const en = await rendered(t.db, w.id, sent.find((m) => m.customerId === john) as (typeof sent)[0]);
    assert.ok(en.text.includes('"Copper kettle" is still waiting') && en.text.includes('John,'), en.text);

    await trackEvent(t.db, w.id, john, 'Order Completed', { order_id: 'o-kettle', total: 45 });
    await engine.tick();
    clock.advance(DAY + MINUTE);
    await engine.tick();
    sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.filter((m) => m.templateId === templateIds.last_call).map((m) => m.customerId), [sara]);
    const runs = await runsOf(t.db, journey.id);
    assert.deepEqual(await pathOf(t.db, runs.find((r) => r.customer_id === sara)?.id as string), ['remind:next', 'wait-order:timeout', 'last-call:next', 'end:exit:completed']);
    const johnRun = runs.find((r) => r.customer_id === john);
    assert.deepEqual([johnRun?.status, johnRun?.exit_reason], ['exited', 'goal']);
  });

  test('browse abandonment: given a product viewed three times without buying, when the browsing stops for 2 hours, then a discount code for that product only (its name and price in tomans), recorded on the profile', async () => {
    const w = await t.workspace();
    await putProduct(w, 'walnut-desk', { name: 'میز گردویی', price: 4_800_000, currency: 'IRT', inStock: true, url: 'https://shop.test/walnut-desk' });
    const { journey, templateIds } = await installActive(t.db, w, 'browse_abandonment', { percent: 12 });
    const browser = await customer(w, { firstName: 'Parisa', language: 'fa' });
    const glance = await customer(w, { language: 'fa' });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    const at = (ms: number) => new Date(clock.now().getTime() + ms);
    for (const ms of [0, 20 * MINUTE, 40 * MINUTE]) await event(t.db, w.id, browser, 'Product Viewed', { product_id: 'walnut-desk' }, at(ms));
    await event(t.db, w.id, glance, 'Product Viewed', { product_id: 'walnut-desk' }, at(0));
    clock.advance(2 * HOUR + 41 * MINUTE);
    await engine.tick();
    clock.advance(2 * MINUTE);
    await engine.tick();
    const sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.map((m) => [m.customerId, m.templateId]), [[browser, templateIds.offer]]);
    const [run] = await runsOf(t.db, journey.id);
    const code = runCode(run?.id as string);
    assert.equal((await attributesOf(t.db, browser)).last_gift_code, code);
    const sms = await rendered(t.db, w.id, sent[0] as (typeof sent)[0]);
    assert.equal(sms.text, `Parisa، ۱۲٪ تخفیف فقط برای «میز گردویی» با کد ${code} در ${(await t.db.selectFrom('workspaces').select('name').where('id', '=', w.id).executeTakeFirstOrThrow()).name}\nلغو۱۱`);
    const email = await rendered(t.db, w.id, sent[0] as (typeof sent)[0], 'email');
    assert.ok(email.html?.includes('قیمت فعلی: ۴٬۸۰۰٬۰۰۰ تومان') && email.html.includes('https://shop.test/walnut-desk'), email.html);
    assert.deepEqual(await pathOf(t.db, run?.id as string), ['gift:next', 'offer:next', 'end:exit:completed']);
  });

  test('back in stock: given a sold-out product one customer viewed and one wished for, when it is back in stock, then both hear of it in their language and a customer who never looked does not', async () => {
    const w = await t.workspace();
    await putProduct(w, 'lamp', { name: 'Brass lamp', price: 49.5, currency: 'USD', inStock: false });
    const viewer = await customer(w, { firstName: 'Emma', language: 'en' });
    const wisher = await customer(w, { firstName: 'Karim', language: 'ar' });
    const stranger = await customer(w, { language: 'en' });
    await trackEvent(t.db, w.id, viewer, 'Product Viewed', { product_id: 'lamp' }, new Date(Date.now() - 3 * DAY));
    await trackEvent(t.db, w.id, wisher, 'Product Added to Wishlist', { product_id: 'lamp' }, new Date(Date.now() - DAY));
    await trackEvent(t.db, w.id, stranger, 'Product Viewed', { product_id: 'another' }, new Date(Date.now() - DAY));
    const { journey, templateIds } = await installActive(t.db, w, 'back_in_stock');
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    await engine.tick();
    assert.equal((await sentBy(t.db, journey.id)).length, 0);
    await putProduct(w, 'lamp', { name: 'Brass lamp', price: 49.5, currency: 'USD', inStock: true });
    clock.advance(2 * MINUTE);
    await engine.tick();
    const sent = await sentBy(t.db, journey.id);
    assert.deepEqual(sent.map((m) => m.customerId).sort(), [viewer, wisher].sort());
    assert.ok(sent.every((m) => m.templateId === templateIds.available));
    const en = await rendered(t.db, w.id, sent.find((m) => m.customerId === viewer) as (typeof sent)[0], 'email');
    assert.equal(en.subject, 'Brass lamp is back in stock');
    assert.ok(en.html?.includes('back in stock at $49.50'), en.html);
    const ar = await rendered(t.db, w.id, sent.find((m) => m.customerId === wisher) as (typeof sent)[0]);
    assert.ok(ar.text.startsWith('Karim، «Brass lamp» متوفر من جديد'), ar.text);
  });
});

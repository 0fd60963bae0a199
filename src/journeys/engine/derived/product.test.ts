import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, TestClock } from '../../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../../testing/harness.ts';
import { DAY, testEngine } from '../../testing/fixtures.ts';
import { derivedJourney, entrants, event, MINUTE, order, putProduct } from './fixtures.ts';

/** Back in stock, price drop and VIP orders: scans of what changed since their cursor. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });

describe('product trigger', () => {
  test('given back in stock for viewers or wishlisters within 30 days, when the product comes back, then they enter (not an older viewer, not a viewer of another product), with the product in the context, once', async () => {
    const w = await t.workspace();
    await putProduct(w, 'kettle', { name: 'Kettle', price: 25, currency: 'USD', inStock: false });
    await putProduct(w, 'mug', { name: 'Mug', price: 5, currency: 'USD', inStock: false });
    const [viewer, wisher, oldViewer, mugViewer] = [await customer(w), await customer(w), await customer(w), await customer(w)];
    const now = Date.now();
    await event(t.db, w.id, viewer, 'Product Viewed', { product_id: 'kettle' }, new Date(now - DAY));
    await event(t.db, w.id, wisher, 'Product Added to Wishlist', { product_id: 'kettle' }, new Date(now - 3 * DAY));
    await event(t.db, w.id, oldViewer, 'Product Viewed', { product_id: 'kettle' }, new Date(now - 40 * DAY));
    await event(t.db, w.id, mugViewer, 'Product Viewed', { product_id: 'mug' }, new Date(now - DAY));
    const id = await derivedJourney(w, { kind: 'product', change: 'back_in_stock', audience: 'either', lookbackDays: 30 });
    const viewersOnly = await derivedJourney(w, { kind: 'product', change: 'back_in_stock', audience: 'viewed' });
    const clock = new TestClock(new Date(now + 5000));
    const engine = testEngine(t.db, clock);
    await engine.tick();
    await putProduct(w, 'kettle', { inStock: true, stockQuantity: 3 });
    clock.advance(2 * MINUTE);
    await engine.tick();
    clock.advance(2 * MINUTE);
    await engine.tick();
    const runs = await entrants(t.db, id);
    assert.deepEqual(runs.map((r) => r.customer_id).sort(), [viewer, wisher].sort());
    const ctx = runs[0]?.context as { change: string; product: { name: string }; inStock: boolean };
    assert.equal(ctx.change, 'back_in_stock');
    assert.equal(ctx.product.name, 'Kettle');
    assert.equal(ctx.inStock, true);
    assert.deepEqual((await entrants(t.db, viewersOnly)).map((r) => r.customer_id), [viewer]);
  });

  test('given a quantity that goes from 0 to more, then it is back in stock too', async () => {
    const w = await t.workspace();
    await putProduct(w, 'pan', { name: 'Pan', stockQuantity: 0 });
    const viewer = await customer(w);
    await event(t.db, w.id, viewer, 'Product Viewed', { product_id: 'pan' }, new Date(Date.now() - DAY));
    const id = await derivedJourney(w, { kind: 'product', change: 'back_in_stock' });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    await putProduct(w, 'pan', { stockQuantity: 4 });
    await engine.tick();
    assert.deepEqual((await entrants(t.db, id)).map((r) => r.customer_id), [viewer]);
  });

  test('given a price drop of at least 10 %, then a 5 % drop and a rise let no one in and a 20 % drop does, with old and new prices', async () => {
    const w = await t.workspace();
    await putProduct(w, 'chair', { name: 'Chair', price: 100, currency: 'USD' });
    const viewer = await customer(w);
    await event(t.db, w.id, viewer, 'Product Viewed', { product_id: 'chair' }, new Date(Date.now() - DAY));
    const id = await derivedJourney(w, { kind: 'product', change: 'price_drop', minDropPercent: 10 }, { mode: 'every', days: 1 });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    await putProduct(w, 'chair', { price: 95 });
    await engine.tick();
    await putProduct(w, 'chair', { price: 120 });
    clock.advance(2 * MINUTE);
    await engine.tick();
    assert.equal((await entrants(t.db, id)).length, 0, 'a 5 % drop and a rise');
    await putProduct(w, 'chair', { price: 96 });
    clock.advance(2 * MINUTE);
    await engine.tick();
    const runs = await entrants(t.db, id);
    assert.equal(runs.length, 1);
    assert.deepEqual([runs[0]?.context.oldPrice, runs[0]?.context.newPrice, runs[0]?.context.currency], [120, 96, 'USD']);
  });
});

describe('VIP trigger', () => {
  test('given orders of at least 100 in the display currency, then an order of 150 enters (once, with two engines scanning at once), one of 50 does not, one before the activation does not; a later big order enters again', async () => {
    const w = await t.workspace();
    const [big, small, early] = [await customer(w), await customer(w), await customer(w)];
    await order(t.db, w.id, early, { total: 500 });
    await new Promise((r) => setTimeout(r, 20));
    const id = await derivedJourney(w, { kind: 'vip', orderAbove: 100 }, { mode: 'every', days: 1 });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const [a, b] = [testEngine(t.db, clock), testEngine(t.db, clock)];
    const first = await order(t.db, w.id, big, { total: 150 });
    await order(t.db, w.id, small, { total: 50 });
    await order(t.db, w.id, small, { total: 150, currency: 'EUR' });
    await Promise.all([a.tick(), b.tick()]);
    clock.advance(2 * MINUTE);
    await Promise.all([a.tick(), b.tick()]);
    const runs = await entrants(t.db, id);
    assert.deepEqual(runs.map((r) => [r.customer_id, r.entry_key]), [[big, `vip:${first}`]]);
    assert.equal(runs[0]?.context.total, 150);
    assert.equal(runs[0]?.context.currency, 'USD');

    clock.advance(2 * DAY);
    const second = await order(t.db, w.id, big, { total: 100 });
    await a.tick();
    assert.deepEqual((await entrants(t.db, id)).map((r) => r.entry_key), [`vip:${first}`, `vip:${second}`]);
  });
});

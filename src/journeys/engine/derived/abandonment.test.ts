import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, TestClock } from '../../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../../testing/harness.ts';
import { DAY, HOUR, testEngine } from '../../testing/fixtures.ts';
import { cartOf } from './cart.ts';
import { derivedJourney, entrants, event, MINUTE, order, putProduct } from './fixtures.ts';

/** Cart and browse abandonment: carts left for N hours, products viewed again and again without buying. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });

describe('cart abandonment trigger', () => {
  test('given a 4-hour cart trigger, when one cart is left and another is completed by an order, then only the left one enters, 4 hours after its last event, once, with its products and value; adding to the cart later is a new moment', async () => {
    const w = await t.workspace();
    const leaver = await customer(w);
    const buyer = await customer(w);
    const early = await customer(w);
    const clock = new TestClock(new Date(Date.now() + 5000));
    await event(t.db, w.id, early, 'Product Added', { product_id: 'old' }, new Date(Date.now() - 3 * DAY));
    const id = await derivedJourney(w, { kind: 'cart_abandonment', hours: 4 }, { mode: 'every', days: 1 });
    const engine = testEngine(t.db, clock);
    const at = (ms: number) => new Date(clock.now().getTime() + ms);
    await event(t.db, w.id, leaver, 'Order Completed', { order_id: 'before' }, at(-HOUR));
    await event(t.db, w.id, leaver, 'Product Added', { product_id: 'p1', name: 'Tea', price: 5, quantity: 2, url: 'https://shop.example/p1' }, at(0));
    const last = await event(t.db, w.id, leaver, 'Product Added', { product_id: 'p2', name: 'Cup', price: 3, image_url: 'https://shop.example/p2.jpg' }, at(10 * MINUTE));
    await event(t.db, w.id, buyer, 'Checkout Started', { products: [{ product_id: 'p1' }] }, at(0));
    await event(t.db, w.id, buyer, 'Order Completed', { order_id: 'o-1' }, at(HOUR));
    clock.advance(4 * HOUR);
    await engine.tick();
    assert.equal((await entrants(t.db, id)).length, 0, '4 hours after the first add but not after the last');
    clock.advance(15 * MINUTE);
    await engine.tick();
    clock.advance(2 * MINUTE);
    await engine.tick();
    const runs = await entrants(t.db, id);
    assert.deepEqual(runs.map((r) => [r.customer_id, r.entry_key]), [[leaver, `cart:${last}`]]);
    assert.deepEqual(runs[0]?.context.cart, {
      products: [
        { productId: 'p1', name: 'Tea', price: 5, quantity: 2, url: 'https://shop.example/p1', imageUrl: null },
        { productId: 'p2', name: 'Cup', price: 3, quantity: 1, url: null, imageUrl: 'https://shop.example/p2.jpg' },
      ],
      value: 13,
      currency: null,
    });

    clock.advance(DAY);
    const again = await event(t.db, w.id, leaver, 'Checkout Started', { products: [{ product_id: 'p3', price: 7 }], value: 7, currency: 'USD' }, clock.now());
    clock.advance(4 * HOUR + MINUTE);
    await engine.tick();
    const later = await entrants(t.db, id);
    assert.deepEqual(later.map((r) => r.entry_key), [`cart:${last}`, `cart:${again}`]);
    assert.deepEqual(later[1]?.context.cart, { products: [{ productId: 'p3', name: null, price: 7, quantity: 1, url: null, imageUrl: null }], value: 7, currency: 'USD' });
  });

  test('cartOf: a products array states the whole cart, single adds accumulate, the stated value wins', () => {
    assert.deepEqual(cartOf([{ product_id: 'a', price: 2 }, { product_id: 'a', price: 2 }]).value, 4);
    assert.deepEqual(cartOf([{ product_id: 'a' }, { products: [{ product_id: 'b' }], revenue: '9' }]), {
      products: [{ productId: 'b', name: null, price: null, quantity: 1, url: null, imageUrl: null }],
      value: 9,
      currency: null,
    });
  });
});

describe('browse abandonment trigger', () => {
  test('given 2 views in 7 days and 2 quiet hours, then only the browser who neither bought nor added it to a cart enters, with the catalog product, once per browsing spell', async () => {
    const w = await t.workspace();
    await putProduct(w, 'lamp', { name: 'Desk lamp', price: 40, currency: 'USD', inStock: true, url: 'https://shop.example/lamp' });
    const [browser, buyer, carter, once, lineBuyer] = [await customer(w), await customer(w), await customer(w), await customer(w), await customer(w)];
    const id = await derivedJourney(w, { kind: 'browse_abandonment', views: 2, days: 7, quietHours: 2 }, { mode: 'every', days: 1 });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    const at = (ms: number) => new Date(clock.now().getTime() + ms);
    const view = (c: string, ms: number) => event(t.db, w.id, c, 'Product Viewed', { product_id: 'lamp', name: 'Lamp' }, at(ms));
    const first = await view(browser, 0);
    await view(browser, 30 * MINUTE);
    await view(buyer, 0);
    await view(buyer, 10 * MINUTE);
    await event(t.db, w.id, buyer, 'Order Completed', { order_id: 'x', products: [{ product_id: 'lamp' }] }, at(20 * MINUTE));
    await view(carter, 0);
    await view(carter, 10 * MINUTE);
    await event(t.db, w.id, carter, 'Product Added', { product_id: 'lamp' }, at(20 * MINUTE));
    await view(once, 0);
    await view(lineBuyer, 0);
    await view(lineBuyer, 10 * MINUTE);
    await order(t.db, w.id, lineBuyer, { total: 40, placedAt: at(15 * MINUTE), products: ['lamp'] });
    clock.advance(2 * HOUR + 31 * MINUTE);
    await engine.tick();
    clock.advance(2 * MINUTE);
    await engine.tick();
    const runs = await entrants(t.db, id);
    assert.deepEqual(runs.map((r) => [r.customer_id, r.entry_key]), [[browser, `browse:${browser}:lamp:${first}`]]);
    assert.equal((runs[0]?.context.product as { name?: string } | undefined)?.name, 'Desk lamp', 'the catalog row, not the event');
    assert.equal(runs[0]?.context.views, 2);

    // A view two days later is the same spell (its 7-day window still starts at the first view) …
    clock.advance(2 * DAY);
    await view(browser, 0);
    clock.advance(3 * HOUR);
    await engine.tick();
    assert.equal((await entrants(t.db, id)).length, 1);
    // … ten days later, two views are a new spell.
    clock.advance(8 * DAY);
    const fresh = await view(browser, 0);
    await view(browser, MINUTE);
    clock.advance(3 * HOUR);
    await engine.tick();
    assert.deepEqual((await entrants(t.db, id)).map((r) => r.entry_key), [`browse:${browser}:lamp:${first}`, `browse:${browser}:lamp:${fresh}`]);
  });
});

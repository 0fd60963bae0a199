import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, TestClock } from '../../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../../testing/harness.ts';
import { DAY, HOUR, testEngine } from '../../testing/fixtures.ts';
import { derivedJourney, entrants, event, MINUTE, order } from './fixtures.ts';

/** The inactivity trigger: N days without an order (customers who ordered) or without any event. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });

describe('inactivity trigger', () => {
  test('given 90 days without an order, when the 90th day passes, then the silent customer enters once (not one who ordered since, not one silent since before the activation); a new order ends the spell and the next silence enters again', async () => {
    const w = await t.workspace();
    const silent = await customer(w);
    const reordered = await customer(w);
    const longGone = await customer(w);
    const now = Date.now();
    await order(t.db, w.id, silent, { total: 10, placedAt: new Date(now - 89 * DAY) });
    await order(t.db, w.id, reordered, { total: 10, placedAt: new Date(now - 89 * DAY) });
    await order(t.db, w.id, reordered, { total: 10, placedAt: new Date(now - 10 * DAY) });
    await order(t.db, w.id, longGone, { total: 10, placedAt: new Date(now - 200 * DAY) });
    const id = await derivedJourney(w, { kind: 'inactivity', days: 90, activity: 'order' }, { mode: 'every', days: 30 });
    const clock = new TestClock(new Date(now + 5000));
    const engine = testEngine(t.db, clock);
    await engine.tick();
    assert.equal((await entrants(t.db, id)).length, 0, 'day 89: not yet');
    clock.advance(DAY + HOUR);
    await engine.tick();
    clock.advance(2 * MINUTE);
    await engine.tick();
    const runs = await entrants(t.db, id);
    assert.deepEqual(runs.map((r) => r.customer_id), [silent]);
    assert.equal(runs[0]?.context.activity, 'order');
    assert.equal(runs[0]?.context.days, 90);

    // They order again (at the simulated time) and fall silent for 90 more days.
    await order(t.db, w.id, silent, { total: 10, placedAt: clock.now() });
    clock.advance(60 * DAY);
    await engine.tick();
    assert.equal((await entrants(t.db, id)).length, 1, 'the new spell is 60 days old');
    clock.advance(31 * DAY);
    await engine.tick();
    await engine.tick();
    const again = await entrants(t.db, id);
    // The other customer's 90 days (from their order 10 days before activation) have passed too.
    assert.deepEqual(again.map((r) => r.customer_id).sort(), [silent, silent, reordered].sort());
    const keys = again.filter((r) => r.customer_id === silent).map((r) => r.entry_key);
    assert.equal(new Set(keys).size, 2, 'a new spell, a new key');
  });

  test('given 30 days without any event, when the silence reaches 30 days, then only the customer with no later event enters, once however many scans and engines', async () => {
    const w = await t.workspace();
    const quiet = await customer(w);
    const active = await customer(w);
    const id = await derivedJourney(w, { kind: 'inactivity', days: 30, activity: 'event' });
    const clock = new TestClock(new Date(Date.now() + 5000));
    await event(t.db, w.id, quiet, 'Page Viewed', {}, clock.now());
    await event(t.db, w.id, active, 'Page Viewed', {}, clock.now());
    await event(t.db, w.id, active, 'Product Viewed', {}, new Date(clock.now().getTime() + 20 * DAY));
    const [a, b] = [testEngine(t.db, clock), testEngine(t.db, clock)];
    clock.advance(30 * DAY + HOUR);
    await Promise.all([a.tick(), b.tick()]);
    clock.advance(2 * MINUTE);
    await Promise.all([a.tick(), b.tick()]);
    const runs = await entrants(t.db, id);
    assert.deepEqual(runs.map((r) => r.customer_id), [quiet]);
    clock.advance(20 * DAY);
    await a.tick();
    assert.deepEqual((await entrants(t.db, id)).map((r) => r.customer_id), [quiet, active], 'the other one, 30 days after their last event');
  });
});

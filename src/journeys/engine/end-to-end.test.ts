import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, TestClock, testWorker } from '../../messaging/delivery/testing/fixtures.ts';
import { RecordingChannel, RecordingDirectory } from '../../messaging/delivery/testing/recording-channel.ts';
import { createTestApp } from '../../testing/harness.ts';
import { activeJourney, DAY, enableChannel, HOUR, messagesOf, pathOf, runsOf, smsTemplate, testEngine, trackEvent } from '../testing/fixtures.ts';

/**
 * A cart-abandonment journey end to end with simulated time: the journey engine and the real
 * delivery worker (consent, caps, quiet hours, channel choice) share one test clock; a recording
 * SMS channel stands for the provider.
 */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });

describe('a journey end to end with simulated time', () => {
  test('given Product Added → wait 4 h for Order Completed → reminder → wait 1 day → last call → exit, when one customer buys and one does not, then only the second gets both SMS, at the simulated times, and the buyer reaches the goal', async () => {
    const w = await t.workspace();
    await enableChannel(t.db, w.id, 'sms');
    const reminder = await smsTemplate(w, 'Your cart is waiting');
    const lastCall = await smsTemplate(w, 'Last call');
    const id = await activeJourney(w, {
      trigger: { kind: 'event', event: 'Product Added' },
      start: 'wait-order',
      goal: { event: 'Order Completed', withinDays: 7, exitOnGoal: true },
      reentry: { mode: 'every', days: 7 },
      steps: [
        { id: 'wait-order', kind: 'wait_for_event', event: 'Order Completed', timeout: { amount: 4, unit: 'hours' }, next: { event: 'end', timeout: 'remind' } },
        { id: 'remind', kind: 'send', templateId: reminder, channels: ['sms'], next: { next: 'day' } },
        { id: 'day', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'last' } },
        { id: 'last', kind: 'send', templateId: lastCall, channels: ['sms'], next: { next: 'end' } },
        { id: 'end', kind: 'exit' },
      ],
    });
    const clock = new TestClock(new Date(Date.now() + 5000));
    const sms = new RecordingChannel('sms');
    const delivery = testWorker(t.db, new RecordingDirectory({ sms }), clock);
    const engine = testEngine(t.db, clock, { kickDelivery: () => undefined });
    const buyer = await customer(w);
    const browser = await customer(w);

    await trackEvent(t.db, w.id, buyer, 'Product Added', { product_id: 'vinyl-1' });
    await trackEvent(t.db, w.id, browser, 'Product Added', { product_id: 'vinyl-2' });
    await engine.tick();
    assert.equal((await runsOf(t.db, id)).length, 2);

    clock.advance(HOUR);
    await trackEvent(t.db, w.id, buyer, 'Order Completed', { order_id: 'o-1', total: 30 });
    await engine.tick();
    await delivery.drain();
    assert.equal(sms.sends.length, 0, 'nothing sent in the first four hours');

    clock.advance(3 * HOUR + 1000);
    await engine.tick();
    await delivery.drain();
    assert.equal(sms.accepted.length, 1);
    assert.equal(sms.accepted[0]?.customerId, browser);
    assert.ok(sms.accepted[0]?.text.startsWith(`${reminder}:`) && sms.accepted[0]?.text.includes('vinyl-2'), 'the template sees the trigger under vars.trigger');

    clock.advance(DAY);
    await engine.tick();
    await delivery.drain();
    assert.equal(sms.accepted.length, 2);
    assert.ok(sms.accepted.every((s) => s.customerId === browser));

    const runs = await runsOf(t.db, id);
    const b = runs.find((r) => r.customer_id === buyer);
    const n = runs.find((r) => r.customer_id === browser);
    assert.equal(b?.status, 'exited');
    assert.equal(b?.exit_reason, 'goal');
    assert.ok(b?.goal_at);
    // The order both ended the wait and reached the goal in the same pass: the goal's exit wins.
    assert.deepEqual(await pathOf(t.db, b?.id as string), ['wait-order:null']);
    assert.equal(n?.status, 'completed');
    assert.deepEqual(await pathOf(t.db, n?.id as string), ['wait-order:timeout', 'remind:next', 'day:next', 'last:next', 'end:exit:completed']);
    assert.ok((await messagesOf(t.db, id)).every((m) => m.status === 'sent'));
  });
});

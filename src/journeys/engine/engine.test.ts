import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { giveBackWithdrawn } from '../../messaging/delivery/outbox.ts';
import { customer, TestClock } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { z } from 'zod';
import { activateJourney } from '../store.ts';
import { activeJourney, createJourney, DAY, enableChannel, messagesOf, pathOf, runOf, runsOf, smsTemplate, startRun, testEngine, trackEvent } from '../testing/fixtures.ts';
import { TriggerRegistry } from './triggers.ts';

/** Triggers, entry rules (re-entry, the per-customer limit, holdout), goals, pause/resume/archive, versions. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const w = await t.workspace();
await enableChannel(t.db, w.id, 'sms');
const template = await smsTemplate(w);
const exit = { id: 'end', kind: 'exit' };
const tagThenExit = (tag: string) => [{ id: 'tag', kind: 'tag', add: [tag], next: { next: 'end' } }, exit];
const clockNow = () => new TestClock(new Date(Date.now() + 5000));

describe('journey triggers', () => {
  test('given an event trigger on Product Added with category = books, when events arrive, then only a matching event after activation starts a run, once per event, with the event in its context', async () => {
    const c = await customer(w);
    await trackEvent(t.db, w.id, c, 'Product Added', { category: 'books' }, new Date(Date.now() - 60_000));
    await new Promise((r) => setTimeout(r, 20));
    const id = await activeJourney(w, { trigger: { kind: 'event', event: 'Product Added', properties: [{ path: 'category', operator: 'equals', value: 'books' }] }, start: 'tag', steps: tagThenExit('reader') });
    const engine = testEngine(t.db, clockNow());
    await engine.tick();
    assert.equal((await runsOf(t.db, id)).length, 0, 'an event received before activation starts nothing');
    await trackEvent(t.db, w.id, c, 'Product Added', { category: 'music' });
    await trackEvent(t.db, w.id, c, 'Product Added', { category: 'books', product_id: 'b-7' });
    await engine.tick();
    await engine.tick();
    const runs = await runsOf(t.db, id);
    assert.equal(runs.length, 1);
    assert.equal((runs[0]?.context.properties as { product_id?: string } | undefined)?.product_id, 'b-7');
    assert.equal(runs[0]?.status, 'completed');
  });

  test('given a cart trigger whose first step waits for Order Completed, when the order arrives before the engine\'s next pass, then the wait looks back to the entry: the event port is taken and the goal recorded', async () => {
    const id = await activeJourney(w, {
      trigger: { kind: 'event', event: 'Checkout Started' },
      start: 'wait',
      goal: { event: 'Order Completed', withinDays: 7, exitOnGoal: false },
      steps: [
        { id: 'wait', kind: 'wait_for_event', event: 'Order Completed', timeout: { amount: 4, unit: 'hours' }, next: { event: 'end', timeout: 'nudge' } },
        { id: 'nudge', kind: 'tag', add: ['nudged'], next: { next: 'end' } },
        exit,
      ],
    });
    const c = await customer(w);
    await trackEvent(t.db, w.id, c, 'Checkout Started', { cart: 1 });
    await new Promise((r) => setTimeout(r, 20));
    await trackEvent(t.db, w.id, c, 'Order Completed', { order_id: 'quick' });
    await testEngine(t.db, clockNow()).tick();
    const [run] = await runsOf(t.db, id);
    assert.ok(run);
    assert.deepEqual(await pathOf(t.db, run.id), ['wait:event', 'end:exit:completed']);
    assert.ok(run.goal_at, 'the order counts for the goal too');
  });

  test('given a trigger on entering a manual segment, when a customer is added, then they enter from the durable segment history (exits do not)', async () => {
    const segment = (await w.api.post('/api/v1/segments', { name: `Trig ${Math.random()}`, kind: 'manual' })).json().id as string;
    const id = await activeJourney(w, { trigger: { kind: 'segment', segmentId: segment, action: 'entered' }, start: 'tag', steps: tagThenExit('welcomed') });
    const c = await customer(w);
    assert.equal((await w.api.post(`/api/v1/segments/${segment}/members`, { customerIds: [c] })).statusCode, 200);
    assert.equal((await w.api.delete(`/api/v1/segments/${segment}/members/${c}`)).statusCode, 200);
    const engine = testEngine(t.db, clockNow());
    await engine.tick();
    const runs = await runsOf(t.db, id);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.customer_id, c);
    assert.deepEqual(runs[0]?.context, { segmentId: segment, action: 'entered' });
  });

  test('given the API trigger, when the same idempotency key is posted twice, then one run answers both; a journey of another trigger refuses API starts (409)', async () => {
    const id = await activeJourney(w, { trigger: { kind: 'api' }, start: 'tag', steps: tagThenExit('api') });
    const c = await customer(w);
    const first = await w.api.post(`/api/v1/journeys/${id}/runs`, { customerId: c, idempotencyKey: 'same' });
    const again = await w.api.post(`/api/v1/journeys/${id}/runs`, { customerId: c, idempotencyKey: 'same' });
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().run.id, first.json().run.id);
    const evented = await activeJourney(w, { trigger: { kind: 'event', event: 'Signed Up' }, start: 'tag', steps: tagThenExit('x') });
    const refused = await w.api.post(`/api/v1/journeys/${evented}/runs`, { customerId: c, idempotencyKey: 'k' });
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.field, 'trigger');
  });

  test('given a custom trigger registered by another capability, when it is fired with a matching context, then the journey whose settings match takes the customer in once per key', async () => {
    const triggers = new TriggerRegistry();
    triggers.registerCustom({ name: 'survey.score', settings: z.object({ atMost: z.number() }), matches: (s, ctx) => Number(ctx.score) <= s.atMost });
    assert.deepEqual(triggers.problems({ kind: 'custom', name: 'ticket.resolved', settings: {} }).map((p) => p.field), ['trigger.name']);
    assert.deepEqual(triggers.problems({ kind: 'custom', name: 'survey.score', settings: { atMost: 'low' } }).map((p) => p.field), ['trigger.settings.atMost']);
    const engine = testEngine(t.db, clockNow(), { triggers });
    // This app's own registry has no survey.score (no capability registered it), so the journey is
    // activated here with the test's registry, as a capability registering it would have it.
    const id = await createJourney(w, { trigger: { kind: 'custom', name: 'survey.score', settings: { atMost: 6 } }, start: 'tag', steps: tagThenExit('detractor') });
    await t.db.transaction().execute((tx) => activateJourney(tx, w.id, id, 'test', new Date(), { triggers, defaultCountry: 'IR' }));
    const c = await customer(w);
    const fire = (score: number, key: string) => t.db.transaction().execute((tx) => engine.fire(tx, { workspaceId: w.id, name: 'survey.score', customerId: c, key, context: { score } }));
    assert.deepEqual(await fire(9, 'promoter'), []);
    const [entered] = await fire(3, 'detractor');
    assert.equal(entered?.entered, true);
    assert.deepEqual(await fire(3, 'detractor'), [entered && { ...entered, created: false }], 'the same key answers the same run');
    await engine.tick();
    assert.equal((await runsOf(t.db, id)).length, 1);
    assert.deepEqual((await w.api.get(`/api/v1/customers/${c}`)).json().tags, ['detractor']);
  });
});

describe('journey runs follow the customer', () => {
  test('given a run waiting for a customer who is merged into another, then the run follows the primary; when the primary is erased, the run exits and its context is cleared', async () => {
    const engine = testEngine(t.db, clockNow());
    const id = await activeJourney(w, { trigger: { kind: 'api' }, start: 'w', steps: [{ id: 'w', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'end' } }, exit] });
    const primary = await customer(w);
    const secondary = await customer(w);
    const run = (await startRun(w, id, secondary, 'm', { secret: 'x' })).run?.id as string;
    await engine.tick();
    assert.equal((await w.api.post('/api/v1/customers/merge', { primaryId: primary, secondaryId: secondary })).statusCode, 200);
    assert.equal((await runOf(t.db, run)).customer_id, primary);
    assert.equal((await w.api.get(`/api/v1/customers/${primary}/journeys`)).json().data[0].id, run);
    assert.equal((await w.api.delete(`/api/v1/customers/${primary}`)).statusCode, 200);
    const erased = await runOf(t.db, run);
    assert.deepEqual([erased.status, erased.exit_reason, erased.context], ['exited', 'customer-erased', {}]);
  });
});

describe('journey entry rules', () => {
  test('given re-entry once, then a customer who finished enters no more; given every 7 days, they enter again only after 7 days', async () => {
    const once = await activeJourney(w, { trigger: { kind: 'api' }, start: 'tag', steps: tagThenExit('once'), reentry: { mode: 'once' } });
    const weekly = await activeJourney(w, { trigger: { kind: 'api' }, start: 'tag', steps: tagThenExit('weekly'), reentry: { mode: 'every', days: 7 } });
    const c = await customer(w);
    const clock = clockNow();
    const engine = testEngine(t.db, clock);
    assert.equal((await startRun(w, once, c, 'o1')).entered, true);
    assert.equal((await startRun(w, weekly, c, 'w1')).entered, true);
    assert.deepEqual(await startRun(w, weekly, c, 'w1b'), { entered: false, reason: 'already-in-journey', run: null });
    await engine.tick();
    assert.deepEqual(await startRun(w, once, c, 'o2'), { entered: false, reason: 'reentry-once', run: null });
    assert.deepEqual(await startRun(w, weekly, c, 'w2'), { entered: false, reason: 'reentry-too-soon', run: null });
    // The API enters with the real clock; the engine's entry (the tail) uses its own: a week later it lets them in.
    const { enterJourney } = await import('./enter.ts');
    const j = await t.db.selectFrom('journeys').selectAll().where('id', '=', weekly).executeTakeFirstOrThrow();
    const later = await t.db.transaction().execute((tx) => enterJourney(tx, j, [{ customerId: c, key: 'w3', context: {} }], { now: new Date(Date.now() + 7 * DAY + 1000), maxActive: 5 }));
    assert.equal(later[0]?.entered, true);
  });

  test('given a limit of 1 simultaneous journey per customer, then a customer waiting in one journey is refused by another until the first finishes', async () => {
    const other = await t.workspace();
    assert.equal((await other.api.put('/api/v1/journeys/settings', { maxActivePerCustomer: 1 })).statusCode, 200);
    assert.deepEqual((await other.api.get('/api/v1/journeys/settings')).json(), { maxActivePerCustomer: 1 });
    const waiting = await activeJourney(other, { trigger: { kind: 'api' }, start: 'w', steps: [{ id: 'w', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'end' } }, exit] });
    const second = await activeJourney(other, { trigger: { kind: 'api' }, start: 'tag', steps: tagThenExit('second') });
    const c = await customer(other);
    const clock = clockNow();
    const engine = testEngine(t.db, clock);
    assert.equal((await startRun(other, waiting, c, 'a')).entered, true);
    await engine.tick();
    assert.deepEqual(await startRun(other, second, c, 'b'), { entered: false, reason: 'journey-limit', run: null });
    clock.advance(DAY + 1000);
    await engine.tick();
    assert.equal((await startRun(other, second, c, 'c')).entered, true);
  });

  test('given a 50 % journey holdout, then about half of 60 entrants are held out (no step, no message) and each customer always lands in the same group', async () => {
    const id = await activeJourney(w, { trigger: { kind: 'api' }, start: 'send', holdoutPercent: 50, steps: [{ id: 'send', kind: 'send', templateId: template, channels: ['sms'], next: { next: 'end' } }, exit] });
    for (let i = 0; i < 60; i++) await startRun(w, id, await customer(w), `h-${i}`);
    // The clock after the entries (however long they took on a busy machine): every run is due.
    const engine = testEngine(t.db, clockNow());
    await engine.tick();
    const runs = await runsOf(t.db, id);
    const held = runs.filter((r) => r.holdout);
    assert.ok(held.length >= 18 && held.length <= 42, `${held.length} held out`);
    assert.ok(held.every((r) => r.status === 'exited' && r.exit_reason === 'holdout'));
    const messaged = new Set((await messagesOf(t.db, id)).map((m) => m.customer_id));
    assert.equal(messaged.size, 60 - held.length);
    assert.ok(held.every((r) => !messaged.has(r.customer_id)));
    const { inHoldout } = await import('./enter.ts');
    assert.ok(held.every((r) => inHoldout(id, r.customer_id, 50)));
  });

  test('given a goal of Order Completed within 7 days that exits, then an order after entry records the goal with its revenue and ends the run; an order in another run’s window only is not counted', async () => {
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'w',
      goal: { event: 'Order Completed', withinDays: 7, exitOnGoal: true },
      steps: [{ id: 'w', kind: 'wait', duration: { amount: 3, unit: 'days' }, next: { next: 'end' } }, exit],
    });
    const externalId = `goal-${Math.random().toString(36).slice(2)}`;
    const c = await customer(w, { externalId });
    const late = await customer(w, { externalId: `${externalId}-late` });
    const engine = testEngine(t.db, clockNow());
    const run = (await startRun(w, id, c)).run?.id as string;
    const lateRun = (await startRun(w, id, late)).run?.id as string;
    await engine.tick();
    const batch = [
      { type: 'track', userId: externalId, event: 'Order Completed', properties: { order_id: `${externalId}-o1`, total: 250, currency: 'USD' } },
    ];
    const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { writeKey: w.writeKey, batch } });
    assert.equal(res.statusCode, 200, res.body);
    // The intake refuses timestamps more than a day ahead; an order 9 days after entry goes straight in.
    await trackEvent(t.db, w.id, late, 'Order Completed', { order_id: 'late-1', total: 99 }, new Date(Date.now() + 9 * DAY));
    await engine.tick();
    const r = await runOf(t.db, run);
    assert.equal(r.status, 'exited');
    assert.equal(r.exit_reason, 'goal');
    assert.ok(r.goal_at);
    assert.equal(r.goal_revenue, 25_000, 'USD 250 in cents');
    assert.equal(r.goal_currency, 'USD');
    const l = await runOf(t.db, lateRun);
    assert.equal(l.goal_at, null, 'an order 9 days after entry is outside a 7-day window');
    assert.equal(l.status, 'active');
    const detail = (await w.api.get(`/api/v1/journeys/${id}`)).json();
    assert.equal(detail.runs.goalReached, 1);
  });
});

describe('journey control and versions', () => {
  test('given queued and decided messages of a journey, when it is paused, then runs stop, queued messages are held and decided ones withdrawn; resume releases them; archive skips what is left', async () => {
    const clock = clockNow();
    const engine = testEngine(t.db, clock);
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'one',
      steps: [
        { id: 'one', kind: 'send', templateId: template, channels: ['sms'], next: { next: 'w' } },
        { id: 'w', kind: 'wait', duration: { amount: 1, unit: 'hours' }, next: { next: 'two' } },
        { id: 'two', kind: 'send', templateId: template, channels: ['sms'], next: { next: 'end' } },
        exit,
      ],
    });
    const a = await customer(w);
    const b = await customer(w);
    await startRun(w, id, a);
    await startRun(w, id, b);
    await engine.tick();
    const [m1, m2] = await messagesOf(t.db, id);
    assert.ok(m1 && m2);
    // A delivery worker decided m2 (sending, leased to it) but has not handed it to a provider yet.
    await t.db.updateTable('messages').set({ status: 'sending', locked_by: 'worker-x', locked_until: new Date(Date.now() + 60_000) }).where('id', '=', m2.id).execute();

    const paused = await w.api.post(`/api/v1/journeys/${id}/pause`);
    assert.equal(paused.statusCode, 200, paused.body);
    assert.equal(paused.json().runs.paused, 2);
    let now = await messagesOf(t.db, id);
    assert.equal(now.find((m) => m.id === m1.id)?.locked_by, 'journey-paused');
    assert.equal(now.find((m) => m.id === m2.id)?.reason, 'journey-paused', 'withdrawn');
    assert.deepEqual([...(await giveBackWithdrawn(t.db, 'worker-x', [m2.id]))], [m2.id], 'the worker gives it back before sending');
    clock.advance(2 * 3_600_000);
    await engine.tick();
    assert.equal((await messagesOf(t.db, id)).length, 2, 'a paused journey sends nothing more');

    assert.equal((await w.api.post(`/api/v1/journeys/${id}/resume`)).statusCode, 200);
    now = await messagesOf(t.db, id);
    assert.ok(now.every((m) => m.status === 'queued' && m.locked_by === null), JSON.stringify(now));
    await engine.tick();
    assert.equal((await messagesOf(t.db, id)).length, 4, 'the second sends go after the resume');

    const archived = await w.api.post(`/api/v1/journeys/${id}/archive`);
    assert.equal(archived.statusCode, 200);
    now = await messagesOf(t.db, id);
    assert.ok(now.every((m) => m.status === 'skipped' && m.reason === 'journey-archived'));
    assert.ok((await runsOf(t.db, id)).every((r) => r.status !== 'active' && r.status !== 'paused'));
  });

  test('given an active journey with runs waiting, when it is edited, then a version 2 is created; a run at a step that still exists moves to it, a run at a removed step finishes on version 1', async () => {
    const clock = clockNow();
    const engine = testEngine(t.db, clock);
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'split',
      steps: [
        { id: 'split', kind: 'condition', check: { type: 'context', properties: [{ path: 'stay', operator: 'exists' }] }, next: { yes: 'kept', no: 'dropped' } },
        { id: 'kept', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'old' } },
        { id: 'dropped', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'old' } },
        { id: 'old', kind: 'tag', add: ['v1'], next: { next: 'end' } },
        exit,
      ],
    });
    const stays = (await startRun(w, id, await customer(w), 's', { stay: true })).run?.id as string;
    const leaves = (await startRun(w, id, await customer(w), 'l', {})).run?.id as string;
    await engine.tick();
    const edited = await w.api.patch(`/api/v1/journeys/${id}`, {
      steps: [
        { id: 'split', kind: 'condition', check: { type: 'context', properties: [{ path: 'stay', operator: 'exists' }] }, next: { yes: 'kept', no: 'kept' } },
        { id: 'kept', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'new' } },
        { id: 'new', kind: 'tag', add: ['v2'], next: { next: 'end' } },
        exit,
      ],
    });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().version, 2);
    const versions = (await w.api.get(`/api/v1/journeys/${id}/versions`)).json().data;
    assert.deepEqual(versions.map((v: { version: number }) => v.version), [2, 1]);
    assert.equal((await runOf(t.db, stays)).version, 2);
    assert.equal((await runOf(t.db, leaves)).version, 1);
    clock.advance(DAY + 1000);
    await engine.tick();
    assert.deepEqual(await pathOf(t.db, stays), ['split:yes', 'kept:next', 'new:next', 'end:exit:completed']);
    assert.deepEqual(await pathOf(t.db, leaves), ['split:no', 'dropped:next', 'old:next', 'end:exit:completed']);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, TestClock } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { activeJourney, DAY, enableChannel, runsOf, smsTemplate, startRun, testEngine } from '../testing/fixtures.ts';
import type { JourneyAnalytics } from './schema.ts';

/** GET /api/v1/journeys/{id}/analytics against runs the real engine moved, with simulated time. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const w = await t.workspace();
await enableChannel(t.db, w.id, 'sms');
const template = await smsTemplate(w);
const exit = { id: 'end', kind: 'exit' };

async function analytics(id: string, query = ''): Promise<JourneyAnalytics> {
  const res = await w.api.get(`/api/v1/journeys/${id}/analytics${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}
const stepOf = (a: JourneyAnalytics, id: string) => {
  const s = a.steps.find((x) => x.stepId === id);
  assert.ok(s, `step ${id} is reported`);
  return s;
};

/** Wilson's score interval and Newcombe's hybrid difference, written out here from the papers' formulas. */
function handLift(x1: number, n1: number, x2: number, n2: number) {
  const z = 1.959963984540054;
  const wilson = (x: number, n: number) => {
    const p = x / n;
    const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const h = ((z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n)));
    return [Math.max(0, c - h), Math.min(1, c + h)] as const;
  };
  const [p1, p2] = [x1 / n1, x2 / n2];
  const [l1, u1] = wilson(x1, n1);
  const [l2, u2] = wilson(x2, n2);
  return { absolute: p1 - p2, low: p1 - p2 - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), high: p1 - p2 + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2) };
}

describe('journey analytics', () => {
  test('given 40 runs through condition → send → exit or wait → tag with a 30 % holdout and an exiting order goal, then steps, ports, current runs, drop-off, goals, revenue and the holdout lift are counted as by hand', async () => {
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'check',
      goal: { event: 'Order Completed', withinDays: 7, exitOnGoal: true },
      holdoutPercent: 30,
      steps: [
        { id: 'check', kind: 'condition', name: 'VIP?', check: { type: 'context', properties: [{ path: 'vip', operator: 'equals', value: true }] }, next: { yes: 'send', no: 'wait' } },
        { id: 'send', kind: 'send', templateId: template, channels: ['sms'], next: { next: 'end' } },
        { id: 'wait', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'tag' } },
        { id: 'tag', kind: 'tag', add: ['waited'], next: { next: 'done' } },
        exit,
        { id: 'done', kind: 'exit' },
      ],
    });
    const prefix = `an-${Math.random().toString(36).slice(2)}`;
    const people: { index: number; externalId: string; customerId: string; vip: boolean; buys: boolean }[] = [];
    for (let index = 0; index < 40; index++) {
      const externalId = `${prefix}-${index}`;
      people.push({ index, externalId, customerId: await customer(w, { externalId }), vip: index < 15, buys: index % 3 === 0 });
    }
    for (const p of people) await startRun(w, id, p.customerId, `k-${p.index}`, { vip: p.vip });
    // The clock after the entries (however long they took on a busy machine): every run is due.
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    await engine.tick();
    // Orders of 120.50 USD each by every third customer, treated or not: goals, and revenue for the treated.
    const batch = people.filter((p) => p.buys).map((p) => ({ type: 'track', userId: p.externalId, event: 'Order Completed', properties: { order_id: `${p.externalId}-o`, total: 120.5, currency: 'USD' } }));
    const res = await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { writeKey: w.writeKey, batch } });
    assert.equal(res.statusCode, 200, res.body);
    await engine.tick();

    const held = new Set((await runsOf(t.db, id)).filter((r) => r.holdout).map((r) => r.customer_id));
    const treated = people.filter((p) => !held.has(p.customerId));
    const control = people.filter((p) => held.has(p.customerId));
    assert.ok(control.length > 0 && treated.length > 0, 'both groups have runs');
    const vip = treated.filter((p) => p.vip);
    const other = treated.filter((p) => !p.vip);
    const otherBuyers = other.filter((p) => p.buys);
    const treatedBuyers = treated.filter((p) => p.buys);
    const controlBuyers = control.filter((p) => p.buys);

    let a = await analytics(id);
    assert.equal(a.journeyId, id);
    assert.equal(a.version, null);
    assert.deepEqual(
      { ...a.totals, revenue: undefined, conversionRate: undefined },
      { entered: 40, active: other.length - otherBuyers.length, paused: 0, completed: vip.length, exited: control.length + otherBuyers.length, heldOut: control.length, goalReached: treatedBuyers.length, conversionRate: undefined, revenue: undefined },
    );
    assert.equal(a.totals.conversionRate, treatedBuyers.length / treated.length);
    assert.deepEqual(a.totals.revenue, { amountMinor: treatedBuyers.length * 12_050, amount: treatedBuyers.length * 120.5, currency: 'USD' });
    assert.deepEqual(
      a.steps.map((s) => s.stepId),
      ['check', 'send', 'wait', 'tag', 'end', 'done'],
      "the definition's order",
    );
    assert.deepEqual(stepOf(a, 'check'), { stepId: 'check', kind: 'condition', name: 'VIP?', reached: treated.length, current: 0, ports: { yes: vip.length, no: other.length }, exitedHere: 0, dropOff: 0 });
    assert.deepEqual(stepOf(a, 'send'), { stepId: 'send', kind: 'send', name: null, reached: vip.length, current: 0, ports: { next: vip.length }, exitedHere: 0, dropOff: 0 });
    assert.deepEqual(stepOf(a, 'end'), { stepId: 'end', kind: 'exit', name: null, reached: vip.length, current: 0, ports: {}, exitedHere: vip.length, dropOff: 1 });
    assert.deepEqual(stepOf(a, 'wait'), {
      stepId: 'wait',
      kind: 'wait',
      name: null,
      reached: other.length,
      current: other.length - otherBuyers.length,
      ports: {},
      exitedHere: otherBuyers.length,
      dropOff: otherBuyers.length / other.length,
    });
    assert.equal(stepOf(a, 'tag').reached, 0);
    assert.deepEqual(a.exitReasons, { holdout: control.length, completed: vip.length, ...(otherBuyers.length ? { goal: otherBuyers.length } : {}) });

    const hand = handLift(treatedBuyers.length, treated.length, controlBuyers.length, control.length);
    assert.ok(a.holdout);
    assert.deepEqual(a.holdout.treated, { entered: treated.length, goal: treatedBuyers.length, rate: treatedBuyers.length / treated.length });
    assert.deepEqual(a.holdout.control, { entered: control.length, goal: controlBuyers.length, rate: controlBuyers.length / control.length });
    assert.ok(Math.abs(a.holdout.lift.absolute - hand.absolute) < 1e-12);
    assert.ok(Math.abs(a.holdout.lift.ci95.low - hand.low) < 1e-12, `low ${a.holdout.lift.ci95.low} vs ${hand.low}`);
    assert.ok(Math.abs(a.holdout.lift.ci95.high - hand.high) < 1e-12, `high ${a.holdout.lift.ci95.high} vs ${hand.high}`);
    assert.equal(a.holdout.lift.significant, hand.low > 0 || hand.high < 0);
    assert.deepEqual(a.splits, []);

    // A day later the waits end: the runs still waiting go on through the tag step and complete at the second exit.
    clock.advance(DAY + 1000);
    await engine.tick();
    a = await analytics(id);
    const waited = other.length - otherBuyers.length;
    assert.deepEqual(stepOf(a, 'wait'), { ...stepOf(a, 'wait'), current: 0, ports: waited ? { next: waited } : {}, exitedHere: otherBuyers.length });
    assert.deepEqual(stepOf(a, 'tag'), { stepId: 'tag', kind: 'tag', name: null, reached: waited, current: 0, ports: waited ? { next: waited } : {}, exitedHere: 0, dropOff: 0 });
    assert.deepEqual(stepOf(a, 'done'), { stepId: 'done', kind: 'exit', name: null, reached: waited, current: 0, ports: {}, exitedHere: waited, dropOff: waited ? 1 : 0 });
    assert.equal(a.totals.active, 0);
    assert.equal(a.totals.completed, vip.length + waited);
  });

  test('given runs on version 1 and 2 and a split, then ?version= and ?from= count only their runs, and each split branch has its entrants and goals; an unknown version is a 400 naming it', async () => {
    const steps = (tag: string) => [
      { id: 'ab', kind: 'split', branches: [{ key: 'a', percent: 50 }, { key: 'b', percent: 50 }], next: { a: 'tag', b: 'end' } },
      { id: 'tag', kind: 'tag', add: [tag], next: { next: 'end' } },
      exit,
    ];
    const id = await activeJourney(w, { trigger: { kind: 'api' }, start: 'ab', goal: { event: 'Signed Up', withinDays: 7, exitOnGoal: false }, steps: steps('v1') });
    const engine = testEngine(t.db, new TestClock(new Date(Date.now() + 5000)));
    const first: string[] = [];
    for (let i = 0; i < 12; i++) first.push(await customer(w));
    for (const c of first) await startRun(w, id, c);
    await engine.tick();
    await new Promise((r) => setTimeout(r, 30));
    const between = new Date().toISOString();
    assert.equal((await w.api.patch(`/api/v1/journeys/${id}`, { steps: steps('v2') })).statusCode, 200);
    const second: string[] = [];
    for (let i = 0; i < 5; i++) second.push(await customer(w));
    for (const c of second) await startRun(w, id, c);
    await engine.tick();

    const all = await analytics(id);
    const v1 = await analytics(id, '?version=1');
    const v2 = await analytics(id, '?version=2');
    assert.equal(all.totals.entered, 17);
    assert.equal(v1.totals.entered, 12);
    assert.equal(v1.version, 1);
    assert.equal(v2.totals.entered, 5);
    assert.equal(stepOf(v1, 'ab').reached, 12);
    assert.equal(stepOf(v2, 'ab').reached, 5);
    assert.equal((await analytics(id, `?from=${encodeURIComponent(between)}`)).totals.entered, 5);
    assert.equal((await analytics(id, `?to=${encodeURIComponent(between)}`)).totals.entered, 12);

    const runs = await runsOf(t.db, id);
    const branchOf = new Map<string, string>();
    for (const r of runs) branchOf.set(r.customer_id, (r.visits as Record<string, number>).tag ? 'a' : 'b');
    const [split] = all.splits;
    assert.equal(split?.stepId, 'ab');
    const count = (key: string) => runs.filter((r) => branchOf.get(r.customer_id) === key).length;
    assert.deepEqual(
      split?.branches.map((b) => [b.key, b.entered, b.goal]),
      [
        ['a', count('a'), 0],
        ['b', count('b'), 0],
      ],
    );
    assert.deepEqual(stepOf(all, 'ab').ports, Object.fromEntries(['a', 'b'].filter((k) => count(k) > 0).map((k) => [k, count(k)])));
    assert.equal(all.holdout, null, 'no holdout, no lift');

    const bad = await w.api.get(`/api/v1/journeys/${id}/analytics?version=3`);
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(bad.json().error.field, 'version');
    const badTime = await w.api.get(`/api/v1/journeys/${id}/analytics?from=yesterday`);
    assert.equal(badTime.statusCode, 400, badTime.body);
    assert.match(badTime.body, /from/);
  });
});

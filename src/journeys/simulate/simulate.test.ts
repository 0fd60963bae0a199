import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { consent, customer } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { createJourney, DAY, enableChannel, smsTemplate } from '../testing/fixtures.ts';

/** POST /api/v1/journeys/{id}/simulate and /check: where one customer would go, and when, writing nothing. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const w = await t.workspace();
await enableChannel(t.db, w.id, 'sms');
const welcome = await smsTemplate(w, 'Hello {{ customer.first_name }}, your code is {{ vars.trigger.code }}');
const promoRes = await w.api.post('/api/v1/templates', { name: 'Promo', category: 'marketing', variants: { fa: { sms: { text: 'Sale for {{ customer.first_name }}' } } } });
assert.equal(promoRes.statusCode, 201, promoRes.body);
const promo = promoRes.json().id as string;

/** Rows of every table a run or a send would write, to prove the simulation wrote none. */
async function footprint(): Promise<number[]> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from journey_runs union all select count(*)::int from journey_step_log union all select count(*)::int from messages
    union all select count(*)::int from tasks union all select count(*)::int from customer_activity`.execute(t.db);
  return r.rows.map((row) => row.n);
}

async function simulate(journeyId: string, body: Record<string, unknown>) {
  const res = await w.api.post(`/api/v1/journeys/${journeyId}/simulate`, body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const vipJourney = {
  trigger: { kind: 'api' },
  start: 'hello',
  steps: [
    { id: 'hello', kind: 'send', templateId: welcome, channels: ['sms'], next: { next: 'pause' } },
    { id: 'pause', kind: 'wait', duration: { amount: 3, unit: 'days' }, next: { next: 'vip' } },
    { id: 'vip', kind: 'condition', check: { type: 'rules', rules: { type: 'group', op: 'and', conditions: [{ type: 'tag', operator: 'has', value: 'vip' }] } }, next: { yes: 'promo', no: 'end' } },
    { id: 'promo', kind: 'send', templateId: promo, channels: ['sms'], next: { next: 'call' } },
    { id: 'call', kind: 'task', title: 'Call them', next: { next: 'end' } },
    { id: 'end', kind: 'exit' },
  ],
};

describe('journey simulation', () => {
  test('given a VIP customer, when simulated, then the path takes the yes branch after 3 simulated days, messages are rendered for them, and nothing is written', async () => {
    const id = await createJourney(w, vipJourney);
    const sara = await customer(w, { firstName: 'Sara', tags: ['vip'] });
    const before = await footprint();
    const at = '2026-03-02T06:00:00.000Z'; // 09:30 in Tehran
    const sim = await simulate(id, { customerId: sara, at, context: { code: 'X42' } });
    assert.deepEqual(
      sim.path.map((s: { stepId: string; port: string }) => `${s.stepId}:${s.port}`),
      ['hello:next', 'pause:next', 'vip:yes', 'promo:next', 'call:next', 'end:exit:completed'],
    );
    assert.deepEqual([sim.outcome, sim.exitReason], ['completed', null]);
    assert.equal(sim.path[2].at, new Date(Date.parse(at) + 3 * DAY).toISOString(), 'the condition is reached when the 3-day wait ends');
    assert.equal(sim.endsAt, sim.path[2].at);
    const [hello, sale] = sim.messages;
    assert.deepEqual([hello.stepId, hello.channel, hello.text, hello.blockedBy, hello.sendAt], ['hello', 'sms', 'Hello Sara, your code is X42', undefined, at]);
    // A marketing SMS needs an opt-in the customer never gave (the default SMS consent mode).
    assert.deepEqual([sale.stepId, sale.category, sale.text, sale.blockedBy, sale.sendAt], ['promo', 'marketing', 'Sale for Sara', 'consent', null]);
    assert.deepEqual(sim.problems, []);
    assert.deepEqual(await footprint(), before, 'no run, step log, message, task or activity was written');
  });

  test('given consent, when the promo falls in quiet hours, then it is held to 09:00 in the customer’s time zone; without the tag the no branch is taken', async () => {
    const id = await createJourney(w, { ...vipJourney, start: 'vip' });
    const ali = await customer(w, { firstName: 'Ali', tags: ['vip'], timezone: 'Europe/London' });
    await consent(w, ali, 'sms', 'granted');
    const late = await simulate(id, { customerId: ali, at: '2026-01-10T22:30:00.000Z' }); // 22:30 in London (GMT)
    assert.equal(late.messages[0].blockedBy, 'quiet_hours');
    assert.equal(late.messages[0].sendAt, '2026-01-11T09:00:00.000Z');
    const plain = await customer(w, { firstName: 'Reza' });
    const no = await simulate(id, { customerId: plain, at: '2026-01-10T10:00:00.000Z' });
    assert.deepEqual(
      no.path.map((s: { stepId: string; port: string }) => `${s.stepId}:${s.port}`),
      ['vip:no', 'end:exit:completed'],
    );
    assert.deepEqual(no.messages, []);
  });

  test('given an unsaved definition with waits for an event and a time of day, when simulated both ways, then the event or the timeout decides the branch and times follow the customer’s clock', async () => {
    const id = await createJourney(w, vipJourney);
    const nami = await customer(w, { firstName: 'Nami', timezone: 'Asia/Tokyo' });
    const definition = {
      trigger: { kind: 'event', event: 'Product Added' },
      start: 'order',
      steps: [
        { id: 'order', kind: 'wait_for_event', event: 'Order Completed', timeout: { amount: 4, unit: 'hours' }, next: { event: 'done', timeout: 'morning' } },
        { id: 'morning', kind: 'wait_until_time', time: '10:00', next: { next: 'remind' } },
        { id: 'remind', kind: 'send', templateId: welcome, channels: ['sms'], next: { next: 'done' } },
        { id: 'done', kind: 'exit' },
      ],
    };
    const at = '2026-05-01T00:00:00.000Z';
    const timeout = await simulate(id, { customerId: nami, at, definition });
    assert.deepEqual(
      timeout.path.map((s: { stepId: string; at: string }) => `${s.stepId}@${s.at}`),
      // 4 hours later it is 13:00 in Tokyo: the next 10:00 there is 01:00 UTC the next day.
      ['order@2026-05-01T00:00:00.000Z', 'morning@2026-05-01T04:00:00.000Z', 'remind@2026-05-02T01:00:00.000Z', 'done@2026-05-02T01:00:00.000Z'],
    );
    assert.equal(timeout.path[1].detail.timezone, 'Asia/Tokyo');
    const ordered = await simulate(id, { customerId: nami, at, definition, assume: { events: 'occur' } });
    assert.deepEqual(
      ordered.path.map((s: { stepId: string; port: string }) => `${s.stepId}:${s.port}`),
      ['order:event', 'done:exit:completed'],
    );
    const goal = await simulate(id, { customerId: nami, at, definition: { ...definition, goal: { event: 'Order Completed', withinDays: 7, exitOnGoal: true } }, assume: { goal: true } });
    assert.deepEqual([goal.outcome, goal.exitReason, goal.goalReached, goal.path.length], ['exited', 'goal', true, 1]);
  });

  test('given a loop through a wait, when simulated, then it stops after 100 steps and says so; a broken graph’s problems name the step', async () => {
    const id = await createJourney(w, vipJourney);
    const c = await customer(w);
    const loop = {
      trigger: { kind: 'api' },
      start: 'w',
      steps: [
        { id: 'w', kind: 'wait', duration: { amount: 1, unit: 'weeks' }, next: { next: 'again' } },
        { id: 'again', kind: 'condition', check: { type: 'context', properties: [{ path: 'x', operator: 'exists' }] }, next: { yes: 'w', no: 'w' } },
      ],
    };
    const sim = await simulate(id, { customerId: c, definition: loop });
    assert.deepEqual([sim.outcome, sim.path.length], ['step-limit', 100]);
    const broken = { ...loop, steps: [loop.steps[0], { ...loop.steps[1], next: { yes: 'w' } }] };
    const check = await w.api.post(`/api/v1/journeys/${id}/check`, { definition: broken });
    assert.equal(check.statusCode, 200, check.body);
    assert.deepEqual(check.json().problems, [{ field: 'steps.1.next.no', message: 'step "again": port "no" has no target' }]);
    const stored = await w.api.post(`/api/v1/journeys/${id}/check`, {});
    assert.deepEqual(stored.json().problems, []);
    const sim2 = await simulate(id, { customerId: c, definition: broken });
    assert.deepEqual(sim2.problems, check.json().problems, 'the simulation reports what activation would refuse');
  });

  test('given bad input, when simulated, then the 4xx names the field', async () => {
    const id = await createJourney(w, vipJourney);
    const other = await t.workspace();
    const stranger = await customer(other);
    const res = await w.api.post(`/api/v1/journeys/${id}/simulate`, { customerId: stranger });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.field, 'customerId');
    const badTime = await w.api.post(`/api/v1/journeys/${id}/simulate`, { customerId: stranger, at: 'tomorrow' });
    assert.equal(badTime.statusCode, 400);
    assert.equal(badTime.json().error.field, 'at');
  });

  test('given node positions, when saved on an active journey, then they persist without a new version', async () => {
    const id = await createJourney(w, { ...vipJourney, layout: { hello: { x: 10, y: 20 } } });
    assert.deepEqual((await w.api.get(`/api/v1/journeys/${id}`)).json().layout, { hello: { x: 10, y: 20 } });
    assert.equal((await w.api.post(`/api/v1/journeys/${id}/activate`)).statusCode, 200);
    const moved = await w.api.patch(`/api/v1/journeys/${id}`, { layout: { hello: { x: 50, y: 60 } } });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.deepEqual([moved.json().version, moved.json().layout], [1, { hello: { x: 50, y: 60 } }]);
  });
});

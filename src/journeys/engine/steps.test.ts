import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { customer, TestClock } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { activeJourney, DAY, enableChannel, HOUR, messagesOf, pathOf, runOf, smsTemplate, startRun, testEngine, trackEvent } from '../testing/fixtures.ts';

/** Every step kind, each driven through the API trigger and a hand-ticked engine with a test clock. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const w = await t.workspace();
await enableChannel(t.db, w.id, 'sms');
const template = await smsTemplate(w);
const exit = { id: 'end', kind: 'exit' };

/** Webhook receiver: every call with its headers and body. */
const calls: { headers: http.IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    calls.push({ headers: req.headers, body: JSON.parse(body) });
    res.writeHead(calls.length === 1 ? 503 : 200).end('{}');
  });
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
after(() => server.close());
const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

describe('journey steps', () => {
  test('given send → wait 2 days → tag → exit, when a run starts and the clock passes the wait, then one message is queued with the run × step × visit key, the run parks, then is tagged and completes', async () => {
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'hello',
      steps: [
        { id: 'hello', kind: 'send', templateId: template, channels: ['sms'], variables: { offer: '10%' }, next: { next: 'pause' } },
        { id: 'pause', kind: 'wait', duration: { amount: 2, unit: 'days' }, next: { next: 'mark' } },
        { id: 'mark', kind: 'tag', add: ['journeyed'], next: { next: 'end' } },
        exit,
      ],
    });
    const c = await customer(w);
    const { run } = await startRun(w, id, c, 'first', { productId: 'p-1' });
    assert.ok(run);
    await engine.tick();
    const messages = await messagesOf(t.db, id);
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.idempotency_key, `journey:${run.id}:hello:1`);
    const stored = await t.db.selectFrom('messages').select(['variables', 'category']).where('id', '=', messages[0]?.id as string).executeTakeFirstOrThrow();
    assert.deepEqual(stored.variables, { offer: '10%', trigger: { productId: 'p-1' } });
    assert.equal(stored.category, 'transactional', "the template's category");
    let r = await runOf(t.db, run.id);
    assert.equal(r.current_step, 'pause');
    assert.equal(r.phase, 'waiting');
    assert.equal(r.wake_at?.getTime(), clock.now().getTime() + 2 * DAY);

    clock.advance(DAY);
    await engine.tick();
    assert.equal((await runOf(t.db, run.id)).phase, 'waiting', 'not due after one day');
    clock.advance(DAY + 1000);
    await engine.tick();
    r = await runOf(t.db, run.id);
    assert.equal(r.status, 'completed');
    assert.equal(r.exit_reason, 'completed');
    assert.deepEqual(await pathOf(t.db, run.id), ['hello:next', 'pause:next', 'mark:next', 'end:exit:completed']);
    const profile = (await w.api.get(`/api/v1/customers/${c}`)).json();
    assert.deepEqual(profile.tags, ['journeyed']);
    const timeline = (await w.api.get(`/api/v1/customers/${c}/timeline?kinds=journey&limit=50`)).json();
    const actions = timeline.data.filter((e: { kind: string }) => e.kind === 'journey').map((e: { data: { action: string; stepId?: string } }) => e.data.stepId ?? e.data.action);
    assert.deepEqual(actions.reverse(), ['entered', 'hello', 'pause', 'mark', 'end', 'exited']);
    assert.equal((await messagesOf(t.db, id)).length, 1, 'still one message');
  });

  test('given a wait for Order Completed (total > 100) with a 4-hour timeout, then a matching order after the wait began takes the event port, a smaller one does not, and silence takes the timeout port', async () => {
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'wait',
      steps: [
        { id: 'wait', kind: 'wait_for_event', event: 'Order Completed', properties: [{ path: 'total', operator: 'gt', value: 100 }], timeout: { amount: 4, unit: 'hours' }, next: { event: 'thanks', timeout: 'nudge' } },
        { id: 'thanks', kind: 'tag', add: ['bought'], next: { next: 'end' } },
        { id: 'nudge', kind: 'tag', add: ['nudged'], next: { next: 'end' } },
        exit,
      ],
    });
    const buyer = await customer(w);
    const silent = await customer(w);
    const a = (await startRun(w, id, buyer)).run?.id as string;
    const b = (await startRun(w, id, silent)).run?.id as string;
    await engine.tick();
    await trackEvent(t.db, w.id, buyer, 'Order Completed', { total: 50 });
    await trackEvent(t.db, w.id, silent, 'Page Viewed', {});
    await engine.tick();
    assert.equal((await runOf(t.db, a)).phase, 'waiting', 'a total of 50 does not match');
    await trackEvent(t.db, w.id, buyer, 'Order Completed', { total: 150, order_id: 'o-1' });
    await engine.tick();
    const ra = await runOf(t.db, a);
    assert.equal(ra.status, 'completed');
    assert.deepEqual(await pathOf(t.db, a), ['wait:event', 'thanks:next', 'end:exit:completed']);
    assert.equal((ra.context.waitedEvent as { properties: { total: number } }).properties.total, 150);
    clock.advance(4 * HOUR + 1000);
    await engine.tick();
    assert.deepEqual(await pathOf(t.db, b), ['wait:timeout', 'nudge:next', 'end:exit:completed']);
  });

  test('given conditions on rules (a tag), on segment membership and on the trigger context, then each run takes yes or no accordingly', async () => {
    const engine = testEngine(t.db, new TestClock(new Date(Date.now() + 5000)));
    const segment = (await w.api.post('/api/v1/segments', { name: `S ${Math.random()}`, kind: 'manual' })).json().id as string;
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'vip',
      steps: [
        { id: 'vip', kind: 'condition', check: { type: 'rules', rules: { type: 'group', op: 'and', conditions: [{ type: 'tag', operator: 'has', value: 'vip' }] } }, next: { yes: 'member', no: 'member' } },
        { id: 'member', kind: 'condition', check: { type: 'segment', segmentId: segment }, next: { yes: 'big', no: 'big' } },
        { id: 'big', kind: 'condition', check: { type: 'context', properties: [{ path: 'cart.value', operator: 'gte', value: 1000 }] }, next: { yes: 'end', no: 'end' } },
        exit,
      ],
    });
    const vip = await customer(w, { tags: ['vip'] });
    const plain = await customer(w);
    assert.equal((await w.api.post(`/api/v1/segments/${segment}/members`, { customerIds: [plain] })).statusCode, 200);
    const r1 = (await startRun(w, id, vip, 'vip', { cart: { value: 5000 } })).run?.id as string;
    const r2 = (await startRun(w, id, plain, 'plain', { cart: { value: 10 } })).run?.id as string;
    await engine.tick();
    assert.deepEqual(await pathOf(t.db, r1), ['vip:yes', 'member:no', 'big:yes', 'end:exit:completed']);
    assert.deepEqual(await pathOf(t.db, r2), ['vip:no', 'member:yes', 'big:no', 'end:exit:completed']);
  });

  test('given a 50/50 split with a 20 % holdout, then over 200 runs each arm gets about its share, holdouts leave marked, and a run always draws the same arm', async () => {
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'ab',
      steps: [
        { id: 'ab', kind: 'split', branches: [{ key: 'a', percent: 40 }, { key: 'b', percent: 40 }], holdoutPercent: 20, next: { a: 'ta', b: 'tb' } },
        { id: 'ta', kind: 'tag', add: ['arm-a'], next: { next: 'end' } },
        { id: 'tb', kind: 'tag', add: ['arm-b'], next: { next: 'end' } },
        exit,
      ],
    });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push((await startRun(w, id, await customer(w), `split-${i}`)).run?.id as string);
    // The clock after the entries (however long 200 took on a busy machine): every run is due.
    const engine = testEngine(t.db, new TestClock(new Date(Date.now() + 5000)));
    await engine.tick();
    const runs = await t.db.selectFrom('journey_runs').select(['status', 'exit_reason', 'holdout']).where('journey_id', '=', id).execute();
    const held = runs.filter((r) => r.holdout && r.exit_reason === 'holdout').length;
    const ports = await t.db.selectFrom('journey_step_log').select('port').where('journey_id', '=', id).where('step_id', '=', 'ab').execute();
    const a = ports.filter((p) => p.port === 'a').length;
    const b = ports.filter((p) => p.port === 'b').length;
    assert.equal(a + b + held, 200);
    for (const [n, share] of [[a, 80], [b, 80], [held, 40]] as const) assert.ok(Math.abs(n - share) <= 25, `${n} vs ${share}`);
  });

  test('given task, attribute, segment and webhook steps, then a task is assigned to the team member, the attribute lands on the profile, the customer joins the manual segment, and the webhook is called with the key (retried after a 503)', async () => {
    const clock = new TestClock(new Date(Date.now() + 5000));
    const engine = testEngine(t.db, clock);
    assert.equal((await w.api.post('/api/v1/attribute-definitions', { key: 'journey_stage', label: 'Stage', type: 'string' })).statusCode, 201);
    const segment = (await w.api.post('/api/v1/segments', { name: `Called ${Math.random()}`, kind: 'manual' })).json().id as string;
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'call',
      steps: [
        { id: 'call', kind: 'task', title: 'Call this customer', assigneeId: w.ownerId, dueInDays: 2, priority: 'high', next: { next: 'stage' } },
        { id: 'stage', kind: 'update_attributes', attributes: { journey_stage: 'called' }, next: { next: 'join' } },
        { id: 'join', kind: 'segment', segmentId: segment, action: 'add', next: { next: 'hook' } },
        { id: 'hook', kind: 'webhook', url: hookUrl, headers: { 'X-Shop': 'test' }, data: { reason: 'vip' }, next: { next: 'end' } },
        exit,
      ],
    });
    const c = await customer(w);
    const run = (await startRun(w, id, c, 'k', { source: 'crm' })).run?.id as string;
    await engine.tick();
    const tasks = (await w.api.get(`/api/v1/tasks?customerId=${c}`)).json().data;
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].source, 'journey');
    assert.equal(tasks[0].assigneeId, w.ownerId);
    assert.equal(tasks[0].priority, 'high');
    assert.equal(new Date(tasks[0].dueAt).getTime(), clock.now().getTime() + 2 * DAY);
    assert.equal((await w.api.get(`/api/v1/customers/${c}`)).json().attributes.journey_stage, 'called');
    const members = (await w.api.get(`/api/v1/segments/${segment}/members`)).json().data;
    assert.deepEqual(members.map((m: { customerId: string }) => m.customerId), [c]);
    assert.equal(calls.length, 1, 'called once, answered 503');
    assert.equal((await runOf(t.db, run)).status, 'completed', 'the run does not wait for the webhook');
    clock.advance(61_000);
    await engine.tick();
    assert.equal(calls.length, 2, 'retried after its backoff');
    for (const call of calls) {
      assert.equal(call.headers['idempotency-key'], `journey:${run}:hook:1`);
      assert.equal(call.headers['x-shop'], 'test');
      assert.equal((call.body.customer as { id: string }).id, c);
      assert.deepEqual(call.body.data, { reason: 'vip' });
    }
    const hook = await t.db.selectFrom('journey_webhooks').select(['status', 'attempts', 'response_status']).where('run_id', '=', run).executeTakeFirstOrThrow();
    assert.deepEqual(hook, { status: 'sent', attempts: 2, response_status: 200 });
    const audit = (await w.api.get('/api/v1/audit-log?limit=50')).json().data;
    assert.ok(audit.some((a: { action: string; actorLabel: string }) => a.action === 'task.created' && a.actorLabel.startsWith('journey: ')));
  });

  test("given waits until 10:00 in the customer's time zone and until 3 days before a date attribute, then they wake at those instants; a date already past takes the missed port", async () => {
    // 2030-01-01T05:00Z is 08:30 in Tehran (UTC+03:30).
    const clock = new TestClock(new Date(Math.max(Date.parse('2030-01-01T05:00:00Z'), Date.now() + 5000)));
    const fixed = clock.now().getTime() === Date.parse('2030-01-01T05:00:00Z');
    const engine = testEngine(t.db, clock);
    assert.equal((await w.api.post('/api/v1/attribute-definitions', { key: 'renews_on', label: 'Renews', type: 'date' })).statusCode, 201);
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'ten',
      steps: [
        { id: 'ten', kind: 'wait_until_time', time: '10:00', next: { next: 'renewal' } },
        { id: 'renewal', kind: 'wait_until_date', attribute: 'renews_on', offsetDays: -3, time: '09:00', next: { next: 'end', missed: 'late' } },
        { id: 'late', kind: 'tag', add: ['renewal-missed'], next: { next: 'end' } },
        exit,
      ],
    });
    const tehran = await customer(w, { timezone: 'Asia/Tehran', attributes: { renews_on: '2030-02-10' } });
    const past = await customer(w, { timezone: 'Europe/London', attributes: { renews_on: '2020-01-01' } });
    const r1 = (await startRun(w, id, tehran)).run?.id as string;
    const r2 = (await startRun(w, id, past)).run?.id as string;
    await engine.tick();
    const w1 = (await runOf(t.db, r1)).wake_at as Date;
    if (fixed) assert.equal(w1.toISOString(), '2030-01-01T06:30:00.000Z', '10:00 Tehran');
    assert.equal(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tehran', hour: '2-digit', minute: '2-digit' }).format(w1), '10:00');
    const w2 = (await runOf(t.db, r2)).wake_at as Date;
    assert.equal(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' }).format(w2), '10:00');
    clock.current = new Date(Math.max(w1.getTime(), w2.getTime()) + 1000);
    await engine.tick();
    assert.equal((await runOf(t.db, r1)).wake_at?.toISOString(), '2030-02-07T05:30:00.000Z', '09:00 Tehran, three days before 2030-02-10');
    assert.deepEqual(await pathOf(t.db, r2), ['ten:next', 'renewal:missed', 'late:next', 'end:exit:completed']);
  });

  test('given a tag step whose attribute definition was deleted after activation, then the step records the refusal and the run goes on', async () => {
    const engine = testEngine(t.db, new TestClock(new Date(Date.now() + 5000)));
    assert.equal((await w.api.post('/api/v1/attribute-definitions', { key: 'temp_attr', label: 'Temp', type: 'string' })).statusCode, 201);
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'set',
      steps: [{ id: 'set', kind: 'update_attributes', attributes: { temp_attr: 'x' }, next: { next: 'end' } }, exit],
    });
    assert.equal((await w.api.delete('/api/v1/attribute-definitions/temp_attr')).statusCode, 204);
    const run = (await startRun(w, id, await customer(w))).run?.id as string;
    await engine.tick();
    assert.equal((await runOf(t.db, run)).status, 'completed');
    const log = await t.db.selectFrom('journey_step_log').select('detail').where('run_id', '=', run).where('step_id', '=', 'set').executeTakeFirstOrThrow();
    assert.match(String(log.detail.error), /temp_attr/);
  });
});

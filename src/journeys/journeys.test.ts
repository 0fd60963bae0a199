import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer } from '../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../testing/harness.ts';
import { createJourney, enableChannel, smsTemplate } from './testing/fixtures.ts';

/** The journeys API: drafts, activation (each offending step named), versions, lists, roles. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const w = await t.workspace();
await enableChannel(t.db, w.id, 'sms');
const template = await smsTemplate(w);
const simple = { trigger: { kind: 'api' }, start: 'send', steps: [{ id: 'send', kind: 'send', templateId: template, channels: ['sms'], next: { next: 'end' } }, { id: 'end', kind: 'exit' }] };

async function activationError(body: Record<string, unknown>) {
  const id = await createJourney(w, body);
  const res = await w.api.post(`/api/v1/journeys/${id}/activate`);
  assert.equal(res.statusCode, 400, res.body);
  return res.json().error as { field: string; message: string };
}

describe('journeys API', () => {
  test('given a draft, when it is deleted, then it is gone; an activated journey cannot be deleted (409: archive it)', async () => {
    const draft = await createJourney(w, simple);
    const deleted = await w.api.delete(`/api/v1/journeys/${draft}`);
    assert.equal(deleted.statusCode, 204, deleted.body);
    assert.equal((await w.api.get(`/api/v1/journeys/${draft}`)).statusCode, 404);
    assert.equal((await w.api.delete(`/api/v1/journeys/${draft}`)).statusCode, 404);
    const live = await createJourney(w, simple);
    assert.equal((await w.api.post(`/api/v1/journeys/${live}/activate`)).statusCode, 200);
    const refused = await w.api.delete(`/api/v1/journeys/${live}`);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().error.field, 'status');
    assert.equal((await w.api.get(`/api/v1/journeys/${live}`)).json().status, 'active');
  });

  test('given a draft, when it is changed, then it changes in place (version 0, nothing stored as a version); after activation it is version 1', async () => {
    const created = await w.api.post('/api/v1/journeys', { name: 'Welcome', ...simple }, { 'idempotency-key': 'welcome-1' });
    assert.equal(created.statusCode, 201, created.body);
    const j = created.json();
    assert.deepEqual([j.status, j.version, j.reentry, j.holdoutPercent, j.goal], ['draft', 0, { mode: 'once' }, 0, null]);
    const replay = await w.api.post('/api/v1/journeys', { name: 'Welcome', ...simple }, { 'idempotency-key': 'welcome-1' });
    assert.equal(replay.json().id, j.id);
    const patched = await w.api.patch(`/api/v1/journeys/${j.id}`, { name: 'Welcome series', holdoutPercent: 10 });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual([patched.json().name, patched.json().holdoutPercent, patched.json().version], ['Welcome series', 10, 0]);
    assert.deepEqual((await w.api.get(`/api/v1/journeys/${j.id}/versions`)).json().data, []);
    const active = await w.api.post(`/api/v1/journeys/${j.id}/activate`);
    assert.equal(active.statusCode, 200, active.body);
    assert.deepEqual([active.json().status, active.json().version], ['active', 1]);
    assert.equal((await w.api.post(`/api/v1/journeys/${j.id}/activate`)).statusCode, 409);
    const list = (await w.api.get('/api/v1/journeys?status=active')).json().data;
    assert.ok(list.some((x: { id: string }) => x.id === j.id));
    const detail = (await w.api.get(`/api/v1/journeys/${j.id}`)).json();
    assert.deepEqual(detail.runs, { active: 0, paused: 0, completed: 0, exited: 0, holdout: 0, goalReached: 0 });
  });

  test('given an active journey, when only its name changes, then no version is made; when a step changes, version 2 is; the trigger kind cannot change', async () => {
    const id = await createJourney(w, simple);
    assert.equal((await w.api.post(`/api/v1/journeys/${id}/activate`)).statusCode, 200);
    assert.equal((await w.api.patch(`/api/v1/journeys/${id}`, { name: 'renamed' })).json().version, 1);
    const v2 = await w.api.patch(`/api/v1/journeys/${id}`, { steps: [{ id: 'send', kind: 'send', templateId: template, channels: ['sms'], priority: 9, next: { next: 'end' } }, { id: 'end', kind: 'exit' }] });
    assert.equal(v2.json().version, 2);
    const kind = await w.api.patch(`/api/v1/journeys/${id}`, { trigger: { kind: 'event', event: 'X' } });
    assert.equal(kind.statusCode, 409);
    assert.equal(kind.json().error.field, 'trigger.kind');
    const broken = await w.api.patch(`/api/v1/journeys/${id}`, { steps: [{ id: 'send', kind: 'send', templateId: template, channels: ['sms'], next: { next: 'gone' } }] });
    assert.equal(broken.statusCode, 400, 'an active journey is only ever changed to a valid graph');
    assert.equal(broken.json().error.field, 'steps.0.next.next');
  });

  test('given graphs that cannot run, when activated, then the 400 names the offending step and field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...simple, steps: [{ id: 'send', kind: 'send', templateId: '00000000-0000-4000-8000-00000000abcd', channels: ['sms'], next: { next: 'end' } }, { id: 'end', kind: 'exit' }] }, 'steps.0.templateId', /step "send": no template/],
      [{ ...simple, steps: [{ id: 'send', kind: 'send', templateId: template, channels: ['telegram'], next: { next: 'end' } }, { id: 'end', kind: 'exit' }] }, 'steps.0.channels.0', /step "send": no enabled telegram channel/],
      [{ ...simple, steps: [{ id: 'send', kind: 'send', templateId: template, next: { next: 'nowhere' } }] }, 'steps.0.next.next', /step "send": port "next" leads to a step that does not exist/],
      [{ trigger: { kind: 'segment', segmentId: '00000000-0000-4000-8000-00000000abcd', action: 'entered' }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] }, 'trigger.segmentId', /no segment/],
      [{ ...simple, start: 'add', steps: [{ id: 'add', kind: 'segment', segmentId: '00000000-0000-4000-8000-00000000abcd', action: 'add', next: { next: 'end' } }, { id: 'end', kind: 'exit' }] }, 'steps.0.segmentId', /step "add": no segment/],
      [{ ...simple, start: 'set', steps: [{ id: 'set', kind: 'update_attributes', attributes: { nope: 1 }, next: { next: 'end' } }, { id: 'end', kind: 'exit' }] }, 'steps.0.attributes.nope', /step "set": no custom attribute "nope"/],
      [{ ...simple, start: 'call', steps: [{ id: 'call', kind: 'task', title: 'Call', assigneeId: '00000000-0000-4000-8000-00000000abcd', next: { next: 'end' } }, { id: 'end', kind: 'exit' }] }, 'steps.0.assigneeId', /step "call": is not a member/],
      [{ ...simple, start: 'if', steps: [{ id: 'if', kind: 'condition', check: { type: 'rules', rules: { type: 'group', op: 'and', conditions: [{ type: 'attribute', key: 'undefined_key', operator: 'is_set' }] } }, next: { yes: 'end', no: 'end' } }, { id: 'end', kind: 'exit' }] }, 'steps.0.check.rules.conditions.0.key', /step "if": no custom attribute/],
    ];
    for (const [body, field, message] of cases) {
      const error = await activationError(body);
      assert.equal(error.field, field, JSON.stringify(error));
      assert.match(error.message, message);
    }
    const dynamic = (await w.api.post('/api/v1/segments', { name: `D ${Math.random()}`, kind: 'dynamic', rules: { type: 'group', op: 'and', conditions: [] } })).json().id;
    const error = await activationError({ ...simple, start: 'add', steps: [{ id: 'add', kind: 'segment', segmentId: dynamic, action: 'add', next: { next: 'end' } }, { id: 'end', kind: 'exit' }] });
    assert.match(error.message, /only manual segments/);
  });

  test('given bad input, then the 400 names the field; an unknown journey is 404', async () => {
    const bad = await w.api.post('/api/v1/journeys', { name: 'x', trigger: { kind: 'api' }, start: 'a', steps: [{ id: 'a', kind: 'wait', duration: { amount: 0, unit: 'days' } }] });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'steps.0.duration.amount');
    assert.equal((await w.api.get('/api/v1/journeys/00000000-0000-4000-8000-000000000000')).statusCode, 404);
  });

  test("given runs started by API, then the journey's runs and the customer's journeys list them; an analyst reads but cannot manage", async () => {
    const id = await createJourney(w, simple);
    await w.api.post(`/api/v1/journeys/${id}/activate`);
    const c = await customer(w);
    const started = await w.api.post(`/api/v1/journeys/${id}/runs`, { customerId: c, idempotencyKey: 'r1', context: { orderId: 'o-9' } });
    assert.equal(started.statusCode, 201, started.body);
    const runs = (await w.api.get(`/api/v1/journeys/${id}/runs?status=active`)).json().data;
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0].context, { orderId: 'o-9' });
    const mine = (await w.api.get(`/api/v1/customers/${c}/journeys`)).json().data;
    assert.equal(mine[0].journeyId, id);
    const analyst = await w.keyFor('analyst');
    assert.equal((await analyst.get(`/api/v1/journeys/${id}`)).statusCode, 200);
    assert.equal((await analyst.post(`/api/v1/journeys/${id}/pause`)).statusCode, 403);
    const unknownCustomer = await w.api.post(`/api/v1/journeys/${id}/runs`, { customerId: '00000000-0000-4000-8000-000000000000', idempotencyKey: 'r2' });
    assert.equal(unknownCustomer.statusCode, 400);
    assert.equal(unknownCustomer.json().error.field, 'customerId');
  });
});

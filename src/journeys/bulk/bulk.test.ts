import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { bulkCustomers, customer } from '../../messaging/delivery/testing/fixtures.ts';
import { addMembers } from '../../segments/membership.ts';
import { createTestApp } from '../../testing/harness.ts';
import { activeJourney, createJourney, runsOf } from '../testing/fixtures.ts';
import { BULK_CHUNK } from './routes.ts';

/** POST /api/v1/journeys/{id}/runs/bulk: an API-triggered journey for a segment or a list, idempotent per customer, in chunks. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const parked = { trigger: { kind: 'api' }, start: 'wait', steps: [{ id: 'wait', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'end' } }, { id: 'end', kind: 'exit' }] };

describe('starting a journey for many customers at once', () => {
  test(`given a segment of ${BULK_CHUNK * 2 + 200} members, when started twice with one key and once with another, then each member enters once per key (the rest counted as already started or still in the journey), with the context`, async () => {
    const w = await t.workspace();
    const id = await activeJourney(w, { ...parked, reentry: { mode: 'every', days: 1 } });
    const segment = (await w.api.post('/api/v1/segments', { name: 'Affected', kind: 'manual' })).json();
    const members = await bulkCustomers(t.db, w.id, BULK_CHUNK * 2 + 200, `bulk-${randomUUID().slice(0, 8)}`);
    await addMembers(t.db, { workspaceId: w.id, segmentId: segment.id, customerIds: members, cause: 'manual' });
    const call = (key: string) => w.api.post(`/api/v1/journeys/${id}/runs/bulk`, { segmentId: segment.id, idempotencyKey: key, context: { incident: 'outage-7' } });

    const first = await call('outage-7');
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), { customers: members.length, entered: members.length, holdout: 0, alreadyStarted: 0, notEntered: {} });
    assert.deepEqual((await call('outage-7')).json(), { customers: members.length, entered: 0, holdout: 0, alreadyStarted: members.length, notEntered: {} });
    assert.deepEqual((await call('outage-8')).json(), { customers: members.length, entered: 0, holdout: 0, alreadyStarted: 0, notEntered: { 'already-in-journey': members.length } });
    const runs = await runsOf(t.db, id);
    assert.equal(runs.length, members.length);
    assert.equal(new Set(runs.map((r) => r.customer_id)).size, members.length);
    assert.deepEqual(runs[0]?.context, { incident: 'outage-7' });
    assert.ok(runs.every((r) => r.entry_key.startsWith('bulk:outage-7:')));
  });

  test('given a list, when it repeats a customer, names one of another workspace, or comes with a segment too, then duplicates count once and bad input is a 400 naming the field', async () => {
    const w = await t.workspace();
    const other = await t.workspace();
    const id = await activeJourney(w, parked);
    const [a, b] = [await customer(w), await customer(w)];
    const foreign = await customer(other);
    const post = (body: Record<string, unknown>) => w.api.post(`/api/v1/journeys/${id}/runs/bulk`, { idempotencyKey: 'k', ...body });
    assert.deepEqual((await post({ customerIds: [a, b, a.toUpperCase()] })).json(), { customers: 2, entered: 2, holdout: 0, alreadyStarted: 0, notEntered: {} });
    const bad = await post({ customerIds: [a, foreign] });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'customerIds.1');
    const both = await post({ customerIds: [a], segmentId: randomUUID() });
    assert.equal(both.json().error.field, 'segmentId');
    assert.equal((await post({})).json().error.field, 'segmentId');
    const otherSegment = (await other.api.post('/api/v1/segments', { name: 'Theirs', kind: 'manual' })).json();
    const foreignSegment = await post({ segmentId: otherSegment.id });
    assert.equal(foreignSegment.statusCode, 400);
    assert.equal(foreignSegment.json().error.field, 'segmentId');
    assert.equal((await post({ customerIds: [] })).statusCode, 400);
  });

  test('given journeys that do not start by API, or are not active, or a role without journeys:manage, then 409 naming the trigger or the status, and 403', async () => {
    const w = await t.workspace();
    const c = await customer(w);
    const post = (id: string, client = w.api) => client.post(`/api/v1/journeys/${id}/runs/bulk`, { customerIds: [c], idempotencyKey: 'k' });
    const byEvent = await activeJourney(w, { ...parked, trigger: { kind: 'event', event: 'Signed Up' } });
    assert.equal((await post(byEvent)).json().error.field, 'trigger');
    const draft = await createJourney(w, parked);
    const refused = await post(draft);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.field, 'status');
    assert.equal((await post(randomUUID())).statusCode, 404);
    const active = await activeJourney(w, parked);
    assert.equal((await post(active, await w.keyFor('analyst'))).statusCode, 403);
    assert.equal((await post(active, await w.keyFor('marketer'))).statusCode, 200);
  });
});

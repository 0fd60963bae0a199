import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer, silentLog } from '../../messaging/delivery/testing/fixtures.ts';
import { IntakeListeners } from '../../tracking/intake-listeners.ts';
import { createTestApp } from '../../testing/harness.ts';
import { activeJourney, runsOf } from '../testing/fixtures.ts';

/**
 * The tracking → journeys kick: the engine here ticks every 10 minutes, so a run that appears
 * within a second of the event can only have been started by the intake's after-commit hook.
 */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '600000', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const w = await t.workspace();

describe('tracking → journeys kick', () => {
  test('given an engine ticking every 10 minutes and a journey triggered by Signed Up, when the event comes through POST /v1/track, then the run has entered and taken its tag step within a second', async () => {
    const externalId = `kick-${Math.random().toString(36).slice(2)}`;
    const c = await customer(w, { externalId });
    const id = await activeJourney(w, { trigger: { kind: 'event', event: 'Signed Up' }, start: 'tag', steps: [{ id: 'tag', kind: 'tag', add: ['kicked'], next: { next: 'end' } }, { id: 'end', kind: 'exit' }] });
    // Let the pass the activation kicked settle, so only the intake's kick can start the next one.
    await new Promise((r) => setTimeout(r, 300));
    const res = await t.app.inject({ method: 'POST', url: '/v1/track', payload: { writeKey: w.writeKey, userId: externalId, event: 'Signed Up', properties: { plan: 'pro' } } });
    assert.equal(res.statusCode, 200, res.body);
    const answered = Date.now();
    let runs = await runsOf(t.db, id);
    while (runs[0]?.status !== 'completed' && Date.now() - answered < 5000) {
      await new Promise((r) => setTimeout(r, 20));
      runs = await runsOf(t.db, id);
    }
    const took = Date.now() - answered;
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.customer_id, c);
    assert.equal(runs[0]?.status, 'completed', 'entered and through the tag step to the exit');
    assert.ok(took < 1000, `the run completed ${took} ms after the event was committed`);
  });

  test('given a listener that throws, when the intake notifies, then the other listeners are still told and nothing is thrown to the intake', () => {
    const listeners = new IntakeListeners(silentLog);
    const told: string[] = [];
    listeners.subscribe(() => {
      throw new Error('a bug in a subscriber');
    });
    const off = listeners.subscribe((workspaceId, stored) => told.push(`${workspaceId}:${stored}`));
    listeners.notify('ws-1', 3);
    listeners.notify('ws-1', 0);
    off();
    listeners.notify('ws-1', 5);
    assert.deepEqual(told, ['ws-1:3'], 'told once per committed batch with messages, not after unsubscribing');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { bulkCustomers, customer, TestClock } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { activeJourney, enableChannel, messagesOf, pathOf, runsOf, smsTemplate, testEngine } from '../testing/fixtures.ts';
import { enterJourney } from './enter.ts';

/** The set-based engine: a batch of entries decided together, a chunk of runs written together, a failing run isolated. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const w = await t.workspace();
await enableChannel(t.db, w.id, 'sms');
const template = await smsTemplate(w);
const clockNow = () => new TestClock(new Date(Date.now() + 5000));

const journeyRow = (id: string) => t.db.selectFrom('journeys').select(['id', 'workspace_id', 'version', 'definition']).where('id', '=', id).executeTakeFirstOrThrow();

describe('journey entry in batches', () => {
  test('given one batch with a customer twice, a key twice, a gone customer and a customer at the limit, then each is decided as if one by one, earlier entries of the batch counting', async () => {
    const id = await activeJourney(w, { trigger: { kind: 'api' }, reentry: { mode: 'every', days: 1 }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] });
    const other = await activeJourney(w, { trigger: { kind: 'api' }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] });
    const [a, b, gone, full] = [await customer(w), await customer(w), await customer(w), await customer(w)];
    await t.db.updateTable('customers').set({ erased_at: new Date() }).where('id', '=', gone).execute();
    const journey = await journeyRow(id);
    const now = new Date();
    const outcomes = await t.db.transaction().execute(async (tx) => {
      // `full` is already in another journey; the limit here is 1.
      await enterJourney(tx, await journeyRow(other), [{ customerId: full, key: 'x', context: {} }], { now, maxActive: 1 });
      return enterJourney(
        tx,
        journey,
        [
          { customerId: a, key: 'a1', context: { n: 1 } },
          { customerId: b, key: 'shared', context: {} },
          { customerId: a, key: 'a2', context: { n: 2 } },
          { customerId: gone, key: 'g', context: {} },
          { customerId: full, key: 'f', context: {} },
          { customerId: b, key: 'shared', context: {} },
        ],
        { now, maxActive: 1 },
      );
    });
    assert.equal(outcomes[0]?.entered && outcomes[0].created, true);
    assert.deepEqual(outcomes[2], { entered: false, reason: 'already-in-journey' }, 'the first entry of the batch counts for the second');
    assert.deepEqual(outcomes[3], { entered: false, reason: 'customer-gone' });
    assert.deepEqual(outcomes[4], { entered: false, reason: 'journey-limit' });
    const shared = outcomes[1];
    assert.ok(shared?.entered && shared.created);
    assert.deepEqual(outcomes[5], { ...shared, created: false }, 'a key repeated in the batch answers the run it made');
    assert.equal((await runsOf(t.db, id)).length, 2);

    // Run again (a tail re-reading its overlap): every key answers its run, nothing new.
    const again = await t.db.transaction().execute((tx) => enterJourney(tx, journey, [{ customerId: a, key: 'a1', context: {} }, { customerId: b, key: 'shared', context: {} }], { now, maxActive: 1 }));
    assert.deepEqual(
      again.map((o) => o.entered && !o.created),
      [true, true],
    );
    assert.equal((await runsOf(t.db, id)).length, 2);
  });
});

describe('journey entry of a large burst', () => {
  test('given 30,000 customers entering in one transaction, then all enter (the entry locks fit PostgreSQL\'s lock table: one per customer ran out of shared memory)', async () => {
    const big = await t.workspace();
    const id = await activeJourney(big, { trigger: { kind: 'api' }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] });
    const customers = await bulkCustomers(t.db, big.id, 30_000, `burst-${big.id}`);
    const outcomes = await t.db.transaction().execute(async (tx) =>
      enterJourney(tx, await journeyRow(id), customers.map((c) => ({ customerId: c, key: `b:${c}`, context: {} })), { now: new Date(), maxActive: 5 }),
    );
    assert.equal(outcomes.filter((o) => o.entered && o.created).length, 30_000);
    const n = await sql<{ n: number }>`select count(*)::int as n from journey_runs where journey_id = ${id}::uuid`.execute(t.db);
    assert.equal(n.rows[0]?.n, 30_000);
  });
});

describe('journey runs advanced in chunks', () => {
  test('given 30 due runs of send → exit and one whose version is missing, when a pass advances them in one chunk, then the 30 each send once and complete, the broken one alone is rolled back and retried later', async () => {
    const id = await activeJourney(w, { trigger: { kind: 'api' }, start: 'hi', steps: [{ id: 'hi', kind: 'send', templateId: template, channels: ['sms'], next: { next: 'end' } }, { id: 'end', kind: 'exit' }] });
    const journey = await journeyRow(id);
    const customers = await Promise.all(Array.from({ length: 31 }, () => customer(w)));
    await t.db.transaction().execute((tx) =>
      enterJourney(
        tx,
        journey,
        customers.map((c, i) => ({ customerId: c, key: `k${i}`, context: {} })),
        { now: new Date(), maxActive: 5 },
      ),
    );
    const broken = customers[7] as string;
    // A run pointing at a version that does not exist: its advance throws.
    await sql`update journey_runs set version = 99 where journey_id = ${id}::uuid and customer_id = ${broken}::uuid`.execute(t.db);
    const engine = testEngine(t.db, clockNow(), { chunk: 100 });
    await engine.tick();
    const runs = await runsOf(t.db, id);
    const bad = runs.find((r) => r.customer_id === broken);
    assert.equal(bad?.status, 'active');
    assert.equal(bad?.errors, 1);
    assert.match(bad?.last_error ?? '', /no version 99/);
    const good = runs.filter((r) => r.customer_id !== broken);
    assert.deepEqual(new Set(good.map((r) => r.status)), new Set(['completed']));
    const messages = await messagesOf(t.db, id);
    assert.equal(messages.length, 30);
    assert.equal(new Set(messages.map((m) => m.customer_id)).size, 30);
    assert.ok(messages.every((m) => /^journey:[0-9a-f-]+:hi:1$/.test(m.idempotency_key)), 'the run × step × visit key');
    const run = good[0];
    assert.ok(run);
    assert.deepEqual(await pathOf(t.db, run.id), ['hi:next', 'end:exit:completed']);
    const log = await t.db.selectFrom('journey_step_log').select('detail').where('run_id', '=', run.id).where('step_id', '=', 'hi').executeTakeFirstOrThrow();
    const [own] = (await messagesOf(t.db, id)).filter((m) => m.customer_id === run.customer_id);
    assert.equal(log.detail.messageId, own?.id, 'the step log names the message enqueued with the chunk');
  });

  test('given runs waiting 1 hour, when the clock passes it, then the chunk records the port on the wait step and moves on', async () => {
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'w',
      steps: [{ id: 'w', kind: 'wait', duration: { amount: 1, unit: 'hours' }, next: { next: 'end' } }, { id: 'end', kind: 'exit' }],
    });
    const cs = await Promise.all(Array.from({ length: 5 }, () => customer(w)));
    await t.db.transaction().execute(async (tx) => enterJourney(tx, await journeyRow(id), cs.map((c, i) => ({ customerId: c, key: `w${i}`, context: {} })), { now: new Date(), maxActive: 5 }));
    const clock = clockNow();
    const engine = testEngine(t.db, clock);
    await engine.tick();
    assert.deepEqual(new Set((await runsOf(t.db, id)).map((r) => `${r.status}:${r.phase}`)), new Set(['active:waiting']));
    assert.ok((await runsOf(t.db, id)).every((r) => r.wait_since !== null));
    clock.advance(3_600_000 + 1000);
    await engine.tick();
    const runs = await runsOf(t.db, id);
    assert.deepEqual(new Set(runs.map((r) => r.status)), new Set(['completed']));
    assert.ok(runs.every((r) => r.finished_at && r.exit_reason === 'completed' && r.wake_at === null));
    assert.deepEqual(await pathOf(t.db, (runs[0] as { id: string }).id), ['w:next', 'end:exit:completed']);
  });
});

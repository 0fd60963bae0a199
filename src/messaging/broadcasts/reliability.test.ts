import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createDb } from '../../database.ts';
import { createTestApp } from '../../testing/harness.ts';
import { bulkCustomers, tehranTime, TestClock, testWorker } from '../delivery/testing/fixtures.ts';
import { RecordingChannel, RecordingDirectory } from '../delivery/testing/recording-channel.ts';
import { claimEnqueue, enqueueBatch, snapshotAudience } from './sender.ts';
import { createTemplate, manualSegment, messageCounts, testScheduler } from './testing/fixtures.ts';

const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });
const url = t.config.databaseUrl as string;

async function sendBroadcast(w: Awaited<ReturnType<typeof t.workspace>>, members: string[], body: Record<string, unknown> = {}) {
  const segmentId = await manualSegment(t.db, w, members);
  const templateId = await createTemplate(w);
  const created = await w.api.post('/api/v1/broadcasts', { name: 'Reliability', segmentId, templateId, channels: ['email'], ...body });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;
  const sent = await w.api.post(`/api/v1/broadcasts/${id}/send`, {});
  assert.equal(sent.statusCode, 202, sent.body);
  return id;
}

describe('broadcast reliability', () => {
  test('given 10,000 customers of whom 10 % unsubscribed, 5 % already had 3 marketing messages this week and 10 % live in Tokyo (night there), when a broadcast goes through 4 workers, then exactly the rest receive it once and no unsubscribed customer gets anything', async (ctx) => {
    const w = await t.workspace();
    const email = new RecordingChannel('email');
    const directory = new RecordingDirectory({ email });
    // 16:00 in Tehran is 21:30 in Tokyo: quiet there, not here.
    const clock = new TestClock(tehranTime('16:00'));
    const all = await bulkCustomers(t.db, w.id, 10_000, `big-${w.id}`);
    const unsubscribed = all.filter((_, i) => i % 10 === 0);
    const capped = all.filter((_, i) => i % 20 === 1);
    const tokyo = all.filter((_, i) => i % 10 === 2);
    await sql`insert into customer_consents (workspace_id, customer_id, channel, status, source)
              select ${w.id}, id, 'email', 'revoked', 'preference-page' from unnest(${unsubscribed}::uuid[]) as id`.execute(t.db);
    await sql`update customers set timezone = 'Asia/Tokyo' where id = any(${tokyo}::uuid[])`.execute(t.db);
    await sql`insert into messages (workspace_id, customer_id, idempotency_key, category, status, channel, slot_at, sent_at)
              select ${w.id}, c.id, 'earlier-' || c.id || '-' || n, 'marketing', 'sent', 'email', ${clock.now()}::timestamptz - interval '2 days', ${clock.now()}::timestamptz - interval '2 days'
                from unnest(${capped}::uuid[]) as c(id), generate_series(1, 3) as n`.execute(t.db);
    const id = await sendBroadcast(w, all);

    const started = performance.now();
    await testScheduler(t.db, { now: clock.now }).tick();
    const enqueueMs = performance.now() - started;
    const pools = Array.from({ length: 4 }, () => createDb(url, 6));
    try {
      await Promise.all(pools.map((db, i) => testWorker(db, directory, clock, { workerId: `w${i}`, batchSize: 200, concurrency: 6 }).drain()));
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
    }

    ctx.diagnostic(`snapshot + enqueue of 10,000 recipients: ${Math.round(enqueueMs)} ms; decided and sent by 4 workers: ${Math.round(performance.now() - started - enqueueMs)} ms`);
    const unsubscribedIds = new Set(unsubscribed);
    assert.equal(email.sends.filter((s) => unsubscribedIds.has(s.customerId)).length, 0, 'an unsubscribed customer received something');
    assert.deepEqual(await messageCounts(t.db, id), { 'scheduled:quiet-hours': 1000, sent: 7500, 'skipped:capped': 500, 'skipped:no-consent': 1000 });
    const tokyoIds = new Set(tokyo);
    assert.equal(email.sends.filter((s) => tokyoIds.has(s.customerId)).length, 0, 'nobody in Tokyo was woken up');
    assert.equal(email.accepted.length, 7500);
    assert.equal(new Set(email.accepted.map((s) => s.customerId)).size, 7500, 'one message per customer');
    const detail = (await w.api.get(`/api/v1/broadcasts/${id}`)).json();
    assert.deepEqual([detail.status, detail.progress.audience, detail.progress.byStatus, detail.progress.byReason], ['sending', 10_000, { scheduled: 1000, sent: 7500, skipped: 1500 }, { capped: 500, 'no-consent': 1000 }]);

    // Morning in Tokyo: the delayed thousand go, and the broadcast is done.
    clock.current = new Date(clock.current.getTime() + 12 * 3_600_000);
    await testWorker(t.db, directory, clock, { batchSize: 500, concurrency: 8 }).drain();
    await testScheduler(t.db, { now: clock.now }).tick();
    assert.equal(email.accepted.length, 8500);
    assert.equal(email.sends.filter((s) => unsubscribedIds.has(s.customerId)).length, 0);
    assert.equal((await w.api.get(`/api/v1/broadcasts/${id}`)).json().status, 'sent');
  });

  test('given a worker holding a claimed batch, when the broadcast is paused during its first send, then nothing else is sent until resume, and after resume each message goes exactly once', async () => {
    const w = await t.workspace();
    const members = await bulkCustomers(t.db, w.id, 120, `pause-${w.id}`);
    const id = await sendBroadcast(w, members, { category: 'transactional' });
    await testScheduler(t.db).tick();
    let paused: Promise<unknown> | undefined;
    const email = new RecordingChannel('email', async (m) => {
      // The first send pauses the broadcast while the worker holds 50 claimed messages.
      paused ??= w.api.post(`/api/v1/broadcasts/${id}/pause`, {}).then((r) => assert.equal(r.statusCode, 200, r.body));
      await paused;
      return { status: 'sent', providerMessageId: `rec-${m.id}` };
    });
    const clock = new TestClock(tehranTime('12:00'));
    const worker = testWorker(t.db, new RecordingDirectory({ email }), clock, { batchSize: 50, concurrency: 1 });
    await worker.drain();
    assert.equal(email.sends.length, 1, 'only the message in flight at the pause was sent');
    assert.deepEqual(await messageCounts(t.db, id), { 'queued:broadcast-paused': 119, sent: 1 });
    const view = (await w.api.get(`/api/v1/broadcasts/${id}`)).json();
    assert.equal(view.status, 'paused');
    clock.advance(3_600_000);
    await worker.drain();
    await testScheduler(t.db).tick();
    assert.equal(email.sends.length, 1, 'still nothing while paused, even after the leases would have expired');

    const resumed = await w.api.post(`/api/v1/broadcasts/${id}/resume`, {});
    assert.deepEqual([resumed.statusCode, resumed.json().status], [200, 'sending']);
    await worker.drain();
    await testScheduler(t.db, { now: clock.now }).tick();
    assert.equal(email.accepted.length, 120);
    assert.equal(new Set(email.accepted.map((s) => s.id)).size, 120, 'each message exactly once');
    assert.equal((await w.api.get(`/api/v1/broadcasts/${id}`)).json().status, 'sent');
    const history = await sql<{ reason: string }>`
      select e.reason from message_events e join messages m on m.id = e.message_id where m.broadcast_id = ${id}::uuid and e.reason like 'broadcast-%' group by e.reason order by 1`.execute(t.db);
    assert.deepEqual(history.rows.map((r) => r.reason), ['broadcast-paused', 'broadcast-resumed'], 'the pause is in each message history');
  });

  test('given a worker that has decided a whole chunk, when the broadcast is cancelled during its first send, then none of the decided messages goes out and they end skipped', async () => {
    const w = await t.workspace();
    const members = await bulkCustomers(t.db, w.id, 60, `cancel-${w.id}`);
    const id = await sendBroadcast(w, members, { category: 'marketing' });
    await testScheduler(t.db).tick();
    let cancelled: Promise<unknown> | undefined;
    const email = new RecordingChannel('email', async (m) => {
      cancelled ??= w.api.post(`/api/v1/broadcasts/${id}/cancel`, {}).then((r) => assert.equal(r.statusCode, 200, r.body));
      await cancelled;
      return { status: 'sent', providerMessageId: `rec-${m.id}` };
    });
    const clock = new TestClock(tehranTime('12:00'));
    // Two at a time: the first pair is in flight at the cancel, the other 58 were decided with it.
    await testWorker(t.db, new RecordingDirectory({ email }), clock, { batchSize: 60, concurrency: 2 }).drain();
    // The sweep on the real clock, as the cancel was stamped: the worker's clock (tomorrow noon in
    // Tehran) is over a day after a cancel made before 08:30 UTC, past the sweep's one-day window.
    await testScheduler(t.db).tick();
    assert.equal(email.sends.length, 2, 'only the sends in flight at the cancel happened');
    assert.deepEqual(await messageCounts(t.db, id), { sent: 2, 'skipped:broadcast-cancelled': 58 });
    const slots = await sql<{ status: string; slots: number; attempts: number }>`
      select status, count(slot_at)::int as slots, sum(attempts)::int as attempts from messages where broadcast_id = ${id}::uuid group by status order by status`.execute(t.db);
    assert.deepEqual(slots.rows, [{ status: 'sent', slots: 2, attempts: 2 }, { status: 'skipped', slots: 0, attempts: 0 }], 'withdrawn messages give back their cap slot and attempt');
  });

  test('given a broadcast paused mid-enqueue, when the scheduler ticks, then no more messages are enqueued until resume, and then the rest', async () => {
    const w = await t.workspace();
    const members = await bulkCustomers(t.db, w.id, 300, `pause-enq-${w.id}`);
    const id = await sendBroadcast(w, members, { category: 'transactional' });
    const owner = 'test-owner';
    const now = new Date();
    assert.equal((await claimEnqueue(t.db, owner, now, 60_000))?.id, id);
    assert.ok(await snapshotAudience(t.db, id, owner, now));
    assert.deepEqual(await enqueueBatch(t.db, id, owner, { now, leaseMs: 60_000, batchSize: 100 }), { state: 'enqueued', created: 100 });
    assert.equal((await w.api.post(`/api/v1/broadcasts/${id}/pause`, {})).statusCode, 200);
    assert.deepEqual(await enqueueBatch(t.db, id, owner, { now, leaseMs: 60_000, batchSize: 100 }), { state: 'stopped' }, 'the enqueuer sees the pause');
    await testScheduler(t.db).tick();
    assert.deepEqual(await messageCounts(t.db, id), { 'queued:broadcast-paused': 100 });
    assert.equal((await w.api.get(`/api/v1/broadcasts/${id}`)).json().progress.pending, 200);
    await w.api.post(`/api/v1/broadcasts/${id}/resume`, {});
    await testScheduler(t.db).tick();
    assert.deepEqual(await messageCounts(t.db, id), { queued: 300 });
    // Cancelled before any worker ran: nothing of it is left for the next test's workers.
    assert.equal((await w.api.post(`/api/v1/broadcasts/${id}/cancel`, {})).statusCode, 200);
    assert.deepEqual(await messageCounts(t.db, id), { 'skipped:broadcast-cancelled': 300 });
  });

  test('given a broadcast half sent, when it is cancelled, then the rest is skipped with broadcast-cancelled and nothing more is sent', async () => {
    const w = await t.workspace();
    const members = await bulkCustomers(t.db, w.id, 200, `cancel-${w.id}`);
    const id = await sendBroadcast(w, members, { category: 'transactional' });
    const owner = 'test-owner';
    const now = new Date();
    await claimEnqueue(t.db, owner, now, 60_000);
    await snapshotAudience(t.db, id, owner, now);
    await enqueueBatch(t.db, id, owner, { now, leaseMs: 60_000, batchSize: 150 });
    const email = new RecordingChannel('email');
    const clock = new TestClock(tehranTime('12:00'));
    const worker = testWorker(t.db, new RecordingDirectory({ email }), clock, { batchSize: 100, concurrency: 4 });
    await worker.runOnce();
    const cancelled = await w.api.post(`/api/v1/broadcasts/${id}/cancel`, {});
    assert.deepEqual([cancelled.statusCode, cancelled.json().status], [200, 'cancelled']);
    await worker.drain();
    await testScheduler(t.db, { now: clock.now }).tick();
    assert.equal(email.sends.length, 100);
    assert.deepEqual(await messageCounts(t.db, id), { sent: 100, 'skipped:broadcast-cancelled': 50 });
    const progress = (await w.api.get(`/api/v1/broadcasts/${id}`)).json().progress;
    assert.deepEqual([progress.pending, progress.byReason], [0, { 'broadcast-cancelled': 100 }], '50 skipped messages and 50 never enqueued');
    assert.equal((await w.api.post(`/api/v1/broadcasts/${id}/resume`, {})).statusCode, 409);
  });

  test('given a provider outage mid-broadcast, when the breaker opens, then messages wait (none fail), the broadcast stays sending, and after recovery each is sent exactly once', async () => {
    const w = await t.workspace();
    const members = await bulkCustomers(t.db, w.id, 40, `outage-${w.id}`);
    const id = await sendBroadcast(w, members, { category: 'transactional' });
    await testScheduler(t.db).tick();
    let down = true;
    const email = new RecordingChannel('email', (m) => (down ? { status: 'failed-retryable', error: 'connect ECONNREFUSED' } : { status: 'sent', providerMessageId: `rec-${m.id}` }));
    const clock = new TestClock(tehranTime('12:00'));
    const worker = testWorker(t.db, new RecordingDirectory({ email }), clock, { breakerThreshold: 3, breakerBaseMs: 10_000, concurrency: 1 });
    await worker.drain();
    await testScheduler(t.db, { now: clock.now }).tick();
    assert.equal(email.sends.length, 3, 'the breaker stopped calls after 3 failures');
    const waiting = await messageCounts(t.db, id);
    assert.equal(waiting['queued:channel-outage'], 37);
    assert.equal(Object.keys(waiting).some((k) => k.startsWith('failed')), false);
    assert.equal((await w.api.get(`/api/v1/broadcasts/${id}`)).json().status, 'sending');
    down = false;
    for (let round = 0; round < 8; round++) {
      clock.advance(60_000);
      await worker.drain();
    }
    await testScheduler(t.db, { now: clock.now }).tick();
    assert.equal(email.accepted.length, 40);
    assert.equal(new Set(email.accepted.map((s) => s.customerId)).size, 40, 'each member exactly once');
    assert.equal((await w.api.get(`/api/v1/broadcasts/${id}`)).json().status, 'sent');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createDb } from '../../database.ts';
import { createTestApp } from '../../testing/harness.ts';
import { RecordingChannel, RecordingDirectory } from './testing/recording-channel.ts';
import { bulkCustomers, customer, enqueue, tehranTime, TestClock, testWorker } from './testing/fixtures.ts';

const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });
const url = t.config.databaseUrl as string;

/** Runs `n` workers, each with its own connection pool, side by side until nothing is due. */
async function drainConcurrently(n: number, directory: RecordingDirectory, clock: TestClock, options: Parameters<typeof testWorker>[3] = {}) {
  const pools = Array.from({ length: n }, () => createDb(url, 6));
  try {
    const workers = pools.map((db, i) => testWorker(db, directory, clock, { workerId: `w${i}`, batchSize: 50, concurrency: 4, ...options }));
    return await Promise.all(workers.map((w) => w.drain()));
  } finally {
    await Promise.all(pools.map((p) => p.destroy()));
  }
}

describe('delivery reliability', () => {
  test('given 4 workers sending 10 marketing messages to each of 40 customers at once, when the cap is 3 a week, then no customer gets more than 3 and exactly 3 each are sent', async () => {
    const w = await t.workspace();
    const email = new RecordingChannel('email', async (m) => {
      // A little latency so that decisions of several workers overlap.
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      return { status: 'sent', providerMessageId: `rec-${m.id}` };
    });
    const directory = new RecordingDirectory({ email });
    const clock = new TestClock(tehranTime('12:00'));
    const customers = await bulkCustomers(t.db, w.id, 40, `caps-${w.id}`);
    // Interleaved, so that each batch holds messages of many customers and each customer's
    // messages spread over all workers.
    await enqueue(t.db, w.id, clock, Array.from({ length: 10 }, () => customers.map((c) => ({ customerId: c, channels: ['email' as const] }))).flat());
    const claimed = await drainConcurrently(4, directory, clock);
    assert.ok(claimed.filter((n) => n > 0).length >= 2, `work spread over workers: ${claimed}`);
    const perCustomer = await sql<{ customer_id: string; sent: number; capped: number }>`
      select customer_id, count(*) filter (where status = 'sent')::int as sent, count(*) filter (where reason = 'capped')::int as capped
        from messages where workspace_id = ${w.id} group by customer_id`.execute(t.db);
    assert.equal(perCustomer.rows.length, 40);
    for (const row of perCustomer.rows) assert.deepEqual([row.sent, row.capped], [3, 7], row.customer_id);
    assert.equal(email.accepted.length, 120);
    assert.equal(new Set(email.accepted.map((s) => s.id)).size, 120);
  });

  test('given a provider outage, when retryable failures reach the threshold, then the breaker opens, messages wait queued (none failed), and after recovery each is sent exactly once', async () => {
    const w = await t.workspace();
    let down = true;
    const email = new RecordingChannel('email', (m) => (down ? { status: 'failed-retryable', error: 'connect ECONNREFUSED' } : { status: 'sent', providerMessageId: `rec-${m.id}` }));
    const directory = new RecordingDirectory({ email });
    const clock = new TestClock(tehranTime('12:00'));
    const worker = testWorker(t.db, directory, clock, { breakerThreshold: 3, breakerBaseMs: 10_000, concurrency: 1 });
    const ids = await enqueue(t.db, w.id, clock, await Promise.all(Array.from({ length: 12 }, async () => ({ customerId: await customer(w), channels: ['email' as const], category: 'transactional' as const }))));
    await worker.drain();
    assert.equal(email.sends.length, 3, 'the breaker stopped calls after 3 failures');
    const breaker = await t.db.selectFrom('channel_breakers').selectAll().executeTakeFirstOrThrow();
    assert.ok(breaker.opened_at && breaker.probe_at && breaker.probe_at > clock.current);
    const waiting = await t.db.selectFrom('messages').select(['status', 'reason']).where('workspace_id', '=', w.id).execute();
    assert.deepEqual(new Set(waiting.map((m) => m.status)), new Set(['queued']));
    assert.equal(waiting.filter((m) => m.reason === 'channel-outage').length, 9);
    // Before the probe time nothing goes; at it, one probe fails and the wait doubles.
    clock.current = breaker.probe_at as Date;
    await worker.drain();
    assert.equal(email.sends.length, 4, 'one probe');
    down = false;
    for (let round = 0; round < 6; round++) {
      const next = await t.db.selectFrom('channel_breakers').select('probe_at').executeTakeFirst();
      clock.current = new Date(Math.max(clock.current.getTime() + 2000, next?.probe_at?.getTime() ?? 0));
      await worker.drain();
    }
    const final = await t.db.selectFrom('messages').select(['id', 'status']).where('workspace_id', '=', w.id).execute();
    assert.deepEqual(final.map((m) => m.status), ids.map(() => 'sent'));
    assert.equal(email.accepted.length, 12);
    assert.equal(new Set(email.accepted.map((s) => s.id)).size, 12, 'each message accepted exactly once');
    assert.equal(await t.db.selectFrom('channel_breakers').selectAll().executeTakeFirst(), undefined, 'breaker closed');
  });

  test('given 10,000 customers of whom 10 % unsubscribed from email, 5 % already had 3 marketing messages this week and 10 % live in Tokyo (night there), when 4 workers send a marketing email to all, then exactly the rest receive it and none of the unsubscribed gets anything', async () => {
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
    // Three marketing slots already taken this week by earlier messages.
    await sql`insert into messages (workspace_id, customer_id, idempotency_key, category, status, channel, slot_at, sent_at)
              select ${w.id}, c.id, 'earlier-' || c.id || '-' || n, 'marketing', 'sent', 'email', ${clock.now()}::timestamptz - interval '2 days', ${clock.now()}::timestamptz - interval '2 days'
                from unnest(${capped}::uuid[]) as c(id), generate_series(1, 3) as n`.execute(t.db);
    const broadcastId = crypto.randomUUID();
    const ids = await enqueue(t.db, w.id, clock, all.map((c) => ({ customerId: c, channels: ['email' as const], broadcastId, idempotencyKey: `newsletter-${c}` })));
    assert.equal(ids.length, 10_000);
    await drainConcurrently(4, directory, clock, { batchSize: 200, concurrency: 6 });

    const outcome = await sql<{ status: string; reason: string | null; n: number }>`
      select status, reason, count(*)::int as n from messages where broadcast_id = ${broadcastId} group by 1, 2 order by 1, 2`.execute(t.db);
    const unsubscribedIds = new Set(unsubscribed);
    assert.equal(email.sends.filter((s) => unsubscribedIds.has(s.customerId)).length, 0, 'an unsubscribed customer received something');
    // The three groups are disjoint (i % 10 = 0, i % 20 = 1, i % 10 = 2).
    assert.deepEqual(outcome.rows, [
      { status: 'scheduled', reason: 'quiet-hours', n: 1000 },
      { status: 'sent', reason: null, n: 7500 },
      { status: 'skipped', reason: 'capped', n: 500 },
      { status: 'skipped', reason: 'no-consent', n: 1000 },
    ]);
    const tokyoIds = new Set(tokyo);
    assert.equal(email.sends.filter((s) => tokyoIds.has(s.customerId)).length, 0, 'nobody in Tokyo was woken up');
    assert.equal(email.accepted.length, outcome.rows.find((r) => r.status === 'sent')?.n);
    assert.equal(new Set(email.sends.map((s) => s.id)).size, email.sends.length, 'no message handed over twice');
  });
});

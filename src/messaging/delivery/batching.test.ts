import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../testing/harness.ts';
import { kavenegarDriver, kavenegarSettings } from '../channels/kavenegar/index.ts';
import { startKavenegarServer } from '../channels/kavenegar/local-server.ts';
import { testChannelContext } from '../channels/testing/context.ts';
import { bulkCustomers, enqueue, tehranTime, TestClock, testWorker } from './testing/fixtures.ts';
import { RecordingDirectory } from './testing/recording-channel.ts';

/** The delivery worker with a channel that has a batch call: the real Kavenegar driver and its local server. */
const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });
const server = await startKavenegarServer({ apiKeys: ['batch-key'] });
const kavenegar = kavenegarDriver.create(kavenegarSettings.parse({ apiKey: 'batch-key', sender: '10004346', baseUrl: server.url, ratePerSecond: 5000 }), testChannelContext());
after(async () => {
  await kavenegar.close();
  await server.close();
});

describe('delivery: batch calls', () => {
  test('given 120 due SMS and a blacklisted receptor, when the worker sends them, then they go in sms/sendarray calls, each message once with its own text, and the blacklisted one is suppressed', async () => {
    const w = await t.workspace();
    const clock = new TestClock(tehranTime('12:00'));
    const customers = await bulkCustomers(t.db, w.id, 120, `batch-${w.id}`);
    await sql`insert into customer_consents (workspace_id, customer_id, channel, status, source)
              select ${w.id}, id, 'sms', 'granted', 'test' from unnest(${customers}::uuid[]) as id`.execute(t.db);
    // bulkCustomers numbers phones +98935 0000001 …: the seventh is on the operator blacklist.
    server.blacklist.add('09350000007');
    const calls = server.received.length;
    const ids = await enqueue(
      t.db,
      w.id,
      clock,
      customers.map((c, i) => ({ customerId: c, channels: ['sms' as const], templateId: `promo-${i}` })),
    );
    const worker = testWorker(t.db, new RecordingDirectory({ sms: kavenegar }), clock, { batchSize: 1000, concurrency: 8 });
    await worker.drain();

    const requests = server.received.slice(calls);
    assert.ok(requests.every((r) => r.path.endsWith('/sms/sendarray.json')), 'every call was a batch call');
    assert.ok(requests.length <= 12, `${requests.length} calls for 120 messages`);
    const texts = server.sent.filter((e) => e.message?.startsWith('promo-')).map((e) => e.message);
    assert.equal(texts.length, 120);
    assert.equal(new Set(texts).size, 120, 'each message went once, with its own text');
    const outcome = await sql<{ status: string; reason: string | null; n: number }>`
      select status, reason, count(*)::int as n from messages where id = any(${ids}::uuid[]) group by 1, 2 order by 1`.execute(t.db);
    assert.deepEqual(outcome.rows, [
      { status: 'sent', reason: null, n: 119 },
      { status: 'suppressed', reason: 'blacklisted', n: 1 },
    ]);
    const withIds = await sql<{ n: number }>`select count(*)::int as n from messages where id = any(${ids}::uuid[]) and status = 'sent' and provider_message_id is not null`.execute(t.db);
    assert.equal(withIds.rows[0]?.n, 119, 'every sent message has its Kavenegar message id');
  });
});

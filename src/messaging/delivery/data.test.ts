import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestApp } from '../../testing/harness.ts';
import { ok } from '../../platform/result.ts';
import { applyInbound } from './events.ts';
import { pollReceiptsOnce } from './poller.ts';
import { RecordingChannel, RecordingDirectory } from './testing/recording-channel.ts';
import { customer, enqueue, silentLog, statusOf, tehranTime, TestClock, testWorker } from './testing/fixtures.ts';

const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });

describe('messaging data follows the customer', () => {
  test('given messages, a reply and a chat id on a secondary customer, when merged, then they move to the primary; undo moves them back; erasure keeps statuses only', async () => {
    const w = await t.workspace();
    const sms = new RecordingChannel('sms');
    const directory = new RecordingDirectory({ sms });
    const clock = new TestClock(tehranTime('12:00'));
    const primary = await customer(w);
    const secondaryPhone = '+989127776655';
    const secondary = await customer(w, { phones: [secondaryPhone] });
    await w.api.put(`/api/v1/customers/${secondary}/addresses/telegram`, { address: '5550001' });
    const [sent] = await enqueue(t.db, w.id, clock, [{ customerId: secondary, channels: ['sms'], category: 'transactional', variables: { code: '1234' } }]);
    await testWorker(t.db, directory, clock).drain();
    await applyInbound(t.db, silentLog, { workspaceId: w.id, configId: directory.configIds.get('sms') as string, kind: 'sms', provider: 'recording' }, [{ from: secondaryPhone, text: 'thanks', at: new Date(), providerMessageId: 'r-1' }]);

    const merged = await w.api.post('/api/v1/customers/merge', { primaryId: primary, secondaryId: secondary });
    assert.equal(merged.statusCode, 200, merged.body);
    const onPrimary = (await w.api.get(`/api/v1/customers/${primary}/timeline?kinds=message`)).json().data as { id: string; data: { direction: string } }[];
    assert.deepEqual(onPrimary.map((e) => e.data.direction).sort(), ['inbound', 'outbound']);
    assert.ok(onPrimary.some((e) => e.id === sent));
    const address = await t.db.selectFrom('customer_addresses').select('customer_id').where('kind', '=', 'telegram').where('workspace_id', '=', w.id).executeTakeFirstOrThrow();
    assert.equal(address.customer_id, primary);

    const mergeId = (await w.api.get(`/api/v1/customers/${primary}/merges`)).json().data[0].id;
    assert.equal((await w.api.post(`/api/v1/customers/merges/${mergeId}/undo`)).statusCode, 200);
    assert.equal((await w.api.get(`/api/v1/customers/${primary}/timeline?kinds=message`)).json().data.length, 0);
    assert.equal((await w.api.get(`/api/v1/customers/${secondary}/timeline?kinds=message`)).json().data.length, 2);

    const exported = (await w.api.get(`/api/v1/customers/${secondary}/export`)).json();
    assert.equal(JSON.stringify(exported).includes('5550001'), true, 'the export holds the chat id');
    assert.equal((await w.api.delete(`/api/v1/customers/${secondary}`)).statusCode, 200);
    const erased = await t.db.selectFrom('messages').select(['status', 'address', 'variables']).where('id', '=', sent as string).executeTakeFirstOrThrow();
    assert.deepEqual(erased, { status: 'sent', address: null, variables: {} });
    assert.equal((await t.db.selectFrom('inbound_messages').selectAll().where('workspace_id', '=', w.id).execute()).length, 0);
    assert.equal((await t.db.selectFrom('customer_addresses').selectAll().where('workspace_id', '=', w.id).execute()).length, 0);
  });
});

describe('message history', () => {
  test('given sent messages, when their customer is deleted (a cascade, as on a workspace delete), then their history goes with them and other messages keep theirs', async () => {
    const w = await t.workspace();
    const directory = new RecordingDirectory({ sms: new RecordingChannel('sms') });
    const clock = new TestClock(tehranTime('12:00'));
    const [gone, kept] = [await customer(w), await customer(w)];
    const ids = await enqueue(t.db, w.id, clock, [
      { customerId: gone, channels: ['sms'], category: 'transactional' },
      { customerId: kept, channels: ['sms'], category: 'transactional' },
    ]);
    await testWorker(t.db, directory, clock).drain();
    const history = async (id: string) => (await t.db.selectFrom('message_events').select('status').where('message_id', '=', id).orderBy('id').execute()).map((e) => e.status);
    assert.deepEqual(await history(ids[0] as string), ['queued', 'sending', 'sent']);
    await t.db.deleteFrom('customers').where('id', '=', gone).execute();
    assert.deepEqual(await history(ids[0] as string), []);
    assert.deepEqual(await history(ids[1] as string), ['queued', 'sending', 'sent']);
  });
});

describe('receipt polling', () => {
  test('given a channel without receipt webhooks, when the poller runs, then it asks about recent sends once per interval and applies the answers', async () => {
    const w = await t.workspace();
    const sms = new RecordingChannel('sms');
    const asked: string[][] = [];
    Object.assign(sms, {
      pollReceipts: async (ids: string[]) => {
        asked.push(ids);
        return ok(ids.map((providerMessageId) => ({ providerMessageId, status: 'delivered' as const, at: new Date() })));
      },
    });
    const directory = new RecordingDirectory({ sms });
    const clock = new TestClock(new Date(Date.now() + 1000));
    const c = await customer(w);
    const [id] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['sms'], category: 'transactional' }]);
    await testWorker(t.db, directory, clock).drain();
    assert.equal(await pollReceiptsOnce(t.db, silentLog, directory, clock.now()), 1);
    assert.deepEqual(asked, [[`rec-${id}`]]);
    assert.equal((await statusOf(t.db, id as string)).status, 'delivered');
    assert.equal(await pollReceiptsOnce(t.db, silentLog, directory, clock.now()), 0, 'a delivered message is not asked about again');
    assert.equal(asked.length, 1);
  });
});

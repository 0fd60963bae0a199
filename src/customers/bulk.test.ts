import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../testing/harness.ts';
import type { CustomerInput } from './schema.ts';

const t: TestApp = await createTestApp();

const persianDigits = (s: string) => s.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
/** Customer i of a batch: a Persian name, a mobile typed in one of three forms, a unique externalId. */
function customer(prefix: string, i: number): CustomerInput {
  const mobile = `0912${String(1_000_000 + i).padStart(7, '0')}`;
  const phone = [mobile, `+98${mobile.slice(1)}`, persianDigits(mobile)][i % 3]!;
  return { externalId: `${prefix}-${i}`, firstName: 'کیان', lastName: `${prefix}${i}`, emails: [`${prefix}.${i}@Example.com`], phones: [phone], tags: ['bulk'] };
}
const batch = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => customer(prefix, i));

async function countCustomers(workspaceId: string): Promise<number> {
  const row = await t.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('customers: bulk create', () => {
  test('given 1000 customers, when bulk-created, then all exist normalised, searchable by name and phone, each with a created activity', async () => {
    const ws = await t.workspace();
    const res = await ws.api.post('/api/v1/customers/bulk', { customers: batch('big', 1000) });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.created, 1000);
    assert.equal(new Set(body.ids).size, 1000);
    assert.equal(await countCustomers(ws.id), 1000);

    const one = (await ws.api.get(`/api/v1/customers/${body.ids[7]}`)).json();
    assert.equal(one.externalId, 'big-7');
    assert.deepEqual(one.phones, ['+989121000007']);
    assert.deepEqual(one.emails, ['big.7@example.com']);

    const byName = (await ws.api.get(`/api/v1/customers?q=${encodeURIComponent('كيان big998')}`)).json();
    assert.deepEqual(byName.data.map((c: { id: string }) => c.id), [body.ids[998]]);
    const byPhone = (await ws.api.get(`/api/v1/customers?q=${encodeURIComponent('۰۹۱۲ ۱۰۰ ۰۹۹۹')}`)).json();
    assert.deepEqual(byPhone.data.map((c: { id: string }) => c.id), [body.ids[999]]);

    const timeline = (await ws.api.get(`/api/v1/customers/${body.ids[0]}/timeline`)).json();
    assert.deepEqual(timeline.data.map((e: { data: { action: string } }) => e.data.action), ['created']);
    const audit = (await ws.api.get('/api/v1/audit-log')).json();
    assert.equal(audit.data.filter((a: { action: string }) => a.action === 'customer.bulk_created').length, 1);
  });

  test('given a bad phone at index 7, when bulk-created, then 400 names customers.7.phones.0 and nothing is written', async () => {
    const ws = await t.workspace();
    const customers = batch('bad', 20);
    customers[7] = { ...customers[7], phones: ['not a phone'] };
    const res = await ws.api.post('/api/v1/customers/bulk', { customers });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.field, 'customers.7.phones.0');
    assert.equal(await countCustomers(ws.id), 0);
  });

  test('given an unknown field or an empty item, when bulk-created, then 400 names the item', async () => {
    const ws = await t.workspace();
    const unknown = await ws.api.post('/api/v1/customers/bulk', { customers: [{ firstName: 'a' }, { firstName: 'b', nickname: 'x' }] });
    assert.equal(unknown.statusCode, 400, unknown.body);
    assert.equal(unknown.json().error.field, 'customers.1.nickname');
    const empty = await ws.api.post('/api/v1/customers/bulk', { customers: [{ firstName: 'a' }, {}] });
    assert.equal(empty.statusCode, 400, empty.body);
    assert.equal(empty.json().error.field, 'customers.1');
    assert.equal((await ws.api.post('/api/v1/customers/bulk', { customers: [] })).statusCode, 400);
  });

  test('given an undefined attribute at index 2, when bulk-created, then 400 names customers.2.attributes.<key>', async () => {
    const ws = await t.workspace();
    await ws.api.post('/api/v1/attribute-definitions', { key: 'tier', label: 'Tier', type: 'enum', options: ['gold', 'silver'] });
    const customers: CustomerInput[] = batch('attr', 3).map((c) => ({ ...c, attributes: { tier: 'gold' } }));
    customers[2] = { ...customers[2], attributes: { color: 'red' } };
    const res = await ws.api.post('/api/v1/customers/bulk', { customers });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.field, 'customers.2.attributes.color');
    const ok = await ws.api.post('/api/v1/customers/bulk', { customers: customers.slice(0, 2) });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.deepEqual((await ws.api.get(`/api/v1/customers/${ok.json().ids[1]}`)).json().attributes, { tier: 'gold' });
  });

  test('given a duplicate externalId in the batch or in the workspace, when bulk-created, then 409 names the item and nothing is written', async () => {
    const ws = await t.workspace();
    const inBatch = batch('dup', 5);
    inBatch[3] = { ...inBatch[3], externalId: 'dup-1' };
    const first = await ws.api.post('/api/v1/customers/bulk', { customers: inBatch });
    assert.equal(first.statusCode, 409, first.body);
    assert.equal(first.json().error.field, 'customers.3.externalId');
    assert.equal(await countCustomers(ws.id), 0);

    await ws.api.post('/api/v1/customers', { externalId: 'dup-602', firstName: 'existing' });
    const existing = await ws.api.post('/api/v1/customers/bulk', { customers: batch('dup', 700) });
    assert.equal(existing.statusCode, 409, existing.body);
    assert.equal(existing.json().error.field, 'customers.602.externalId');
    assert.equal(await countCustomers(ws.id), 1);
  });

  test('given an Idempotency-Key, when the same bulk create is retried, then the same ids come back and nothing is duplicated', async () => {
    const ws = await t.workspace();
    const body = { customers: batch('idem', 10) };
    const headers = { 'idempotency-key': 'bulk-import-1' };
    const first = await ws.api.post('/api/v1/customers/bulk', body, headers);
    assert.equal(first.statusCode, 201, first.body);
    const again = await ws.api.post('/api/v1/customers/bulk', body, headers);
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.json().ids, first.json().ids);
    assert.equal(await countCustomers(ws.id), 10);
  });

  test('given an analyst key, when bulk-creating, then 403', async () => {
    const ws = await t.workspace();
    const analyst = await ws.keyFor('analyst');
    assert.equal((await analyst.post('/api/v1/customers/bulk', { customers: batch('ro', 1) })).statusCode, 403);
  });
});

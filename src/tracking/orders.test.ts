import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../testing/harness.ts';
import { adjustOrder, recordOrders } from './orders.ts';

const t = await createTestApp();
const ws = await t.workspace();
const customer = (await ws.api.post('/api/v1/customers', { externalId: 'orders-1' })).json();

const order = (externalId: string, status?: 'refunded' | 'completed') => ({
  externalId,
  customerId: customer.id,
  currency: 'IRR',
  totalMinor: 1_000_000,
  placedAt: new Date('2026-01-02T10:00:00Z'),
  source: 'import' as const,
  ...(status ? { status } : {}),
  lines: [{ productId: 'p1', quantity: 2, priceMinor: 500_000 }],
});
const read = (externalId: string) => t.db.selectFrom('orders').selectAll().where('external_id', '=', externalId).executeTakeFirstOrThrow();

test('given the same order twice, then it is stored once with its lines', async () => {
  const first = await recordOrders(t.db, ws.id, [order('o-1'), order('o-1')]);
  const again = await recordOrders(t.db, ws.id, [order('o-1')]);
  assert.equal(first.size, 1);
  assert.equal(again.size, 0);
  const row = await read('o-1');
  const lines = await t.db.selectFrom('order_lines').selectAll().where('order_id', '=', row.id).execute();
  assert.equal(lines.length, 1);
});

test('given an order that arrives already refunded, then all of it counts as refunded', async () => {
  await recordOrders(t.db, ws.id, [order('o-2', 'refunded')]);
  assert.equal((await read('o-2')).refunded_minor, 1_000_000);
});

test('given partial then full refunds and a cancellation, then amounts and status follow', async () => {
  await recordOrders(t.db, ws.id, [order('o-3'), order('o-4')]);
  await adjustOrder(t.db, ws.id, 'o-3', { kind: 'refund', amountMinor: 300_000 });
  let row = await read('o-3');
  assert.deepEqual([row.status, row.refunded_minor], ['partially_refunded', 300_000]);
  await adjustOrder(t.db, ws.id, 'o-3', { kind: 'refund' });
  row = await read('o-3');
  assert.deepEqual([row.status, row.refunded_minor], ['refunded', 1_000_000]);
  await adjustOrder(t.db, ws.id, 'o-4', { kind: 'cancel' });
  assert.equal((await read('o-4')).status, 'cancelled');
  assert.equal(await adjustOrder(t.db, ws.id, 'unknown-order', { kind: 'cancel' }), false);
});

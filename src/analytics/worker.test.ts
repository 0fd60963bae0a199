import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { createLogger } from '../platform/logger.ts';
import { createTestApp } from '../testing/harness.ts';
import { addCustomer, addOrders } from './testing.ts';
import { AnalyticsWorker, requestRefresh } from './worker.ts';

const t = await createTestApp();

test('given the scheduled worker, then a workspace is refreshed when its orders changed or someone asked, and left alone otherwise', async () => {
  const ws = await t.workspace();
  const other = await t.workspace();
  const id = await addCustomer(ws.api, { firstName: 'Worker' });
  await addOrders(t.db, ws.id, [{ customerId: id, on: '2026-05-01', total: 1000 }]);
  const worker = new AnalyticsWorker({ db: t.db, log: createLogger('silent'), everyMs: 3_600_000 });
  const asOf = async () => (await t.db.selectFrom('analytics_runs').select('as_of').where('workspace_id', '=', ws.id).executeTakeFirst())?.as_of?.getTime();
  const pass = async () => {
    worker.kick();
    await worker.idle();
  };
  const age = (minutes: number) =>
    sql`update analytics_runs set finished_at = now() - make_interval(mins => ${minutes}) where workspace_id = ${ws.id}`.execute(t.db);

  await pass();
  const first = await asOf();
  assert.ok(first, 'a workspace with orders and no figures is refreshed');
  assert.equal(await t.db.selectFrom('analytics_runs').select('workspace_id').where('workspace_id', '=', other.id).executeTakeFirst(), undefined, 'one without orders is not');

  await age(20);
  await pass();
  assert.equal(await asOf(), first, 'orders unchanged: no refresh');

  await age(0);
  await addOrders(t.db, ws.id, [{ customerId: id, on: '2026-05-02', total: 2000 }]);
  await pass();
  assert.equal(await asOf(), first, 'changed, but the refresh interval (15 min) has not passed since the last one');
  await age(20);
  await pass();
  const second = await asOf();
  assert.ok(second && second > first, 'changed and due: refreshed');

  await requestRefresh(t.db, ws.id);
  await pass();
  assert.ok(((await asOf()) ?? 0) > (second ?? 0), 'asked for: refreshed at once');
  await age(60 * 25);
  await pass();
  assert.ok(((await asOf()) ?? 0) > (second ?? 0), 'and at least once a day');
  const status = (await ws.api.get('/api/v1/analytics/status')).json();
  assert.deepEqual([status.state, status.orders, status.customers], ['idle', 2, 1]);
  await worker.close();
});

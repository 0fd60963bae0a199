import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createServices } from '../app.ts';
import { createTestApp } from '../testing/harness.ts';
import { cdnowPath, DEMO_LOGIN, loadDemo } from './load.ts';

const t = await createTestApp();
const services = () => createServices(t.db, t.config, t.app.log as never);
const cdnow = cdnowPath(t.config.referenceDataDir);

describe('demo data', () => {
  test(
    'given the CDNOW sample in ../shared/data, when the demo loads, then every transaction is an order with the same revenue, and a second run adds nothing',
    { skip: cdnow ? false : `CDNOW sample not found under ${t.config.referenceDataDir}/cdnow (../shared/data is absent)` },
    async () => {
      const first = await loadDemo(services(), { referenceDataDir: t.config.referenceDataDir });
      assert.equal(first.source, 'cdnow');
      assert.equal(first.customers, 2357);
      assert.equal(first.orders, 6919);
      const revenue = await t.db.selectFrom('orders').select((eb) => eb.fn.sum<string>('total_minor').as('cents')).where('workspace_id', '=', first.workspaceId).executeTakeFirstOrThrow();
      assert.equal(Number(revenue.cents), 24_409_194, 'the sample sums to $244,091.94');
      const visitors = await t.db.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', first.workspaceId).where('merged_into', 'is', null).where('anonymous', '=', true).executeTakeFirstOrThrow();
      assert.equal(Number(visitors.n), 0, 'every anonymous browser was identified and merged');
      const again = await loadDemo(services(), { referenceDataDir: t.config.referenceDataDir });
      assert.equal(again.events, 0);
      assert.equal(again.orders, 6919);

      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: DEMO_LOGIN });
      assert.equal(login.statusCode, 200, login.body);
    },
  );

  test('given no reference data, when the demo loads generated data, then customers have orders and browsing events', async () => {
    const fresh = await createTestApp();
    const result = await loadDemo(createServices(fresh.db, fresh.config, fresh.app.log as never), { referenceDataDir: '/nonexistent', generatedCustomers: 60 });
    assert.equal(result.source, 'generated');
    assert.ok(result.orders >= 60, `${result.orders} orders`);
    assert.ok(result.events > result.orders * 3);
    const kinds = await fresh.db.selectFrom('events').select('name').distinct().where('workspace_id', '=', result.workspaceId).where('type', '=', 'track').execute();
    const names = kinds.map((k) => k.name);
    for (const name of ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed']) assert.ok(names.includes(name), `${name} missing`);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../app.ts';
import { cdnowPath, loadDemo } from '../demo/load.ts';
import { createTestApp } from '../testing/harness.ts';
import { addCustomer, addOrders, refresh } from './testing.ts';

const t = await createTestApp();
const cdnow = cdnowPath(t.config.referenceDataDir);

test(
  'given the CDNOW demo, when analytics refresh, then customer-days match the published sample and every page has figures',
  { skip: cdnow ? false : `CDNOW sample not found under ${t.config.referenceDataDir}/cdnow (../shared/data is absent)` },
  async () => {
    const demo = await loadDemo(createServices(t.db, t.config, t.app.log as never), { referenceDataDir: t.config.referenceDataDir });
    const stats = await refresh(t.db, demo.workspaceId);
    assert.equal(stats.customers, 2357);
    assert.equal(stats.orders, 6919);
    const repeat = await t.db
      .selectFrom('analytics_customers')
      .select((eb) => eb.fn.sum<number>(eb('purchase_days', '-', 1)).as('x'))
      .where('workspace_id', '=', demo.workspaceId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(repeat.x), 4339, 'repeat customer-days over 78 weeks, as REFERENCE.md (same-day orders merged)');

    const api = (await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'demo@vafa.local', password: 'vafa-demo-1234' } })).cookies;
    const cookie = api.map((c) => `${c.name}=${c.value}`).join('; ');
    const get = async (url: string) => {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      assert.doesNotMatch(res.body, /NaN|Infinity/, url);
      return res.json();
    };
    const models = await get('/api/v1/analytics/models');
    assert.ok(models.transactions, JSON.stringify(models.reasons));
    assert.ok(models.transactions.converged);
    assert.equal(models.transactions.customers, 2357);
    assert.ok(models.transactions.tracking.length >= 70, 'a weekly tracking curve over the whole history');
    assert.ok(models.transactions.holdoutByFrequency.length >= 5);
    assert.ok(models.spend.params.p > 0);
    assert.equal(models.discrete.model, 'bgbb', 'BG/BB on months after the first purchase');
    for (const v of Object.values(models.discrete.params) as number[]) assert.ok(Number.isFinite(v) && v > 0);
    const repeatMonths = models.discrete.expectedRepeat as number[];
    assert.equal(repeatMonths.length, 12);
    for (let i = 1; i < repeatMonths.length; i++) assert.ok((repeatMonths[i] ?? 0) > (repeatMonths[i - 1] ?? 0), 'expected repeat months grow with the horizon');
    const atRisk = await get('/api/v1/analytics/customers?sort=clv_at_risk&limit=20');
    const risks = atRisk.data.map((c: { clvAtRisk: number }) => c.clvAtRisk);
    assert.deepEqual(risks, [...risks].sort((a, b) => b - a), 'sorted by CLV at risk');
    for (const c of atRisk.data) assert.ok(c.pAlive >= 0 && c.pAlive <= 1 && c.clv >= 0);
    const rfm = await get('/api/v1/analytics/rfm');
    assert.equal(rfm.customers, 2357);
    const kpis = await get('/api/v1/analytics/kpis?grain=month&periods=12');
    assert.ok(kpis.kpis.find((k: { id: string }) => k.id === 'revenue').values.some((v: { value: number }) => v.value > 0));
    const cohorts = await get('/api/v1/analytics/cohorts?grain=month');
    assert.ok(cohorts.cohorts.length >= 3, 'CDNOW customers were all acquired within one quarter');
    const rules = await get('/api/v1/analytics/rules');
    assert.ok(rules.data.length > 0, 'the demo baskets hold products bought together');
    const compare = await get('/api/v1/analytics/compare');
    assert.ok(compare.groupA.customers > 0 && compare.groupB.customers > 0, JSON.stringify(compare.reason));
    assert.ok(compare.features.length > 3);
    const someone = atRisk.data[0].customerId;
    const profile = await get(`/api/v1/customers/${someone}/analytics`);
    assert.equal(profile.scores.customerId, someone);
  },
);

test('given only one-time buyers, then scores exist without predictions and the models page says why', async () => {
  const ws = await t.workspace();
  const ids = await Promise.all(Array.from({ length: 25 }, (_, i) => addCustomer(ws.api, { firstName: `Once ${i}` })));
  await addOrders(t.db, ws.id, ids.map((customerId, i) => ({ customerId, on: `2026-0${1 + (i % 9)}-1${i % 10}`, total: 1000 + i })));
  await refresh(t.db, ws.id);
  const models = (await ws.api.get('/api/v1/analytics/models')).json();
  assert.equal(models.transactions, null);
  assert.match(models.reasons.join(' '), /no customer has bought twice/);
  assert.equal(models.discrete, null);
  assert.match(models.reasons.join(' '), /monthly \(BG\/BB\) model needs/);
  const list = (await ws.api.get('/api/v1/analytics/customers?sort=clv_at_risk')).json();
  assert.equal(list.data.length, 25);
  assert.equal(list.data[0].pAlive, null);
  assert.equal(list.data[0].risk, null);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../../testing/harness.ts';
import { addCustomer, addOrders, refresh } from '../testing.ts';

const t = await createTestApp();

/**
 * Four buyers in Q1 2026 with an active window of 30 days — small enough to count by hand:
 * A buys 01-05, 02-10 and twice on 03-01; B once on 01-20; C on 02-15 (then a cancelled order
 * and an order in EUR on 03-10); D a free order on 03-05; E's only order was wholly refunded.
 */
async function shop() {
  const ws = await t.workspace();
  const patch = await ws.api.patch('/api/v1/analytics/settings', { activeDays: 30, calendar: 'gregorian' });
  assert.equal(patch.statusCode, 200, patch.body);
  const [a, b, c, d, e] = await Promise.all(
    ['A', 'B', 'C', 'D', 'E'].map((firstName) => addCustomer(ws.api, { firstName, tags: ['everyone'] })),
  );
  await addOrders(t.db, ws.id, [
    { customerId: a as string, on: '2026-01-05', total: 1000 },
    { customerId: a as string, on: '2026-02-10', total: 2000 },
    { customerId: a as string, on: '2026-03-01', total: 3000 },
    { customerId: a as string, on: '2026-03-01', total: 500 },
    { customerId: b as string, on: '2026-01-20', total: 5000 },
    { customerId: c as string, on: '2026-02-15', total: 4000 },
    { customerId: c as string, on: '2026-02-20', total: 10000, status: 'cancelled' },
    { customerId: c as string, on: '2026-03-10', total: 1000, currency: 'EUR' },
    { customerId: d as string, on: '2026-03-05', total: 0 },
    { customerId: e as string, on: '2026-01-10', total: 7000, status: 'refunded', refundedMinor: 7000 } as never,
  ]);
  return { ws, ids: { a, b, c, d, e } };
}

const values = (body: { kpis: { id: string; values: { value: number | null }[] }[] }, id: string) =>
  body.kpis.find((k) => k.id === id)?.values.map((v) => v.value);

test('given a hand-counted quarter, then S, E, N, retention, churn, repeat rate, frequency, AOV, revenue and CLV match', async () => {
  const { ws } = await shop();
  const stats = await refresh(t.db, ws.id);
  assert.equal(stats.customers, 4);
  assert.equal(stats.excludedOrders, 1);
  const res = await ws.api.get('/api/v1/analytics/kpis?grain=month&calendar=gregorian&date=2026-03-15&periods=3');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(body.periods.map((p: { label: string }) => p.label), ['2026-01', '2026-02', '2026-03']);
  assert.deepEqual(values(body, 'customers_start'), [0, 2, 2]);
  assert.deepEqual(values(body, 'customers_end'), [2, 2, 2]);
  assert.deepEqual(values(body, 'new_customers'), [2, 1, 1]);
  assert.deepEqual(values(body, 'retention_rate'), [null, 50, 50]);
  assert.deepEqual(values(body, 'churn_rate'), [null, 50, 50]);
  assert.deepEqual(values(body, 'orders'), [2, 2, 4]);
  assert.deepEqual(values(body, 'revenue'), [6000, 6000, 3500]);
  assert.deepEqual(values(body, 'purchasers'), [2, 2, 3]);
  assert.deepEqual(values(body, 'returning_customers'), [0, 1, 2]);
  assert.deepEqual(values(body, 'repeat_purchase_rate'), [0, 50, 66.6667]);
  assert.deepEqual(values(body, 'purchase_frequency'), [1, 1, 1.3333]);
  assert.deepEqual(values(body, 'average_order_value'), [3000, 3000, 875]);
  assert.deepEqual(values(body, 'historical_clv'), [3000, 4000, 3875]);
  const retention = body.kpis.find((k: { id: string }) => k.id === 'retention_rate');
  assert.equal(retention.formula, '(E − N) / S × 100');
  assert.match(retention.values[0].reason, /no customers were active/);
  assert.equal(retention.change, 0, 'percentage points between February and March');
  assert.equal(body.kpis.find((k: { id: string }) => k.id === 'revenue').change, -41.67);
  assert.doesNotMatch(res.body, /NaN|Infinity/);

  // A scope holding everyone is computed live from orders and must agree with the rollups.
  const scoped = await ws.api.get('/api/v1/analytics/kpis?grain=month&calendar=gregorian&date=2026-03-15&periods=3&tag=everyone');
  assert.equal(scoped.statusCode, 200, scoped.body);
  for (const k of body.kpis) assert.deepEqual(values(scoped.json(), k.id), values(body, k.id), k.id);

  const quarter = (await ws.api.get('/api/v1/analytics/kpis?grain=quarter&calendar=gregorian&date=2026-03-15&periods=1')).json();
  assert.deepEqual(values(quarter, 'purchasers'), [4], 'distinct over the quarter, not a sum of months');
  assert.deepEqual(values(quarter, 'repeat_purchase_rate'), [50], 'A and C bought on two days or more');
  const days = (await ws.api.get('/api/v1/analytics/kpis?grain=day&calendar=gregorian&date=2026-03-01&periods=1')).json();
  assert.deepEqual(values(days, 'orders'), [2]);
  assert.deepEqual(values(days, 'purchasers'), [1]);
});

test('given a sales channel, then only its orders count', async () => {
  const { ws, ids } = await shop();
  await addOrders(t.db, ws.id, [{ customerId: ids.b as string, on: '2026-03-20', total: 900, properties: { channel: 'instagram' } }]);
  await refresh(t.db, ws.id);
  const res = (await ws.api.get('/api/v1/analytics/kpis?grain=month&date=2026-03-15&periods=1&channel=instagram')).json();
  assert.deepEqual(values(res, 'orders'), [1]);
  assert.deepEqual(values(res, 'revenue'), [900]);
  assert.deepEqual(values(res, 'returning_customers'), [1]);
});

test('given cohorts, then each acquisition month shows who came back and what they spent', async () => {
  const { ws } = await shop();
  await refresh(t.db, ws.id);
  const res = await ws.api.get('/api/v1/analytics/cohorts?grain=month&calendar=gregorian&cohorts=12');
  assert.equal(res.statusCode, 200, res.body);
  const cohorts = res.json().cohorts as { label: string; size: number; cells: { offset: number; customers: number; percent: number; revenue: number }[] }[];
  assert.deepEqual(
    cohorts.map((c) => [c.label, c.size, c.cells.map((x) => [x.offset, x.customers, x.percent, x.revenue])]),
    [
      ['2026-01', 2, [[0, 2, 100, 6000], [1, 1, 50, 2000], [2, 1, 50, 3500]]],
      ['2026-02', 1, [[0, 1, 100, 4000], [1, 1, 100, 0]]],
      ['2026-03', 1, [[0, 1, 100, 0]]],
    ],
  );
  const jalali = (await ws.api.get('/api/v1/analytics/cohorts?grain=month&calendar=jalali')).json();
  assert.equal(jalali.cohorts[0].label, '1404/10', '2026-01-05 is 15 Dey 1404');
});

test('given RFM, then every buyer lands in exactly one named segment and the drill-down lists them', async () => {
  const { ws, ids } = await shop();
  await refresh(t.db, ws.id);
  const rfm = (await ws.api.get('/api/v1/analytics/rfm')).json();
  assert.equal(rfm.customers, 4);
  assert.equal(rfm.segments.length, 11);
  assert.equal(rfm.segments.reduce((n: number, s: { customers: number }) => n + s.customers, 0), 4);
  assert.equal(rfm.grid.reduce((n: number, s: { customers: number }) => n + s.customers, 0), 4);
  const list = (await ws.api.get('/api/v1/analytics/customers?sort=revenue&limit=2')).json();
  assert.equal(list.data.length, 2);
  assert.equal(list.data[0].customerId, ids.a, 'A spent the most');
  assert.deepEqual([list.data[0].r, list.data[0].f, list.data[0].m], [2, 4, 4], 'second least recent of four; most orders and money');
  const rest = (await ws.api.get(`/api/v1/analytics/customers?sort=revenue&limit=2&cursor=${list.nextCursor}`)).json();
  assert.equal(rest.data.length, 2);
  assert.equal(rest.nextCursor, null);
  const inSegment = (await ws.api.get(`/api/v1/analytics/customers?segment=${list.data[0].segment}`)).json();
  assert.ok(inSegment.data.some((c: { customerId: string }) => c.customerId === ids.a));
  const again = (await ws.api.get('/api/v1/analytics/rfm')).json();
  await refresh(t.db, ws.id);
  assert.deepEqual((await ws.api.get('/api/v1/analytics/rfm')).json().grid, again.grid, 'deterministic');
});

test('given an empty workspace or one customer, then figures are null with reasons, never NaN', async () => {
  const ws = await t.workspace();
  const before = await ws.api.get('/api/v1/analytics/kpis?grain=month&date=2026-03-15&periods=3');
  assert.equal(before.statusCode, 200, before.body);
  assert.deepEqual(values(before.json(), 'revenue'), [null, null, null], 'nothing before the first computation');
  assert.match(before.json().kpis[0].values[0].reason, /not been computed/);
  await refresh(t.db, ws.id);
  for (const url of ['/api/v1/analytics/kpis?periods=3', '/api/v1/analytics/cohorts', '/api/v1/analytics/rfm', '/api/v1/analytics/models', '/api/v1/analytics/compare']) {
    const res = await ws.api.get(url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    assert.doesNotMatch(res.body, /NaN|Infinity/, url);
  }
  const one = await t.workspace();
  const id = await addCustomer(one.api, { firstName: 'Solo' });
  await addOrders(t.db, one.id, [{ customerId: id, on: '2026-02-01', total: 1500 }]);
  await refresh(t.db, one.id);
  const kpis = await one.api.get('/api/v1/analytics/kpis?grain=month&date=2026-02-10&periods=2');
  assert.doesNotMatch(kpis.body, /NaN|Infinity/);
  assert.deepEqual(values(kpis.json(), 'revenue'), [0, 1500]);
  assert.deepEqual(values(kpis.json(), 'average_order_value')?.[0], null);
});

test('given a running month, then changes compare it with the same days of the month before', async () => {
  const ws = await t.workspace();
  const [a, b] = await Promise.all(['A', 'B'].map((firstName) => addCustomer(ws.api, { firstName })));
  const today = new Date().toISOString().slice(0, 10);
  const monthStart = `${today.slice(0, 8)}01`;
  const previous = new Date(`${monthStart}T00:00:00Z`);
  previous.setUTCMonth(previous.getUTCMonth() - 1);
  const prevStart = previous.toISOString().slice(0, 10);
  const elapsed = Number(today.slice(8, 10)) - 1;
  await addOrders(t.db, ws.id, [
    { customerId: a as string, on: prevStart, total: 1000 },
    { customerId: b as string, on: prevStart.replace(/-01$/, '-28'), total: 5000 },
    // Placed before now (noon would be in the future in the morning, and a running month counts up to now).
    { customerId: a as string, on: today, total: 3000, placedAt: new Date(Math.max(Date.parse(`${today}T00:00:00Z`), Date.now() - 1000)) },
  ]);
  await refresh(t.db, ws.id);
  const body = (await ws.api.get(`/api/v1/analytics/kpis?grain=month&calendar=gregorian&date=${today}&periods=2`)).json();
  const sameDaysBefore = elapsed >= 27 ? 6000 : 1000;
  assert.equal(body.comparedTo.start, prevStart);
  const lastOfPrevious = new Date(Date.parse(`${monthStart}T00:00:00Z`) - 86_400_000);
  const sameDay = new Date(Date.parse(`${prevStart}T00:00:00Z`) + elapsed * 86_400_000);
  assert.equal(body.comparedTo.end, (sameDay < lastOfPrevious ? sameDay : lastOfPrevious).toISOString().slice(0, 10));
  const revenue = body.kpis.find((k: { id: string }) => k.id === 'revenue');
  assert.equal(revenue.change, Math.round(((3000 - sameDaysBefore) / sameDaysBefore) * 10000) / 100);
  const purchasersBefore = elapsed >= 27 ? 2 : 1;
  assert.equal(body.kpis.find((k: { id: string }) => k.id === 'purchasers').change, Math.round(((1 - purchasersBefore) / purchasersBefore) * 10000) / 100);
  // The refresh stored that range's distinct counts; counted live instead, they must agree.
  await t.db.deleteFrom('analytics_models').where('workspace_id', '=', ws.id).where('kind', '=', 'ranges').execute();
  const live = (await ws.api.get(`/api/v1/analytics/kpis?grain=month&calendar=gregorian&date=${today}&periods=2`)).json();
  assert.deepEqual(live.kpis, body.kpis);
});

test('given a focus KPI over a quarter, then its value is counted over the whole range, against the target', async () => {
  const { ws } = await shop();
  const set = await ws.api.patch('/api/v1/analytics/settings', { focus: { kpi: 'purchasers', target: 8, start: '2026-01-01', end: '2026-03-31' } });
  assert.equal(set.statusCode, 200, set.body);
  assert.equal((await ws.api.patch('/api/v1/analytics/settings', { focus: { kpi: 'nonsense', target: 1 } })).json().error.field, 'focus.kpi');
  await refresh(t.db, ws.id);
  const focus = (await ws.api.get('/api/v1/analytics/kpis?grain=month&date=2026-03-15&periods=1')).json().focus;
  assert.deepEqual([focus.kpi, focus.current, focus.progress, focus.elapsed], ['purchasers', 4, 50, 100], 'A, B, C and D, once each');
  await ws.api.patch('/api/v1/analytics/settings', { focus: { kpi: 'repeat_purchase_rate', target: 100, start: '2026-01-01', end: '2026-03-31' } });
  const rate = (await ws.api.get('/api/v1/analytics/kpis?grain=month&date=2026-03-15&periods=1')).json().focus;
  assert.equal(rate.current, 50, 'A and C bought on two days or more');
  const defaulted = await ws.api.patch('/api/v1/analytics/settings', { focus: { kpi: 'revenue', target: 100000 } });
  const { start, end } = defaulted.json().focus;
  assert.equal(start.slice(8), '01', 'the current month by default (Gregorian here)');
  assert.ok(end > start);
});

test('given bad parameters, then a 400 names the field and nothing changes', async () => {
  const ws = await t.workspace();
  for (const [url, field] of [
    ['/api/v1/analytics/kpis?grain=decade', 'grain'],
    ['/api/v1/analytics/kpis?periods=0', 'periods'],
    ['/api/v1/analytics/kpis?date=1405-13-40', 'date'],
    ['/api/v1/analytics/cohorts?grain=quarter', 'grain'],
    ['/api/v1/analytics/customers?sort=random', 'sort'],
  ] as const) {
    const res = await ws.api.get(url);
    assert.equal(res.statusCode, 400, url);
    assert.equal(res.json().error.field, field, url);
  }
  const before = (await ws.api.get('/api/v1/analytics/settings')).json();
  for (const [body, field] of [
    [{ activeDays: 0 }, 'activeDays'],
    [{ discountRate: 2 }, 'discountRate'],
    [{ calendar: 'lunar' }, 'calendar'],
    [{ focus: { kpi: 'revenue', target: 10, start: '2026-03-01', end: '2026-01-01' } }, 'focus.end'],
  ] as const) {
    const res = await ws.api.patch('/api/v1/analytics/settings', body);
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.equal(res.json().error.field, field, JSON.stringify(body));
  }
  assert.deepEqual((await ws.api.get('/api/v1/analytics/settings')).json(), before);
  const analyst = await ws.keyFor('support');
  assert.equal((await analyst.post('/api/v1/analytics/refresh')).statusCode, 403, 'support may read figures, not recompute them');
  assert.equal((await analyst.get('/api/v1/analytics/rfm')).statusCode, 200);
});

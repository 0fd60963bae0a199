import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { dayNumber, isoDay, todayIn } from '../analytics/periods.ts';
import { loadAnalyticsContext } from '../analytics/settings.ts';
import { addCustomer, addOrders } from '../analytics/testing.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestApp, type TestWorkspace } from '../testing/harness.ts';
import { adjustOrder } from '../tracking/orders.ts';
import { listFactSets } from './facts.ts';
import { compileRules, liveCustomers, loadRuleContext } from './rules/compile.ts';
import type { RuleGroup } from './rules/schema.ts';
import { SegmentService } from './service.ts';

// No background worker: each test runs the full recompute itself.
const t = await createTestApp({ VAFA_SEGMENTS_TICK_MS: '0', VAFA_SEGMENTS_RECOMPUTE_MS: '0' });
const service = new SegmentService({ db: t.db, log: createLogger('silent'), defaultCountry: 'IR' });

type Rules = Record<string, unknown>;
const and = (...conditions: Rules[]): Rules => ({ type: 'group', op: 'and', conditions });
const did = (name: string, rest: Rules = {}): Rules => ({ type: 'event', name, operator: 'did', ...rest });
const bought = (rest: Rules = {}): Rules => ({ type: 'order', metric: 'order_count', operator: 'gte', value: 1, ...rest });

async function createSegment(w: TestWorkspace, name: string, rules: Rules): Promise<string> {
  const res = await w.api.post('/api/v1/segments', { name, kind: 'dynamic', rules });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

let seq = 0;
async function track(w: TestWorkspace, userId: string, event: string, on?: string) {
  const message = { type: 'track', userId, event, properties: {}, messageId: `cf-${++seq}`, ...(on ? { timestamp: `${on}T12:00:00Z` } : {}) };
  const res = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ writeKey: w.writeKey, batch: [message] }) });
  assert.equal(res.statusCode, 200, res.body);
}

/** Every figure of the workspace's per-set tables, one line per customer × set (`e<slot>` or `o`). */
async function perSetFigures(workspaceId: string): Promise<string[]> {
  const rows = await sql<{ k: string }>`
    select e.customer_id || ' e' || s.slot || ' ' || e.total || ' ' || e.last_at as k
    from segment_event_facts e join segment_fact_sets s on s.id = e.set_id where s.workspace_id = ${workspaceId}::uuid
    union all
    select o.customer_id || ' o ' || o.orders || ' ' || o.spent_minor || ' ' || o.first_placed_at || ' ' || o.last_placed_at
    from segment_order_facts o join segment_fact_sets s on s.id = o.set_id where s.workspace_id = ${workspaceId}::uuid
    order by 1`.execute(t.db);
  return rows.rows.map((r) => r.k);
}

/** The same lines read from segment_customer_facts: each set's figures at its slot, the orders in their columns. */
async function wideFigures(workspaceId: string): Promise<string[]> {
  const rows = await sql<{ k: string }>`
    select w.customer_id || ' e' || s.slot || ' ' || w.totals[s.slot] || ' ' || w.lasts[s.slot] as k
    from segment_customer_facts w join segment_fact_sets s on s.workspace_id = w.workspace_id and s.slot > 0
    where w.workspace_id = ${workspaceId}::uuid and w.totals[s.slot] is not null
    union all
    select w.customer_id || ' o ' || w.orders || ' ' || w.spent_minor || ' ' || w.first_placed_at || ' ' || w.last_placed_at
    from segment_customer_facts w where w.workspace_id = ${workspaceId}::uuid and w.orders is not null
    order by 1`.execute(t.db);
  return rows.rows.map((r) => r.k);
}

/**
 * The wide rows hold exactly the per-set figures: each at its set's slot, nothing at a slot no set
 * holds, no row for a customer without facts. And the members are what the raw rows answer.
 */
async function assertRowsAgree(w: TestWorkspace, when: string) {
  const perSet = await perSetFigures(w.id);
  assert.deepEqual(await wideFigures(w.id), perSet, `figures at their slots, ${when}`);
  const stray = await sql<{ n: number }>`
    select count(*)::int as n from segment_customer_facts w
    where w.workspace_id = ${w.id}::uuid
      and ((select count(*) from unnest(w.totals) v where v is not null) + (w.orders is not null)::int
           <> (select count(*) from segment_event_facts e join segment_fact_sets s on s.id = e.set_id where s.workspace_id = w.workspace_id and e.customer_id = w.customer_id)
            + (select count(*) from segment_order_facts o join segment_fact_sets s on s.id = o.set_id where s.workspace_id = w.workspace_id and o.customer_id = w.customer_id))`.execute(
    t.db,
  );
  assert.equal(stray.rows[0]?.n, 0, `no figure at a slot without a set, no row without a fact, ${when}`);
  const segments = await sql<{ id: string; name: string; rules: RuleGroup }>`
    select id, name, rules from segments where workspace_id = ${w.id} and kind = 'dynamic' order by name`.execute(t.db);
  const ctx = await loadRuleContext(t.db, w.id, 'IR');
  for (const s of segments.rows) {
    const raw = await sql<{ id: string }>`select c.id from customers c where ${liveCustomers(w.id)} and ${compileRules(s.rules, ctx)} order by c.id`.execute(t.db);
    const members = await sql<{ id: string }>`select customer_id as id from segment_members where segment_id = ${s.id} order by customer_id`.execute(t.db);
    assert.deepEqual(members.rows, raw.rows, `members of ${s.name}, ${when}`);
  }
}

/** Event name (or 'orders') → slot of each fact set of the workspace. */
const slots = async (w: TestWorkspace) => Object.fromEntries((await listFactSets(t.db, w.id)).map((s) => [s.spec.kind === 'orders' ? 'orders' : s.spec.name, s.slot]));

/** The row version (xmin) of each customer's wide row: changes when the row is written again. */
async function versions(workspaceId: string): Promise<Map<string, string>> {
  const rows = await sql<{ customer_id: string; v: string }>`select customer_id::text, xmin::text as v from segment_customer_facts where workspace_id = ${workspaceId}::uuid`.execute(t.db);
  return new Map(rows.rows.map((r) => [r.customer_id, r.v]));
}

describe('one row of facts per customer', () => {
  test('given sets added and dropped, then every row holds the figures of the sets in use at their slots, a freed slot is reused', async () => {
    const w = await t.workspace();
    const day = todayIn((await loadAnalyticsContext(t.db, w.id)).timezone);
    const ago = (n: number) => isoDay(dayNumber(day) - n);
    const sara = await addCustomer(w.api, { externalId: 'sara', firstName: 'Sara' });
    const ali = await addCustomer(w.api, { externalId: 'ali', firstName: 'Ali' });
    await addCustomer(w.api, { externalId: 'nima', firstName: 'Nima' });
    await track(w, 'sara', 'Product Viewed', ago(3));
    await track(w, 'sara', 'Product Viewed', ago(1));
    await track(w, 'ali', 'Checkout', ago(2));
    await addOrders(t.db, w.id, [{ customerId: ali, on: ago(2), total: 3000, externalId: 'o-ali' }]);

    const viewers = await createSegment(w, 'Viewers', and(did('Product Viewed')));
    await service.recomputeWorkspace(w.id);
    assert.deepEqual(await slots(w), { 'Product Viewed': 1 });
    assert.deepEqual([...(await versions(w.id)).keys()], [sara], 'only customers with a fact have a row');
    await assertRowsAgree(w, 'one set');

    await createSegment(w, 'Buyers who checked out', and(did('Checkout', { days: 7 }), bought()));
    await service.recomputeWorkspace(w.id);
    assert.deepEqual(await slots(w), { 'Product Viewed': 1, Checkout: 2, orders: 0 });
    assert.deepEqual([...(await versions(w.id)).keys()].sort(), [sara, ali].sort());
    await assertRowsAgree(w, 'sets added');

    assert.equal((await w.api.delete(`/api/v1/segments/${viewers}`)).statusCode, 204);
    await service.recomputeWorkspace(w.id);
    assert.deepEqual(await slots(w), { Checkout: 2, orders: 0 });
    assert.deepEqual([...(await versions(w.id)).keys()], [ali], "Sara's only fact was in the dropped set");
    await assertRowsAgree(w, 'a set dropped');

    await createSegment(w, 'Sharers', and(did('Page Shared', { operator: 'did_not' })));
    await track(w, 'sara', 'Page Shared');
    await service.recomputeWorkspace(w.id);
    assert.deepEqual(await slots(w), { Checkout: 2, orders: 0, 'Page Shared': 1 }, 'the freed slot taken again');
    await assertRowsAgree(w, 'a set added in a freed slot');
  });

  test('given events, an order, a refund and an erasure since the last recompute, then only the rows of those customers are written again', async () => {
    const w = await t.workspace();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push(await addCustomer(w.api, { externalId: `c${i}`, firstName: `C${i}` }));
      await track(w, `c${i}`, 'Product Viewed');
    }
    await addOrders(t.db, w.id, [{ customerId: ids[0] as string, on: isoDay(dayNumber(todayIn('UTC')) - 1), total: 1000, externalId: 'o-0' }]);
    await createSegment(w, 'Viewed twice', and(did('Product Viewed', { count: { operator: 'at_least', value: 2 } })));
    await createSegment(w, 'Never bought', and(bought({ metric: 'order_count', operator: 'equals', value: 0 })));
    await service.recomputeWorkspace(w.id);
    await assertRowsAgree(w, 'after the fill');
    const before = await versions(w.id);
    // The rows so far received an hour ago: older than the last check minus the late-row margin.
    for (const table of ['events', 'orders']) {
      await sql`update ${sql.table(table)} set ${sql.ref(table === 'events' ? 'received_at' : 'updated_at')} = now() - interval '1 hour' where workspace_id = ${w.id}::uuid`.execute(t.db);
    }
    await sql`update customers set updated_at = now() - interval '1 hour' where workspace_id = ${w.id}::uuid`.execute(t.db);

    await track(w, 'c1', 'Product Viewed');
    await addOrders(t.db, w.id, [{ customerId: ids[2] as string, on: isoDay(dayNumber(todayIn('UTC'))), total: 500, externalId: 'o-2' }]);
    assert.equal(await adjustOrder(t.db, w.id, 'o-0', { kind: 'refund' }), true);
    assert.equal((await w.api.delete(`/api/v1/customers/${ids[3]}`)).statusCode, 200);
    const r = await service.recomputeWorkspace(w.id);
    assert.equal(r.facts.filled, 0);
    await assertRowsAgree(w, 'after the changes');
    const after = await versions(w.id);
    for (const [i, id] of ids.entries()) {
      // c3 was erased (a profile change): re-read like the others, whatever facts it keeps.
      if (i <= 3) assert.notEqual(after.get(id), before.get(id), `c${i} re-read`);
      else assert.equal(after.get(id), before.get(id), `c${i} untouched`);
    }
  });

  test('given a crash (PostgreSQL empties unlogged tables on restart), then the next recompute fills every set and rebuilds the rows; rows alone missing are rebuilt too', async () => {
    const w = await t.workspace();
    const a = await addCustomer(w.api, { externalId: 'a', firstName: 'A' });
    await track(w, 'a', 'Checkout');
    await track(w, 'a', 'Product Viewed');
    await addOrders(t.db, w.id, [{ customerId: a, on: isoDay(dayNumber(todayIn('UTC')) - 3), total: 700, externalId: 'o-a' }]);
    await createSegment(w, 'Checked out, viewed, bought', and(did('Checkout'), did('Product Viewed', { days: 30 }), bought()));
    await service.recomputeWorkspace(w.id);
    await assertRowsAgree(w, 'before the crash');
    const figures = await wideFigures(w.id);
    assert.equal(figures.length, 3);

    // What a crash restart does to unlogged tables: each is reset to empty, all together.
    await sql`truncate segment_fact_sets, segment_event_facts, segment_order_facts, segment_customer_facts`.execute(t.db);
    const refilled = await service.recomputeWorkspace(w.id);
    assert.equal(refilled.facts.filled, 3);
    assert.deepEqual(refilled.diffs.map((d) => [d.total, d.entered, d.exited]), [[1, 0, 0]]);
    assert.deepEqual(await wideFigures(w.id), figures);
    await assertRowsAgree(w, 'after the crash');

    // Sets holding facts without rows (filled by a version before this table): rebuilt, not read empty.
    await sql`delete from segment_customer_facts where workspace_id = ${w.id}::uuid`.execute(t.db);
    const rebuilt = await service.recomputeWorkspace(w.id);
    assert.equal(rebuilt.facts.filled, 0);
    assert.deepEqual(rebuilt.diffs.map((d) => [d.total, d.entered, d.exited]), [[1, 0, 0]]);
    assert.deepEqual(await wideFigures(w.id), figures);
  });
});

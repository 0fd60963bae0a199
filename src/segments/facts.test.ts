import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { dayNumber, isoDay, todayIn } from '../analytics/periods.ts';
import { loadAnalyticsContext } from '../analytics/settings.ts';
import { addCustomer, addOrders } from '../analytics/testing.ts';
import type { Db } from '../database.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestApp, type TestWorkspace } from '../testing/harness.ts';
import { adjustOrder } from '../tracking/orders.ts';
import { applyRules, type MembershipChange } from './membership.ts';
import { listFactSets } from './facts.ts';
import { compileRules, liveCustomers, loadRuleContext } from './rules/compile.ts';
import type { RuleGroup } from './rules/schema.ts';
import { SharedJoins } from './rules/shared-joins.ts';
import { SegmentService } from './service.ts';
import { SegmentWorker } from './worker.ts';

// No background worker: each test runs the incremental pass and the full recompute itself.
const t = await createTestApp({ VAFA_SEGMENTS_TICK_MS: '0', VAFA_SEGMENTS_RECOMPUTE_MS: '0' });
const log = createLogger('silent');
const service = new SegmentService({ db: t.db, log, defaultCountry: 'IR' });
const worker = new SegmentWorker({ db: t.db, log, service, tickMs: 0, recomputeMs: 0 });

type Rules = Record<string, unknown>;
const and = (...conditions: Rules[]): Rules => ({ type: 'group', op: 'and', conditions });
const viewed = (rest: Rules = {}): Rules => ({ type: 'event', name: 'Product Viewed', operator: 'did', ...rest });
const order = (metric: string, operator: string, rest: Rules = {}): Rules => ({ type: 'order', metric, operator, ...rest });

async function createSegment(w: TestWorkspace, name: string, rules: Rules): Promise<string> {
  const res = await w.api.post('/api/v1/segments', { name, kind: 'dynamic', rules });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

async function today(w: TestWorkspace) {
  return todayIn((await loadAnalyticsContext(t.db, w.id)).timezone);
}

let seq = 0;
async function track(w: TestWorkspace, userId: string, event: string, properties: Rules = {}, on?: string) {
  const message = { type: 'track', userId, event, properties, messageId: `r-${++seq}`, ...(on ? { timestamp: `${on}T12:00:00Z` } : {}) };
  const res = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ writeKey: w.writeKey, batch: [message] }) });
  assert.equal(res.statusCode, 200, res.body);
}

/** Live customers `rules` match, evaluated over the raw rows or in the one-pass form over the facts. */
async function matching(db: Db, workspaceId: string, rules: RuleGroup, from: 'raw' | 'facts', now?: Date): Promise<string[]> {
  const base = await loadRuleContext(db, workspaceId, 'IR', now);
  if (from === 'raw') {
    const rows = await sql<{ id: string }>`select c.id from customers c where ${liveCustomers(workspaceId)} and ${compileRules(rules, base)}`.execute(db);
    return rows.rows.map((r) => r.id).sort();
  }
  const facts = new Map((await listFactSets(db, workspaceId)).map((r) => [r.signature, r.slot]));
  const joins = new SharedJoins();
  const predicate = compileRules(rules, { ...base, facts, joins });
  const rows = await sql<{ id: string }>`select c.id from customers c ${joins.clauses()} where ${liveCustomers(workspaceId)} and ${predicate}`.execute(db);
  return rows.rows.map((r) => r.id).sort();
}

/**
 * After a full recompute (which brings the facts up to date), for every dynamic segment of the
 * workspace: the facts answer what the raw rows answer, and the members are those customers.
 */
async function assertFactsAgree(w: TestWorkspace, when: string, probesUpTo?: number) {
  await service.recomputeWorkspace(w.id, { probesUpTo });
  const segments = await sql<{ id: string; name: string; rules: RuleGroup; member_count: number }>`
    select id, name, rules, member_count from segments where workspace_id = ${w.id} and kind = 'dynamic' order by name`.execute(t.db);
  for (const s of segments.rows) {
    const raw = await matching(t.db, w.id, s.rules, 'raw');
    assert.deepEqual(await matching(t.db, w.id, s.rules, 'facts'), raw, `${s.name}, ${when}`);
    assert.deepEqual(await memberIds(s.id), raw, `members of ${s.name}, ${when}`);
    assert.equal(s.member_count, raw.length, `member count of ${s.name}, ${when}`);
  }
}

async function memberIds(segmentId: string): Promise<string[]> {
  const rows = await sql<{ customer_id: string }>`select customer_id from segment_members where segment_id = ${segmentId} order by customer_id`.execute(t.db);
  return rows.rows.map((r) => r.customer_id);
}

describe('facts', () => {
  test('given facts brought up to date by the full recompute, then after events, cancels, refunds, a merge and an erasure they answer what the raw rows answer', async () => {
    const w = await t.workspace();
    const day = await today(w);
    const ago = (n: number) => isoDay(dayNumber(day) - n);
    const sara = await addCustomer(w.api, { externalId: 'sara', firstName: 'Sara' });
    const ali = await addCustomer(w.api, { externalId: 'ali', firstName: 'Ali' });
    const reza = await addCustomer(w.api, { externalId: 'reza', firstName: 'Reza' });
    await track(w, 'sara', 'Product Viewed', { category: 'shoes' }, ago(1));
    await track(w, 'ali', 'Product Viewed', { category: 'hats' }, ago(20));
    await addOrders(t.db, w.id, [
      { customerId: sara, on: ago(3), total: 5000, externalId: 'o-sara-1' },
      { customerId: ali, on: ago(40), total: 2000, externalId: 'o-ali-1' },
      { customerId: ali, on: ago(2), total: 1000, externalId: 'o-ali-2' },
    ]);
    const segments = {
      'viewed twice': and(viewed({ count: { operator: 'at_least', value: 2 } })),
      'viewed this week': and(viewed({ days: 7 })),
      'no shoes viewed': and(viewed({ operator: 'did_not', properties: [{ path: 'category', operator: 'equals', value: 'shoes' }] })),
      'twice in 10 days': and(viewed({ count: { operator: 'at_least', value: 2 }, days: 10 })),
      'once exactly in 30 days': and(viewed({ count: { operator: 'exactly', value: 1 }, days: 30 })),
      'spent 3,000+': and(order('total_spent', 'gte', { value: 3000 })),
      'never bought': and(order('order_count', 'equals', { value: 0 })),
      'average 2,500': and(order('average_order', 'equals', { value: 2500 })),
      'first order 30+ days ago': and(order('first_order_date', 'more_than_days_ago', { days: 30 })),
      'bought this week': and(order('last_order_date', 'within_last_days', { days: 7 })),
    };
    for (const [name, rules] of Object.entries(segments)) await createSegment(w, name, rules);
    assert.equal((await listFactSets(t.db, w.id)).length, 0, 'saving a segment evaluates the raw rows');
    await assertFactsAgree(w, 'after the fill');
    assert.equal((await listFactSets(t.db, w.id)).length, 3, 'orders; Product Viewed; with shoes (counts within a window read the raw rows)');

    await track(w, 'sara', 'Product Viewed', { category: 'bags' }, ago(2));
    await track(w, 'reza', 'Product Viewed', { category: 'shoes' });
    await track(w, 'ali', 'Product Viewed', { category: 'shoes' }, ago(5));
    await addOrders(t.db, w.id, [{ customerId: reza, on: ago(1), total: 2500, externalId: 'o-reza-1' }]);
    await worker.incremental(w.id);
    await assertFactsAgree(w, 'after new events and an order', 0);

    assert.equal(await adjustOrder(t.db, w.id, 'o-sara-1', { kind: 'cancel' }), true);
    assert.equal(await adjustOrder(t.db, w.id, 'o-ali-2', { kind: 'refund', amountMinor: 400 }), true);
    await worker.incremental(w.id);
    await assertFactsAgree(w, 'after a cancel and a partial refund');
    assert.equal(await adjustOrder(t.db, w.id, 'o-ali-2', { kind: 'refund' }), true);
    await worker.incremental(w.id);
    await assertFactsAgree(w, 'after a full refund', 0);

    const merged = await w.api.post('/api/v1/customers/merge', { primaryId: sara, secondaryId: ali });
    assert.equal(merged.statusCode, 200, merged.body);
    await worker.incremental(w.id);
    await assertFactsAgree(w, 'after a merge', 0);
    assert.deepEqual(await matching(t.db, w.id, and(viewed({ count: { operator: 'at_least', value: 4 } })) as unknown as RuleGroup, 'raw'), [sara], "the survivor has Ali's events too");

    assert.equal((await w.api.delete(`/api/v1/customers/${reza}`)).statusCode, 200);
    await worker.incremental(w.id);
    await assertFactsAgree(w, 'after an erasure');
    const again = await service.recomputeWorkspace(w.id);
    assert.deepEqual(again.diffs.filter((d) => d.entered + d.exited > 0), [], 'nothing changed since: nothing written');
  });

  test('given a count within a window, when the days pass, then the full recompute lets the customer go', async () => {
    const w = await t.workspace();
    const day = await today(w);
    const ago = (n: number) => isoDay(dayNumber(day) - n);
    const id = await addCustomer(w.api, { externalId: 'fan', firstName: 'Fan' });
    await track(w, 'fan', 'Product Viewed', {}, ago(3));
    await track(w, 'fan', 'Product Viewed', {}, ago(2));
    const segment = await createSegment(w, 'Twice in 5 days', and(viewed({ count: { operator: 'at_least', value: 2 }, days: 5 })));
    assert.deepEqual(await memberIds(segment), [id]);
    const inDays = (n: number) => new Date(Date.now() + n * 86_400_000);

    await service.recomputeWorkspace(w.id, { now: inDays(2) });
    assert.deepEqual(await memberIds(segment), [id], 'both views still within 5 days (today included)');
    const { diffs } = await service.recomputeWorkspace(w.id, { now: inDays(3) });
    assert.deepEqual(await memberIds(segment), [], 'the first view fell out of the window');
    assert.deepEqual(diffs.map((d) => [d.total, d.entered, d.exited]), [[0, 0, 1]]);
    assert.deepEqual(await matching(t.db, w.id, and(viewed({ count: { operator: 'at_least', value: 2 }, days: 5 })) as unknown as RuleGroup, 'raw', inDays(3)), []);
    const history = await sql<{ action: string; cause: string }>`select action, cause from segment_history where segment_id = ${segment} order by id`.execute(t.db);
    assert.deepEqual(history.rows.map((h) => [h.action, h.cause]), [['entered', 'rules'], ['exited', 'rules']]);
  });

  test('given a row committed after the incremental pass moved past it, then the full recompute still counts it', async () => {
    const w = await t.workspace();
    const late = await addCustomer(w.api, { externalId: 'late', firstName: 'Late' });
    await addCustomer(w.api, { externalId: 'other', firstName: 'Other' });
    const segment = await createSegment(w, 'Checked out', and({ type: 'event', name: 'Checkout', operator: 'did' }));
    await service.recomputeWorkspace(w.id);
    assert.equal((await listFactSets(t.db, w.id)).length, 1, 'filled by the first full recompute');
    await worker.incremental(w.id);
    // Another customer's event moves the watermark to its received_at.
    await track(w, 'other', 'Page Shared');
    await worker.incremental(w.id);
    // A row stamped 3 s before that (its transaction started then) commits only now: beyond the 1 s overlap.
    await sql`insert into events (workspace_id, id, message_id, customer_id, type, name, occurred_at, received_at)
              select ${w.id}::uuid, gen_random_uuid(), 'late-1', ${late}::uuid, 'track', 'Checkout', now(), events_at - interval '3 seconds'
              from segment_watermarks where workspace_id = ${w.id}`.execute(t.db);
    await worker.incremental(w.id);
    assert.deepEqual(await memberIds(segment), [], 'the incremental pass did not see it');

    await service.recomputeWorkspace(w.id);
    assert.deepEqual(await memberIds(segment), [late], 'the recompute re-read the rows received since its last check');
    assert.deepEqual(await matching(t.db, w.id, and({ type: 'event', name: 'Checkout', operator: 'did' }) as unknown as RuleGroup, 'facts'), [late]);
  });

  test('given two segments sharing a condition, then they share one fact set, dropped with its facts when neither uses it', async () => {
    const w = await t.workspace();
    await addCustomer(w.api, { externalId: 'a', firstName: 'A' });
    await track(w, 'a', 'Product Viewed', { category: 'shoes', price: 10 });
    const shoes = [
      { path: 'price', operator: 'gte', value: 5 },
      { path: 'category', operator: 'equals', value: 'shoes' },
    ];
    const first = await createSegment(w, 'Shoes', and(viewed({ properties: shoes })));
    const second = await createSegment(w, 'Shoes, twice', and(viewed({ properties: [...shoes].reverse(), count: { operator: 'at_least', value: 2 } })));
    await service.recomputeWorkspace(w.id);
    const sets = await listFactSets(t.db, w.id);
    assert.equal(sets.length, 1, 'the same filters in another order are the same condition');
    const facts = async () => (await sql<{ n: number }>`select count(*)::int as n from segment_event_facts where set_id = ${sets[0]?.id}::bigint`.execute(t.db)).rows[0]?.n;
    assert.equal(await facts(), 1);

    assert.equal((await w.api.delete(`/api/v1/segments/${first}`)).statusCode, 204);
    await service.recomputeWorkspace(w.id);
    assert.equal((await listFactSets(t.db, w.id)).length, 1, 'still read by the other segment');
    assert.equal((await w.api.patch(`/api/v1/segments/${second}`, { rules: and({ type: 'tag', operator: 'has', value: 'vip' }) })).statusCode, 200);
    await service.recomputeWorkspace(w.id);
    assert.deepEqual(await listFactSets(t.db, w.id), []);
    assert.equal(await facts(), 0);
  });

  test('given one member swapped for another (the same count), then the one-pass recompute sees the change', async () => {
    const w = await t.workspace();
    const a = await addCustomer(w.api, { firstName: 'A', tags: ['vip'] });
    const b = await addCustomer(w.api, { firstName: 'B' });
    const segment = await createSegment(w, 'VIP', and({ type: 'tag', operator: 'has', value: 'vip' }));
    assert.deepEqual(await memberIds(segment), [a]);
    // Behind the incremental pass's back (no updated_at), so only the full recompute can tell.
    await sql`update customers set tags = case when id = ${a}::uuid then '{}'::text[] else array['vip'] end where id in (${a}::uuid, ${b}::uuid)`.execute(t.db);
    const { diffs } = await service.recomputeWorkspace(w.id);
    assert.deepEqual(diffs.map((d) => [d.total, d.entered, d.exited]), [[1, 1, 1]]);
    assert.deepEqual(await memberIds(segment), [b]);
    assert.equal(await service.count(w.id, segment), 1);
  });

  test('given the same changes, then the one-pass recompute writes the memberships and history that one recompute per segment writes', async () => {
    const w = await t.workspace();
    const day = await today(w);
    const ago = (n: number) => isoDay(dayNumber(day) - n);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(await addCustomer(w.api, { externalId: `c${i}`, firstName: `C${i}`, city: i % 3 ? 'Tehran' : 'Shiraz', tags: i % 4 ? [] : ['vip'] }));
      for (let k = 0; k < i % 4; k++) await track(w, `c${i}`, 'Product Viewed', { category: k ? 'hats' : 'shoes' }, ago(k * 10));
    }
    await addOrders(t.db, w.id, ids.slice(0, 6).map((customerId, i) => ({ customerId, on: ago(i * 50), total: 1000 * (i + 1) })));
    const rules: Rules[] = [
      and({ type: 'profile', field: 'city', operator: 'equals', value: 'Tehran' }),
      and({ type: 'tag', operator: 'has', value: 'vip' }, viewed({})),
      and(viewed({ count: { operator: 'at_least', value: 2 }, days: 15 })),
      and(order('last_order_date', 'more_than_days_ago', { days: 100 })),
      { type: 'group', op: 'or', conditions: [order('order_count', 'equals', { value: 0 }), viewed({ properties: [{ path: 'category', operator: 'equals', value: 'shoes' }] })] },
    ];
    const segments: string[] = [];
    for (const [i, r] of rules.entries()) segments.push(await createSegment(w, `S${i}`, r));
    // Behind the incremental pass's back (no updated_at): profiles change, and 60 days pass.
    await sql`update customers set city = 'Tehran', tags = array['vip'] where id = any(${ids.slice(0, 4)}::uuid[])`.execute(t.db);
    const later = new Date(Date.now() + 60 * 86_400_000);

    const snapshot = async (db: Db) => {
      const members = await sql<{ k: string }>`select segment_id || ' ' || customer_id as k from segment_members where workspace_id = ${w.id} order by 1`.execute(db);
      const history = await sql<{ k: string }>`select segment_id || ' ' || customer_id || ' ' || action || ' ' || cause as k from segment_history
                                                 where workspace_id = ${w.id} order by 1`.execute(db);
      const counts = await sql<{ k: string }>`select id || ' ' || member_count as k from segments where workspace_id = ${w.id} order by 1`.execute(db);
      return { members: members.rows.map((r) => r.k), history: history.rows.map((r) => r.k), counts: counts.rows.map((r) => r.k) };
    };
    // Reference: the raw rules, one applyRules per segment, in a transaction rolled back.
    let perSegment: Awaited<ReturnType<typeof snapshot>> | undefined;
    const perSegmentChanges: MembershipChange[] = [];
    await t.db
      .transaction()
      .execute(async (tx) => {
        const ctx = await loadRuleContext(tx, w.id, 'IR', later);
        for (const [i, id] of segments.entries()) {
          const diff = await applyRules(tx, { workspaceId: w.id, segmentId: id, predicate: compileRules(rules[i] as unknown as RuleGroup, ctx), withIds: true });
          perSegmentChanges.push(...diff.changes);
        }
        perSegment = await snapshot(tx);
        throw new Error('roll back');
      })
      .catch((e: Error) => assert.equal(e.message, 'roll back'));

    const heard: MembershipChange[] = [];
    const stop = service.listeners.add((c) => void heard.push(c));
    await service.recomputeWorkspace(w.id, { now: later });
    stop();
    const onePass = await snapshot(t.db);
    assert.ok(perSegment);
    assert.ok(perSegmentChanges.length > 0, 'the changes changed memberships');
    assert.deepEqual(onePass, perSegment);
    const key = (c: MembershipChange) => `${c.segmentId} ${c.action} ${[...c.customerIds].sort().join(',')}`;
    assert.deepEqual(heard.map(key).sort(), perSegmentChanges.map(key).sort(), 'listeners hear the same entries and exits');
  });
});

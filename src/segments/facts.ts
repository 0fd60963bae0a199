import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../database.ts';
import { rebuildCustomerFacts, rewriteCustomerFacts } from './customer-facts.ts';
import { propertyFilter } from './rules/compile.ts';
import { type FactSpec, factSetsOf } from './rules/fact-spec.ts';
import type { RuleGroup } from './rules/schema.ts';

/**
 * Facts: per-customer figures (migration 0015; what each set keeps: ./rules/fact-spec.ts) that
 * the full recompute of a workspace reads instead of scanning every event and order once per
 * segment. Only the full recompute reads or writes them, inside its transaction, which holds the
 * workspace's recompute lock:
 *
 * - filled in one scan of the raw rows when a set is first needed (a new condition, or after a
 *   crash emptied the unlogged tables);
 * - brought up to date before each evaluation (catchUp): the customers with events, orders or
 *   profile changes since the sets' last check minus LATE_ROW_MARGIN are re-read from their raw
 *   rows. That covers what the incremental pass saw and what it could not (rows that committed
 *   after its watermark's overlap), merges and erasures (the profile changes), cancels and
 *   refunds (the order changes);
 * - dropped, with their rows, when no dynamic segment of the workspace uses them;
 * - gathered per customer into one row (./customer-facts.ts), which is what the recompute's scan
 *   reads: rebuilt when a set was filled or dropped, rewritten for the re-read customers otherwise.
 *
 * The incremental pass (worker.ts) never touches them: it evaluates its few customers on the raw
 * rows through the per-customer indexes, so an event's way to a membership stays as short as it
 * was. Saving a segment evaluates it on the raw rows too (the first fill is not slowed by a fact
 * fill).
 */
export interface FactSet {
  id: string;
  signature: string;
  spec: FactSpec;
  /** Where its figures sit in segment_customer_facts' arrays: from 1 for event sets, 0 for orders. */
  slot: number;
}

/**
 * How late a row may commit after its timestamp (its transaction's start) and still be caught by
 * the next full recompute: longer transactions than this writing events or orders are not expected.
 */
export const LATE_ROW_MARGIN = '5 minutes';

/** Customers re-read per statement: bounds the size of the id list sent. */
const CHUNK = 20_000;

/**
 * From this many customers a set is re-read in one hashed pass over its raw rows rather than by
 * index probes: a probe costs ~0.7 ms (one index and heap visit per monthly events partition;
 * measured at 100,000 customers), a hashed pass ~1 µs per row of the event name.
 */
const PROBES_UP_TO = 500;

export async function listFactSets(db: Db, workspaceId: string): Promise<FactSet[]> {
  const rows = await sql<FactSet>`select id::text, signature, spec, slot from segment_fact_sets where workspace_id = ${workspaceId}::uuid order by id`.execute(db);
  return rows.rows;
}

/** The fact sets the given rules read, by signature. */
export function factSetsNeeded(rules: readonly RuleGroup[]): Map<string, FactSpec> {
  const needs = new Map<string, FactSpec>();
  for (const r of rules) factSetsOf(r, needs);
  return needs;
}

/**
 * Brings the workspace's fact sets to what `needs` lists, up to date with the raw rows: drops
 * those not needed, re-reads the customers changed since the last check into the others
 * (catchUp), fills the missing ones, then brings the one-row-per-customer table up to date with
 * them. Returns signature → slot (what the conditions read: ./rules/from-facts.ts), how many
 * customers were re-read and how many sets filled. `probesUpTo`: see PROBES_UP_TO (tests lower it
 * to cover both forms).
 */
export async function prepareFacts(
  tx: Db,
  workspaceId: string,
  needs: ReadonlyMap<string, FactSpec>,
  probesUpTo = PROBES_UP_TO,
): Promise<{ slots: Map<string, number>; refreshed: number; filled: number }> {
  const wanted = [...needs.keys()];
  const dropped = await sql`delete from segment_fact_sets where workspace_id = ${workspaceId}::uuid and not (signature = any(${wanted}::text[]))`.execute(tx);
  const sets = await listFactSets(tx, workspaceId);
  const reread = await catchUp(tx, workspaceId, sets, probesUpTo);
  const known = new Set(sets.map((s) => s.signature));
  let filled = 0;
  for (const signature of wanted.sort()) {
    if (known.has(signature)) continue;
    const spec = needs.get(signature) as FactSpec;
    const slot = freeSlot(spec, sets);
    const created = await sql<{ id: string }>`
      insert into segment_fact_sets (workspace_id, signature, spec, slot) values (${workspaceId}::uuid, ${signature}, ${JSON.stringify(spec)}::jsonb, ${slot}::int)
      returning id::text`.execute(tx);
    const set = { id: (created.rows[0] as { id: string }).id, signature, spec, slot };
    await fill(tx, workspaceId, set);
    sets.push(set);
    filled++;
  }
  // The statement reading a set just filled is planned from the tables' statistics, which know
  // nothing of its rows yet (at a million customers that planned a per-customer rescan: minutes).
  if (filled > 0) await sql`analyze segment_event_facts, segment_order_facts`.execute(tx);
  // A set filled or dropped changes every customer's row (and after a crash emptied the unlogged
  // tables, every set is filled again): rebuilt. So are rows missing while sets have facts (sets
  // filled by a version without this table). Otherwise only the re-read customers changed.
  const changed = filled > 0 || Number(dropped.numAffectedRows ?? 0) > 0;
  if (changed || (sets.length > 0 && (await rowsMissing(tx, workspaceId)))) await rebuildCustomerFacts(tx, workspaceId, sets);
  else await rewriteCustomerFacts(tx, workspaceId, sets, reread);
  return { slots: new Map(sets.map((s) => [s.signature, s.slot])), refreshed: reread.length, filled };
}

/** Whether the workspace's sets hold facts but segment_customer_facts has no row for it (two index probes). */
async function rowsMissing(tx: Db, workspaceId: string): Promise<boolean> {
  const r = await sql<{ missing: boolean }>`
    select not exists (select 1 from segment_customer_facts where workspace_id = ${workspaceId}::uuid)
       and (exists (select 1 from segment_event_facts e join segment_fact_sets s on s.id = e.set_id where s.workspace_id = ${workspaceId}::uuid)
         or exists (select 1 from segment_order_facts o join segment_fact_sets s on s.id = o.set_id where s.workspace_id = ${workspaceId}::uuid)) as missing`.execute(tx);
  return r.rows[0]?.missing === true;
}

/** The orders set sits in fixed columns (slot 0); an event set takes the lowest slot no other set of the workspace holds. */
function freeSlot(spec: FactSpec, sets: readonly FactSet[]): number {
  if (spec.kind === 'orders') return 0;
  const taken = new Set(sets.map((s) => s.slot));
  let slot = 1;
  while (taken.has(slot)) slot++;
  return slot;
}

/**
 * Re-reads into `sets` the customers with rows received or changed since the sets' oldest check
 * minus LATE_ROW_MARGIN (through the received_at / updated_at indexes: work bounded by the
 * traffic since the last recompute), then stamps the check with this transaction's start. A
 * profile change (also a merge: the survivor's events and orders moved; an erasure) re-reads the
 * customer in every set. Returns the customers re-read (in any set).
 */
async function catchUp(tx: Db, workspaceId: string, sets: readonly FactSet[], probesUpTo: number): Promise<string[]> {
  if (sets.length === 0) return [];
  const names = [...new Set(sets.flatMap((s) => (s.spec.kind === 'event' ? [s.spec.name] : [])))];
  const orders = sets.some((s) => s.spec.kind === 'orders');
  const since = sql`((select min(checked_at) from segment_fact_sets where workspace_id = ${workspaceId}::uuid) - ${LATE_ROW_MARGIN}::interval)`;
  const rows = await sql<{ source: 'e' | 'o' | 'p'; customer_id: string; name: string | null }>`
    select 'e' as source, customer_id::text, name from events
     where workspace_id = ${workspaceId}::uuid and received_at > ${since} and name = any(${names}::text[]) group by customer_id, name
    union all
    select 'o', customer_id::text, null from orders where ${orders}::boolean and workspace_id = ${workspaceId}::uuid and updated_at > ${since} group by customer_id
    union all
    select 'p', id::text, null from customers where workspace_id = ${workspaceId}::uuid and updated_at > ${since}`.execute(tx);
  const profiles = new Set<string>();
  const byName = new Map<string, Set<string>>();
  const ofOrders = new Set<string>();
  for (const r of rows.rows) {
    if (r.source === 'p') profiles.add(r.customer_id);
    else if (r.source === 'o') ofOrders.add(r.customer_id);
    else {
      const ofName = byName.get(r.name ?? '') ?? new Set<string>();
      ofName.add(r.customer_id);
      byName.set(r.name ?? '', ofName);
    }
  }
  for (const set of sets) {
    const ids = new Set(profiles);
    for (const id of (set.spec.kind === 'orders' ? ofOrders : byName.get(set.spec.name)) ?? []) ids.add(id);
    const all = [...ids];
    for (let i = 0; i < all.length; i += CHUNK) await refresh(tx, workspaceId, set, all.slice(i, i + CHUNK), probesUpTo);
  }
  await sql`update segment_fact_sets set checked_at = now() where workspace_id = ${workspaceId}::uuid`.execute(tx);
  return [...new Set(rows.rows.map((r) => r.customer_id))];
}

/** The facts of one customer (`who`, a column) in `spec`, as (values…) aggregated over its raw rows. */
function aggregate(workspaceId: string, spec: FactSpec, who: RawBuilder<unknown> | undefined): RawBuilder<unknown> {
  if (spec.kind === 'orders') {
    // The purchases the order conditions count: not cancelled, not fully refunded.
    return sql`select ${who ? sql`` : sql`o.customer_id, `}count(*)::int as orders, sum(o.total_minor - o.refunded_minor) as spent_minor,
             min(o.placed_at) as first_placed_at, max(o.placed_at) as last_placed_at
      from orders o where ${who ? sql`o.customer_id = ${who} and ` : sql``}o.workspace_id = ${workspaceId}::uuid and o.status not in ('cancelled', 'refunded')
      ${who ? sql`` : sql`group by o.customer_id`}`;
  }
  const filters = spec.properties.map((f) => sql` and ${propertyFilter(f)}`);
  return sql`select ${who ? sql`` : sql`e.customer_id, `}count(*)::int as total, min(e.occurred_at) as first_at, max(e.occurred_at) as last_at
    from events e where ${who ? sql`e.customer_id = ${who} and ` : sql``}e.workspace_id = ${workspaceId}::uuid
      and e.type = ${spec.eventType}::text and e.name = ${spec.name}::text${sql.join(filters, sql``)}
    ${who ? sql`` : sql`group by e.customer_id`}`;
}

const shape = (spec: FactSpec) =>
  spec.kind === 'orders'
    ? { table: 'segment_order_facts', count: 'orders', values: ['orders', 'spent_minor', 'first_placed_at', 'last_placed_at'] }
    : { table: 'segment_event_facts', count: 'total', values: ['total', 'first_at', 'last_at'] };

const columns = (names: readonly string[], prefix = '') => sql.join(names.map((n) => sql.ref(`${prefix}${n}`)));

/** First fill of a new set: one hashed pass over the raw rows of the workspace. */
async function fill(tx: Db, workspaceId: string, set: FactSet): Promise<void> {
  const { table, values } = shape(set.spec);
  await sql`insert into ${sql.table(table)} (set_id, customer_id, ${columns(values)})
            select ${set.id}::bigint, customer_id, ${columns(values)} from (${aggregate(workspaceId, set.spec, undefined)}) fresh`.execute(tx);
}

/**
 * The facts of `customerIds` recomputed from their raw rows, upserted where they have rows,
 * deleted where they have none any more. A few customers: one index probe each (events_customer /
 * orders_customer; a lateral sub-query cannot turn into a scan of the set's rows). Many: see
 * PROBES_UP_TO.
 */
async function refresh(tx: Db, workspaceId: string, set: FactSet, customerIds: readonly string[], probesUpTo: number): Promise<void> {
  const { table, count, values } = shape(set.spec);
  const updates = sql.join(values.map((v) => sql`${sql.ref(v)} = excluded.${sql.ref(v)}`));
  // Many customers: the whole set aggregated in one hashed pass, then joined to them (a join
  // cannot be pushed into the grouped sub-query, so this stays a scan whatever the estimates).
  const fresh =
    customerIds.length > probesUpTo
      ? sql`select t.id as customer_id, ${sql.join(values.map((v) => (v === count ? sql`coalesce(x.${sql.ref(v)}, 0) as ${sql.ref(v)}` : sql`x.${sql.ref(v)}`)))}
          from unnest(${customerIds}::uuid[]) as t(id) left join (${aggregate(workspaceId, set.spec, undefined)}) x on x.customer_id = t.id`
      : sql`select t.id as customer_id, x.* from unnest(${customerIds}::uuid[]) as t(id)
          cross join lateral (${aggregate(workspaceId, set.spec, sql`t.id`)}) x`;
  await sql`
    with fresh as (${fresh}), upserted as (
      insert into ${sql.table(table)} (set_id, customer_id, ${columns(values)})
      select ${set.id}::bigint, customer_id, ${columns(values)} from fresh where ${sql.ref(count)} > 0
      on conflict (set_id, customer_id) do update set ${updates}
    )
    delete from ${sql.table(table)} f using fresh
    where f.set_id = ${set.id}::bigint and f.customer_id = fresh.customer_id and fresh.${sql.ref(count)} = 0`.execute(tx);
}

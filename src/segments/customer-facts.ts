import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { FactSet } from './facts.ts';

/**
 * segment_customer_facts (migration 0018): every fact of a customer in one row, which the full
 * recompute's scan joins once (./rules/from-facts.ts) instead of once per fact set. It is derived
 * from the per-set tables (segment_event_facts, segment_order_facts) inside prepareFacts's
 * transaction, so the two never disagree at the evaluation:
 *
 * - rebuilt for the whole workspace when a set was filled or dropped (slots change meaning);
 * - rewritten for the customers catchUp re-read otherwise (their rows deleted, then inserted
 *   again from the per-set tables: a customer with no fact left keeps no row).
 *
 * A row exists for each customer with at least one fact in some set of the workspace.
 */
export async function rebuildCustomerFacts(tx: Db, workspaceId: string, sets: readonly FactSet[]): Promise<void> {
  await sql`delete from segment_customer_facts where workspace_id = ${workspaceId}::uuid`.execute(tx);
  if (sets.length > 0) await insertRows(tx, workspaceId, sets, undefined);
  // The scan reading it is planned from its statistics: after a rebuild they describe other rows.
  await sql`analyze segment_customer_facts`.execute(tx);
}

/** Customers per statement: bounds the id list sent and the rows each statement holds. */
const CHUNK = 20_000;

export async function rewriteCustomerFacts(tx: Db, workspaceId: string, sets: readonly FactSet[], customerIds: readonly string[]): Promise<void> {
  for (let i = 0; i < customerIds.length; i += CHUNK) {
    const ids = customerIds.slice(i, i + CHUNK);
    await sql`delete from segment_customer_facts where workspace_id = ${workspaceId}::uuid and customer_id = any(${ids}::uuid[])`.execute(tx);
    if (sets.length > 0) await insertRows(tx, workspaceId, sets, ids);
  }
}

/**
 * One row per customer (of `customerIds`, or all) from the per-set rows: the event sets' figures
 * gathered into arrays at their slots, the orders set's into its columns.
 */
async function insertRows(tx: Db, workspaceId: string, sets: readonly FactSet[], customerIds: readonly string[] | undefined): Promise<void> {
  const events = sets.filter((s) => s.spec.kind === 'event');
  const orders = sets.find((s) => s.spec.kind === 'orders');
  const slots = Array.from({ length: Math.max(0, ...events.map((s) => s.slot)) }, (_, i) => i + 1);
  // Slots are integers we numbered (never rule text): literals, so the arrays' shapes are plain SQL.
  const gather = (column: string, type: string) =>
    slots.length === 0
      ? sql.raw(`'{}'::${type}[]`)
      : sql`array[${sql.join(slots.map((k) => sql`max(x.${sql.ref(column)}) filter (where x.slot = ${sql.lit(k)})`))}]::${sql.raw(type)}[]`;
  const only = (alias: string) => (customerIds ? sql`and ${sql.ref(`${alias}.customer_id`)} = any(${customerIds}::uuid[])` : sql``);
  const eventRows = sql`
    select s.slot, e.customer_id, e.total, e.last_at, null::int as orders, null::numeric as spent_minor, null::timestamptz as first_placed_at, null::timestamptz as last_placed_at
    from unnest(${events.map((s) => s.id)}::bigint[], ${events.map((s) => s.slot)}::int[]) as s(id, slot)
    join segment_event_facts e on e.set_id = s.id ${only('e')}`;
  const orderRows = orders
    ? sql`union all
      select 0, o.customer_id, null, null, o.orders, o.spent_minor, o.first_placed_at, o.last_placed_at
      from segment_order_facts o where o.set_id = ${orders.id}::bigint ${only('o')}`
    : sql``;
  await sql`
    insert into segment_customer_facts (workspace_id, customer_id, totals, lasts, orders, spent_minor, first_placed_at, last_placed_at)
    select ${workspaceId}::uuid, x.customer_id, ${gather('total', 'int')}, ${gather('last_at', 'timestamptz')},
           max(x.orders), max(x.spent_minor), max(x.first_placed_at), max(x.last_placed_at)
    from (${eventRows} ${orderRows}) x
    group by x.customer_id`.execute(tx);
}

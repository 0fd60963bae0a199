import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Logger } from '../platform/logger.ts';
import type { Predicate } from './rules/compare.ts';
import { liveCustomers } from './rules/compile.ts';
import type { MembershipAction, MembershipCause } from './tables.ts';

/** Who entered or left a segment; listeners get it after the change committed. */
export interface MembershipChange {
  workspaceId: string;
  segmentId: string;
  customerIds: string[];
  action: MembershipAction;
}

export type SegmentListener = (change: MembershipChange) => void | Promise<void>;

/**
 * Where later capabilities (journeys: "when a customer enters segment X") hear about membership
 * changes without this folder knowing them. Called after commit, in batches of at most 1,000
 * customers; a failing listener is logged and does not stop the others.
 */
export class SegmentListeners {
  readonly #listeners = new Set<SegmentListener>();

  constructor(private readonly log: Logger) {}

  /** Returns a function that removes the listener. */
  add(listener: SegmentListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  async notify(changes: readonly MembershipChange[]): Promise<void> {
    if (this.#listeners.size === 0) return;
    for (const change of changes) {
      for (let i = 0; i < change.customerIds.length; i += 1000) {
        const batch = { ...change, customerIds: change.customerIds.slice(i, i + 1000) };
        for (const listener of this.#listeners) {
          try {
            await listener(batch);
          } catch (e) {
            this.log.error({ err: e, segmentId: change.segmentId }, 'segment listener failed');
          }
        }
      }
    }
  }
}

export interface Diff {
  entered: number;
  exited: number;
  /** The customers, when asked for (listeners registered). */
  changes: MembershipChange[];
}

/**
 * Makes the members of one dynamic segment equal to the customers matching `predicate` — all of
 * them, or only `customerIds` for the incremental pass — in one statement: insert who is new,
 * delete who left, write a history row for each. The caller holds the segment's row lock (so no
 * other diff of the same segment interleaves) and owns the transaction.
 */
export async function applyRules(
  tx: Db,
  p: { workspaceId: string; segmentId: string; predicate: Predicate; customerIds?: readonly string[]; withIds: boolean },
): Promise<Diff> {
  const { workspaceId, segmentId } = p;
  const only = p.customerIds ? sql`and c.id = any(${[...p.customerIds]}::uuid[])` : sql``;
  const onlyMembers = p.customerIds ? sql`and m.customer_id = any(${[...p.customerIds]}::uuid[])` : sql``;
  const ids = p.withIds
    ? sql`(select coalesce(array_agg(customer_id::text), '{}') from entered) as entered_ids,
          (select coalesce(array_agg(customer_id::text), '{}') from exited) as exited_ids`
    : sql`null::text[] as entered_ids, null::text[] as exited_ids`;
  const result = await sql<{ entered: number; exited: number; total: number; entered_ids: string[] | null; exited_ids: string[] | null }>`
    with should as materialized (
      select c.id from customers c where ${liveCustomers(workspaceId)} ${only} and ${p.predicate}
    ), entered as (
      -- Only the new ones: an anti-join over the members, rather than a conflict check per member.
      insert into segment_members (segment_id, customer_id, workspace_id)
      select ${segmentId}::uuid, s.id, ${workspaceId}::uuid from should s
      where not exists (select 1 from segment_members m where m.segment_id = ${segmentId}::uuid and m.customer_id = s.id)
      on conflict do nothing
      returning customer_id
    ), exited as (
      delete from segment_members m
      where m.segment_id = ${segmentId}::uuid ${onlyMembers}
        and not exists (select 1 from should s where s.id = m.customer_id)
      returning m.customer_id
    ), history as (
      insert into segment_history (workspace_id, segment_id, customer_id, action, cause)
      select ${workspaceId}::uuid, ${segmentId}::uuid, customer_id, 'entered', 'rules' from entered
      union all
      select ${workspaceId}::uuid, ${segmentId}::uuid, customer_id, 'exited', 'rules' from exited
    )
    select (select count(*) from entered)::int as entered, (select count(*) from exited)::int as exited,
           (select count(*) from should)::int as total, ${ids}`.execute(tx);
  const row = result.rows[0] as NonNullable<(typeof result.rows)[0]>;
  if (p.customerIds) {
    if (row.entered !== row.exited) await sql`update segments set member_count = member_count + ${row.entered - row.exited}::int where id = ${segmentId}::uuid`.execute(tx);
  } else {
    await sql`update segments set member_count = ${row.total}::int, computed_at = now() where id = ${segmentId}::uuid`.execute(tx);
  }
  return { entered: row.entered, exited: row.exited, changes: changesOf(workspaceId, segmentId, row.entered_ids, row.exited_ids) };
}

function changesOf(workspaceId: string, segmentId: string, entered: string[] | null, exited: string[] | null): MembershipChange[] {
  const changes: MembershipChange[] = [];
  if (entered?.length) changes.push({ workspaceId, segmentId, customerIds: entered, action: 'entered' });
  if (exited?.length) changes.push({ workspaceId, segmentId, customerIds: exited, action: 'exited' });
  return changes;
}

/** Adds customers of the workspace (live ones only) to a manual segment; returns who was added. */
export async function addMembers(tx: Db, p: { workspaceId: string; segmentId: string; customerIds: readonly string[]; cause: MembershipCause }): Promise<string[]> {
  const result = await sql<{ customer_id: string }>`
    with added as (
      insert into segment_members (segment_id, customer_id, workspace_id)
      select ${p.segmentId}::uuid, c.id, ${p.workspaceId}::uuid from customers c
      where c.id = any(${[...p.customerIds]}::uuid[]) and ${liveCustomers(p.workspaceId)}
      on conflict do nothing
      returning customer_id
    ), history as (
      insert into segment_history (workspace_id, segment_id, customer_id, action, cause)
      select ${p.workspaceId}::uuid, ${p.segmentId}::uuid, customer_id, 'entered', ${p.cause}::text from added
    )
    select customer_id::text from added`.execute(tx);
  const added = result.rows.map((r) => r.customer_id);
  await sql`update segments set member_count = member_count + ${added.length}::int, computed_at = now(), updated_at = now() where id = ${p.segmentId}::uuid`.execute(tx);
  return added;
}

export async function removeMembers(tx: Db, p: { workspaceId: string; segmentId: string; customerIds: readonly string[]; cause: MembershipCause }): Promise<string[]> {
  const result = await sql<{ customer_id: string }>`
    with removed as (
      delete from segment_members m
      where m.segment_id = ${p.segmentId}::uuid and m.customer_id = any(${[...p.customerIds]}::uuid[])
      returning customer_id
    ), history as (
      insert into segment_history (workspace_id, segment_id, customer_id, action, cause)
      select ${p.workspaceId}::uuid, ${p.segmentId}::uuid, customer_id, 'exited', ${p.cause}::text from removed
    )
    select customer_id::text from removed`.execute(tx);
  const removed = result.rows.map((r) => r.customer_id);
  await sql`update segments set member_count = member_count - ${removed.length}::int, computed_at = now(), updated_at = now() where id = ${p.segmentId}::uuid`.execute(tx);
  return removed;
}

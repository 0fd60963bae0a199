import { sql } from 'kysely';
import type { CustomerDataOwner } from '../customers/hooks.ts';
import { beforeKey, type TimelineSource } from '../customers/timeline.ts';

/** Entered / exited records on the customer's timeline. */
export const segmentTimeline: TimelineSource = {
  kind: 'segment',
  rows: ({ workspaceId, customerId, before, limit }) => sql`
    select 'segment'::text as kind, h.id::text as id, h.occurred_at,
           jsonb_build_object('action', h.action, 'segmentId', h.segment_id, 'segmentName', s.name, 'cause', h.cause) as data
    from segment_history h join segments s on s.id = h.segment_id
    where h.workspace_id = ${workspaceId} and h.customer_id = ${customerId}
      and ${beforeKey('segment', sql`h.occurred_at`, sql`h.id::text`, before)}
    order by h.occurred_at desc, h.id::text desc limit ${limit}`,
};

/**
 * Merge: the memberships move to the surviving profile (where it is not a member already) and
 * so does the history; the merged one's duplicate memberships go. Dynamic segments are then
 * re-evaluated by the incremental pass, as the merged profile changed. Erase: memberships and
 * history go. Moved rows are named `m:<segment id>` and `h:<history id>` for an unmerge.
 */
export const segmentsOwner: CustomerDataOwner = {
  name: 'segments',
  async merge(db, { workspaceId, fromId, intoId }) {
    const moved = await sql<{ k: string }>`
      update segment_members m set customer_id = ${intoId}::uuid
      where m.workspace_id = ${workspaceId}::uuid and m.customer_id = ${fromId}::uuid
        and not exists (select 1 from segment_members o where o.segment_id = m.segment_id and o.customer_id = ${intoId}::uuid)
      returning 'm:' || m.segment_id::text as k`.execute(db);
    await dropMemberships(db, workspaceId, fromId);
    const history = await sql<{ k: string }>`
      update segment_history set customer_id = ${intoId}::uuid
      where workspace_id = ${workspaceId}::uuid and customer_id = ${fromId}::uuid
      returning 'h:' || id::text as k`.execute(db);
    return [...moved.rows, ...history.rows].map((r) => r.k);
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    const segments = ids.filter((k) => k.startsWith('m:')).map((k) => k.slice(2));
    const history = ids.filter((k) => k.startsWith('h:')).map((k) => k.slice(2));
    if (segments.length) {
      await sql`
        with moved as (
          delete from segment_members where workspace_id = ${workspaceId}::uuid and customer_id = ${fromId}::uuid
            and segment_id = any(${segments}::uuid[]) returning segment_id, entered_at
        )
        insert into segment_members (segment_id, customer_id, workspace_id, entered_at)
        select segment_id, ${intoId}::uuid, ${workspaceId}::uuid, entered_at from moved
        on conflict do nothing`.execute(db);
    }
    if (history.length) {
      await sql`update segment_history set customer_id = ${intoId}::uuid
                where workspace_id = ${workspaceId}::uuid and customer_id = ${fromId}::uuid and id::text = any(${history}::text[])`.execute(db);
    }
    await recount(db, workspaceId);
  },
  async erase(db, { workspaceId, customerId }) {
    await dropMemberships(db, workspaceId, customerId);
    await sql`delete from segment_history where workspace_id = ${workspaceId}::uuid and customer_id = ${customerId}::uuid`.execute(db);
  },
  async export(db, { workspaceId, customerId }) {
    const r = await sql`
      select s.name as segment, h.action, h.cause, h.occurred_at
      from segment_history h join segments s on s.id = h.segment_id
      where h.workspace_id = ${workspaceId}::uuid and h.customer_id = ${customerId}::uuid order by h.occurred_at`.execute(db);
    return r.rows;
  },
};

/** Deletes a customer's memberships and keeps the segments' counts right. */
async function dropMemberships(db: Parameters<CustomerDataOwner['erase']>[0], workspaceId: string, customerId: string) {
  await sql`
    with gone as (
      delete from segment_members where workspace_id = ${workspaceId}::uuid and customer_id = ${customerId}::uuid returning segment_id
    )
    update segments s set member_count = s.member_count - 1 from gone where s.id = gone.segment_id`.execute(db);
}

async function recount(db: Parameters<CustomerDataOwner['erase']>[0], workspaceId: string) {
  await sql`update segments s set member_count = (select count(*) from segment_members m where m.segment_id = s.id)
            where s.workspace_id = ${workspaceId}::uuid`.execute(db);
}

import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { invalid } from '../../platform/errors.ts';
import { decodeCursor, page } from '../../platform/http/pagination.ts';
import { memberColumns } from '../../segments/service.ts';
import { type ContactChannel, contactChannels, contactsOf, lastContactPerCustomer, lastContactsOf } from './contacts.ts';

const dayMs = 86_400_000;

export async function assertSegment(db: Db, workspaceId: string, segmentId: string, field = 'segmentId'): Promise<void> {
  const row = await db.selectFrom('segments').select('id').where('workspace_id', '=', workspaceId).where('id', '=', segmentId).executeTakeFirst();
  if (!row) throw invalid(field, 'is not a segment of this workspace');
}

/** Live customers of a workspace (not merged away, not erased), optionally within a segment. */
const audience = (workspaceId: string, segmentId: string | undefined) => sql`
  customers c where c.workspace_id = ${workspaceId}::uuid and c.merged_into is null and c.erased_at is null
  ${segmentId ? sql`and exists (select 1 from segment_members sm where sm.segment_id = ${segmentId}::uuid and sm.customer_id = c.id)` : sql``}`;

/** A customer's last contact per channel; 404 is the caller's (the customer is checked first). */
export async function customerContacts(db: Db, workspaceId: string, customerId: string) {
  const channels = await lastContactsOf(db, workspaceId, customerId);
  return { customerId, lastContactAt: channels[0]?.at ?? null, channels };
}

/**
 * Customers silent for at least `days` (on `channel`, or any), longest silence first, keyset by
 * (silent_since, id). A never-contacted customer's silence starts when they were created, so a
 * customer added yesterday is not "not contacted for 30 days".
 */
export async function notContacted(
  db: Db,
  workspaceId: string,
  q: { days: number; channel?: ContactChannel | undefined; segmentId?: string | undefined; limit: number; cursor?: string | undefined },
) {
  if (q.segmentId) await assertSegment(db, workspaceId, q.segmentId);
  const after = decodeCursor(q.cursor, 2) as [string, string] | undefined;
  if (after && (Number.isNaN(Date.parse(after[0])) || typeof after[1] !== 'string')) throw invalid('cursor', 'cursor is not one this API issued');
  const rows = await sql<{ customer_id: string; display_name: string; email: string | null; phone: string | null; last_at: Date | null; silent_since: Date; silent_key: string }>`
    with last as (${lastContactPerCustomer(workspaceId, q.channel)}),
    audience as (select c.* from ${audience(workspaceId, q.segmentId)}),
    silent as (
      select ${memberColumns}, last.at as last_at, coalesce(last.at, c.created_at) as silent_since
      from audience c left join last on last.customer_id = c.id
    )
    -- silent_key: full microsecond precision for the cursor (a JS Date keeps milliseconds only).
    select *, silent_since::text as silent_key from silent
    where silent_since <= now() - make_interval(days => ${q.days}::int)
      ${after ? sql`and (silent_since, customer_id::uuid) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by silent_since, customer_id::uuid
    limit ${q.limit + 1}`.execute(db);
  const now = Date.now();
  const data = rows.rows.map((r) => ({
    key: r.silent_key,
    customerId: r.customer_id,
    displayName: r.display_name,
    email: r.email,
    phone: r.phone,
    lastContactAt: r.last_at?.toISOString() ?? null,
    silentSince: r.silent_since.toISOString(),
    daysSilent: Math.floor((now - r.silent_since.getTime()) / dayMs),
  }));
  const result = page(data, q.limit, (last) => [last.key, last.customerId]);
  return { ...result, data: result.data.map(({ key: _, ...row }) => row) };
}

/** How many of a segment's members (or all customers) were contacted in the last 7/30/90 days, per channel and on any. */
export async function coverage(db: Db, workspaceId: string, segmentId: string | undefined) {
  if (segmentId) await assertSegment(db, workspaceId, segmentId);
  const result = await sql<{ channel: string; last7: string; last30: string; last90: string }>`
    with members as (select c.id from ${audience(workspaceId, segmentId)}),
    per_channel as (
      select x.customer_id, x.channel, max(x.at) as at
      from (${contactsOf(workspaceId)}) x join members on members.id = x.customer_id
      group by x.customer_id, x.channel
    ),
    per_customer as (select customer_id, 'any' as channel, max(at) as at from per_channel group by customer_id)
    select channel,
           count(*) filter (where at >= now() - interval '7 days') as last7,
           count(*) filter (where at >= now() - interval '30 days') as last30,
           count(*) filter (where at >= now() - interval '90 days') as last90
    from (select * from per_channel union all select * from per_customer) all_rows
    group by channel`.execute(db);
  const byChannel = new Map(result.rows.map((r) => [r.channel, r]));
  const customers = await sql<{ n: string }>`select count(*) as n from ${audience(workspaceId, segmentId)}`.execute(db);
  // Every channel is listed (zeros included) so that the console shows a stable table.
  const rows = (['any', ...contactChannels] as string[]).map((channel) => {
    const r = byChannel.get(channel);
    return { channel, last7: Number(r?.last7 ?? 0), last30: Number(r?.last30 ?? 0), last90: Number(r?.last90 ?? 0) };
  });
  return { segmentId: segmentId ?? null, customers: Number(customers.rows[0]?.n ?? 0), rows };
}

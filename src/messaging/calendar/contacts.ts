import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../database.ts';
import { channelKinds } from '../channels/channel.ts';

/**
 * Contact "channels": every channel kind, plus `team` for a person's own contact (a note written
 * about the customer, a task about them marked done).
 */
export const contactChannels = [...channelKinds, 'team'] as const;
export type ContactChannel = (typeof contactChannels)[number];

/** Who made a contact: a broadcast, a message sent through the API, or a team member. */
export type ContactBy = 'broadcast' | 'api' | 'person';

/** Message statuses that mean the message reached the provider (later receipts only add to it). */
const reachedStatuses = sql`('sent', 'delivered', 'read')`;

/**
 * Every contact of a workspace's customers, one row per contact:
 * (customer_id, channel, at, by_kind, by_label, broadcast_id).
 * The outbox has no "sent by" column: a message with a broadcast_id was sent by that broadcast
 * (labelled with its name), any other by the messages API (journeys, integrations). Notes count
 * when written (labelled with the author), tasks when done (labelled with the assignee).
 */
export function contactsOf(workspaceId: string, f: { channel?: ContactChannel | undefined; customerId?: string | undefined } = {}): RawBuilder<unknown> {
  const byCustomer = (column: string) => (f.customerId ? sql`and ${sql.ref(column)} = ${f.customerId}::uuid` : sql``);
  const messages = sql`
    select m.customer_id, m.channel, m.sent_at as at,
           case when m.broadcast_id is null then 'api' else 'broadcast' end as by_kind,
           b.name as by_label, m.broadcast_id
    from messages m
    left join broadcasts b on b.id = m.broadcast_id and b.workspace_id = m.workspace_id
    where m.workspace_id = ${workspaceId}::uuid and m.status in ${reachedStatuses}
      and m.sent_at is not null and m.channel is not null ${byCustomer('m.customer_id')}
      ${f.channel && f.channel !== 'team' ? sql`and m.channel = ${f.channel}` : sql``}`;
  const team = sql`
    select n.customer_id, 'team' as channel, n.created_at as at, 'person' as by_kind, n.author_label as by_label, null::uuid as broadcast_id
    from notes n where n.workspace_id = ${workspaceId}::uuid ${byCustomer('n.customer_id')}
    union all
    select t.customer_id, 'team', t.completed_at, 'person', coalesce(u.name, u.email, t.created_by_label), null::uuid
    from tasks t left join users u on u.id = t.assignee_id
    where t.workspace_id = ${workspaceId}::uuid and t.status = 'done' and t.customer_id is not null
      and t.completed_at is not null ${byCustomer('t.customer_id')}`;
  if (!f.channel) return sql`${messages} union all ${team}`;
  return f.channel === 'team' ? team : messages;
}

export interface ChannelContact {
  channel: ContactChannel;
  at: string;
  by: ContactBy;
  /** The broadcast's name or the team member's name; null for the API. */
  label: string | null;
  broadcastId: string | null;
}

/** A customer's last contact on each channel, most recent first. */
export async function lastContactsOf(db: Db, workspaceId: string, customerId: string): Promise<ChannelContact[]> {
  const rows = await sql<{ channel: ContactChannel; at: Date; by_kind: ContactBy; by_label: string | null; broadcast_id: string | null }>`
    select * from (
      select distinct on (channel) channel, at, by_kind, by_label, broadcast_id
      from (${contactsOf(workspaceId, { customerId })}) c
      order by channel, at desc
    ) last order by at desc`.execute(db);
  return rows.rows.map((r) => ({ channel: r.channel, at: r.at.toISOString(), by: r.by_kind, label: r.by_label, broadcastId: r.broadcast_id }));
}

/** Each customer's last contact (on one channel, or any): (customer_id, at). */
export const lastContactPerCustomer = (workspaceId: string, channel?: ContactChannel) =>
  sql`select customer_id, max(at) as at from (${contactsOf(workspaceId, { channel })}) c group by customer_id`;

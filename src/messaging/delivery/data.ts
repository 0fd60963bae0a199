import { sql } from 'kysely';
import type { CustomerDataOwner } from '../../customers/hooks.ts';
import { beforeKey, type TimelineSource } from '../../customers/timeline.ts';

/**
 * The "message" timeline entries: every outbound message (status, channel, why it was skipped)
 * and every inbound reply or STOP, newest first.
 */
export const messageTimeline: TimelineSource = {
  kind: 'message',
  rows: ({ workspaceId, customerId, before, limit }) => sql`
    select * from (
      select 'message'::text as kind, m.id::text as id, m.created_at as occurred_at,
             jsonb_build_object('direction', 'outbound', 'status', m.status, 'reason', m.reason, 'channel', m.channel,
                                'category', m.category, 'templateId', m.template_id, 'broadcastId', m.broadcast_id,
                                'sentAt', m.sent_at) as data
        from messages m
       where m.workspace_id = ${workspaceId} and m.customer_id = ${customerId}
         and ${beforeKey('message', sql`m.created_at`, sql`m.id::text`, before)}
       order by m.created_at desc, m.id desc limit ${limit}
    ) outbound
    union all
    select * from (
      select 'message'::text as kind, i.id::text as id, i.received_at as occurred_at,
             jsonb_build_object('direction', 'inbound', 'channel', i.kind, 'text', i.body, 'stop', i.stop) as data
        from inbound_messages i
       where i.workspace_id = ${workspaceId} and i.customer_id = ${customerId}
         and ${beforeKey('message', sql`i.received_at`, sql`i.id::text`, before)}
       order by i.received_at desc, i.id desc limit ${limit}
    ) inbound`,
};

const moved = (r: { rows: { k: string }[] }) => r.rows.map((x) => x.k);

/**
 * Messages, inbound replies, addresses and suppressions follow the customer through merge,
 * unmerge, erasure and export. Moved ids are prefixed by what they are (m: message, i: inbound,
 * a: address kind, s: suppression "kind address") so that unmerge moves each back.
 */
export const messagingDataOwner: CustomerDataOwner = {
  name: 'messages',
  async merge(db, { workspaceId, fromId, intoId }) {
    const messages = await sql<{ k: string }>`update messages set customer_id = ${intoId}
      where workspace_id = ${workspaceId} and customer_id = ${fromId} returning 'm:' || id::text as k`.execute(db);
    const inbound = await sql<{ k: string }>`update inbound_messages set customer_id = ${intoId}
      where workspace_id = ${workspaceId} and customer_id = ${fromId} returning 'i:' || id::text as k`.execute(db);
    // The primary keeps its own address of a kind; the secondary's moves only where it has none.
    const addresses = await sql<{ k: string }>`update customer_addresses a set customer_id = ${intoId}
      where a.workspace_id = ${workspaceId} and a.customer_id = ${fromId}
        and not exists (select 1 from customer_addresses b where b.customer_id = ${intoId} and b.kind = a.kind)
      returning 'a:' || a.kind as k`.execute(db);
    const suppressions = await sql<{ k: string }>`update suppressions s set customer_id = ${intoId}
      where s.workspace_id = ${workspaceId} and s.customer_id = ${fromId}
        and not exists (select 1 from suppressions t where t.customer_id = ${intoId} and t.kind = s.kind and t.address = s.address)
      returning 's:' || s.kind || ' ' || s.address as k`.execute(db);
    return [...moved(messages), ...moved(inbound), ...moved(addresses), ...moved(suppressions)];
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    const of = (prefix: string) => ids.filter((i) => i.startsWith(prefix)).map((i) => i.slice(2));
    const [m, i, a, s] = [of('m:'), of('i:'), of('a:'), of('s:')];
    if (m.length) await sql`update messages set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} and id::text = any(${m}::text[])`.execute(db);
    if (i.length) await sql`update inbound_messages set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} and id::text = any(${i}::text[])`.execute(db);
    if (a.length) await sql`update customer_addresses set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} and kind = any(${a}::text[])`.execute(db);
    if (s.length) await sql`update suppressions set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} and kind || ' ' || address = any(${s}::text[])`.execute(db);
  },
  async erase(db, { workspaceId, customerId }) {
    // Statuses and counts stay for delivery reports; what identified or addressed the person goes.
    // Suppressions go too: an erased profile is never contacted again anyway.
    await sql`update messages set address = null, variables = '{}', content = null, provider_message_id = null,
                     status = case when status in ('queued', 'scheduled') then 'skipped' else status end,
                     reason = case when status in ('queued', 'scheduled') then 'customer-gone' else reason end
              where workspace_id = ${workspaceId} and customer_id = ${customerId}`.execute(db);
    await sql`update message_events e set detail = '{}' from messages m
              where m.id = e.message_id and m.workspace_id = ${workspaceId} and m.customer_id = ${customerId}`.execute(db);
    await sql`delete from inbound_messages where workspace_id = ${workspaceId} and customer_id = ${customerId}`.execute(db);
    await sql`delete from customer_addresses where workspace_id = ${workspaceId} and customer_id = ${customerId}`.execute(db);
    await sql`delete from suppressions where workspace_id = ${workspaceId} and customer_id = ${customerId}`.execute(db);
  },
  async export(db, { workspaceId, customerId }) {
    const [messages, inbound, addresses] = await Promise.all([
      sql`select id, category, channel, address, status, reason, template_id, content, variables, created_at, sent_at
            from messages where workspace_id = ${workspaceId} and customer_id = ${customerId} order by created_at`.execute(db),
      sql`select kind, sender, body, stop, received_at from inbound_messages where workspace_id = ${workspaceId} and customer_id = ${customerId} order by received_at`.execute(db),
      sql`select kind, address, status, updated_at from customer_addresses where workspace_id = ${workspaceId} and customer_id = ${customerId} order by kind`.execute(db),
    ]);
    return { messages: messages.rows, inbound: inbound.rows, addresses: addresses.rows };
  },
};

import { sql } from 'kysely';
import type { CustomerDataOwner } from '../../customers/hooks.ts';
import type { Db } from '../../database.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import { ALL_CHANNELS } from './tables.ts';

/**
 * Whether the customer said "not this topic" for this channel (or for every channel). The delivery
 * pipeline calls it for a marketing message that has a topic, after the channel consent check.
 *
 * @example
 * if (topic && (await isOptedOut(db, workspaceId, customerId, topic, 'email'))) skip('topic-opted-out');
 */
export async function isOptedOut(db: Db, workspaceId: string, customerId: string, topic: string, channel: string): Promise<boolean> {
  const row = await db
    .selectFrom('topic_opt_outs')
    .select('topic')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('topic', '=', topic)
    .where('channel', 'in', [channel, ALL_CHANNELS])
    .executeTakeFirst();
  return row !== undefined;
}

export interface OptOutRow {
  topic: string;
  channel: string;
  source: string;
  messageId: string | null;
  createdAt: Date;
}

export async function optOutsOf(db: Db, workspaceId: string, customerId: string): Promise<OptOutRow[]> {
  const rows = await db
    .selectFrom('topic_opt_outs')
    .select(['topic', 'channel', 'source', 'message_id', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('topic')
    .orderBy('channel')
    .execute();
  return rows.map((r) => ({ topic: r.topic, channel: r.channel, source: r.source, messageId: r.message_id, createdAt: r.created_at }));
}

export interface TopicChange {
  customerId: string;
  topic: string;
  /** A ChannelKind, or ALL_CHANNELS. */
  channel: string;
  source: string;
  messageId?: string | undefined;
}

/**
 * A line on the customer's timeline (kind "activity", like consent changes) and in the audit log.
 * customer_activity belongs to customers; its `action` is free text, and these two actions are ours.
 */
async function record(db: Db, actor: Actor, action: 'topic_opted_out' | 'topic_opted_in', change: TopicChange & { channels: string[] }) {
  const data = { topic: change.topic, channels: change.channels, source: change.source, ...(change.messageId ? { messageId: change.messageId } : {}) };
  await db.insertInto('customer_activity').values({ workspace_id: actor.workspaceId, customer_id: change.customerId, action, data: JSON.stringify(data), actor_label: actor.label }).execute();
  await recordAudit(db, actor, { action: `customer.${action}`, targetType: 'customer', targetId: change.customerId, changes: data });
}

/** Opts out; true when this changed anything (a repeat is a no-op and records nothing). */
export async function optOutOfTopic(db: Db, actor: Actor, change: TopicChange): Promise<boolean> {
  const inserted = await db
    .insertInto('topic_opt_outs')
    .values({ workspace_id: actor.workspaceId, customer_id: change.customerId, topic: change.topic, channel: change.channel, source: change.source, message_id: change.messageId ?? null })
    .onConflict((oc) => oc.columns(['customer_id', 'topic', 'channel']).doNothing())
    .returning('channel')
    .executeTakeFirst();
  if (inserted) await record(db, actor, 'topic_opted_out', { ...change, channels: [change.channel] });
  return inserted !== undefined;
}

/** Subscribes again on every channel (all the topic's opt-outs go); true when anything changed. */
export async function optIntoTopic(db: Db, actor: Actor, change: Omit<TopicChange, 'channel'>): Promise<boolean> {
  const deleted = await db
    .deleteFrom('topic_opt_outs')
    .where('workspace_id', '=', actor.workspaceId)
    .where('customer_id', '=', change.customerId)
    .where('topic', '=', change.topic)
    .returning('channel')
    .execute();
  if (deleted.length) await record(db, actor, 'topic_opted_in', { ...change, channel: ALL_CHANNELS, channels: deleted.map((d) => d.channel) });
  return deleted.length > 0;
}

const keysOf = (rows: { k: string }[]) => rows.map((r) => r.k);

/** Topic opt-outs follow the customer through merge, unmerge, erasure and export. */
export const topicOptOutsOwner: CustomerDataOwner = {
  name: 'topicOptOuts',
  async merge(db, { workspaceId, fromId, intoId }) {
    // A stop said on either profile holds for the merged one; a duplicate (same topic and channel) is dropped.
    const moved = await sql<{ k: string }>`update topic_opt_outs o set customer_id = ${intoId}
      where o.workspace_id = ${workspaceId} and o.customer_id = ${fromId}
        and not exists (select 1 from topic_opt_outs p where p.customer_id = ${intoId} and p.topic = o.topic and p.channel = o.channel)
      returning o.topic || ' ' || o.channel as k`.execute(db);
    return keysOf(moved.rows);
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    if (!ids.length) return;
    await sql`update topic_opt_outs set customer_id = ${intoId}
      where workspace_id = ${workspaceId} and customer_id = ${fromId} and topic || ' ' || channel = any(${ids}::text[])`.execute(db);
  },
  async erase(db, { workspaceId, customerId }) {
    // An erased profile is never contacted again; what it chose identifies nobody once gone.
    await db.deleteFrom('topic_opt_outs').where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId).execute();
  },
  async export(db, { workspaceId, customerId }) {
    return (await optOutsOf(db, workspaceId, customerId)).map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  },
};

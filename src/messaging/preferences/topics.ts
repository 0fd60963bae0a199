import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import type { TopicLabels } from './tables.ts';

/** A subscription topic as the API shows it. */
export interface TopicView {
  key: string;
  labels: TopicLabels;
  /** Customers who opted out of it on at least one channel. */
  optedOut: number;
  createdAt: string;
  updatedAt: string;
}

const topicRows = (db: Db, workspaceId: string) =>
  db
    .selectFrom('messaging_topics as t')
    .select(['t.key', 't.labels', 't.created_at', 't.updated_at'])
    .select(sql<number>`(select count(distinct o.customer_id) from topic_opt_outs o where o.workspace_id = t.workspace_id and o.topic = t.key)`.as('opted_out'))
    .where('t.workspace_id', '=', workspaceId);

type TopicRow = { key: string; labels: TopicLabels; created_at: Date; updated_at: Date; opted_out: number };

const toView = (r: TopicRow): TopicView => ({
  key: r.key,
  labels: r.labels,
  optedOut: Number(r.opted_out),
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function listTopics(db: Db, workspaceId: string): Promise<TopicView[]> {
  return (await topicRows(db, workspaceId).orderBy('t.key').execute()).map(toView);
}

export async function getTopic(db: Db, workspaceId: string, key: string): Promise<TopicView> {
  const row = await topicRows(db, workspaceId).where('t.key', '=', key).executeTakeFirst();
  if (!row) throw notFound('Topic');
  return toView(row);
}

export async function createTopic(db: Db, actor: Actor, input: { key: string; labels: TopicLabels }): Promise<TopicView> {
  const inserted = await db
    .insertInto('messaging_topics')
    .values({ workspace_id: actor.workspaceId, key: input.key, labels: JSON.stringify(input.labels) })
    .onConflict((oc) => oc.columns(['workspace_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!inserted) throw conflict(`A topic "${input.key}" already exists`, 'key');
  await recordAudit(db, actor, { action: 'messaging.topic_created', targetType: 'topic', targetId: input.key, changes: { labels: input.labels } });
  return getTopic(db, actor.workspaceId, input.key);
}

export async function updateTopic(db: Db, actor: Actor, key: string, input: { labels: TopicLabels }): Promise<TopicView> {
  const updated = await db
    .updateTable('messaging_topics')
    .set({ labels: JSON.stringify(input.labels), updated_at: new Date() })
    .where('workspace_id', '=', actor.workspaceId)
    .where('key', '=', key)
    .returning('key')
    .executeTakeFirst();
  if (!updated) throw notFound('Topic');
  await recordAudit(db, actor, { action: 'messaging.topic_updated', targetType: 'topic', targetId: key, changes: { labels: input.labels } });
  return getTopic(db, actor.workspaceId, key);
}

/** Removes the topic from the preference page. Opt-outs stay (see the migration): a topic made again later keeps them. */
export async function deleteTopic(db: Db, actor: Actor, key: string): Promise<void> {
  const deleted = await db.deleteFrom('messaging_topics').where('workspace_id', '=', actor.workspaceId).where('key', '=', key).returning('key').executeTakeFirst();
  if (!deleted) throw notFound('Topic');
  await recordAudit(db, actor, { action: 'messaging.topic_deleted', targetType: 'topic', targetId: key });
}

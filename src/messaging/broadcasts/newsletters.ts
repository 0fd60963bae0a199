import { sql, type Selectable } from 'kysely';
import type { Db } from '../../database.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { decodeCursor, page } from '../../platform/http/pagination.ts';
import type { Result } from '../../platform/result.ts';
import type { ChannelKind } from '../channels/channel.ts';
import { loadMessagingSettings } from '../delivery/settings.ts';
import { fetchFeed, newItems, type FeedItem } from './feed.ts';
import { nextRunAt } from './schedule.ts';
import type { CreateNewsletter, NewsletterRun, NewsletterView, UpdateNewsletter } from './schemas.ts';
import { startSend } from './sender.ts';
import { assertSegment, createBroadcast, loadTemplates } from './store.ts';
import type { BroadcastTables } from './tables.ts';

export type Newsletter = Selectable<BroadcastTables['newsletters']>;
export type FeedFetcher = (url: string) => Promise<Result<FeedItem[], string>>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** Ids remembered to tell apart items at the same instant or without dates. */
const maxSeenIds = 500;

export function toNewsletterView(n: Newsletter): NewsletterView {
  return {
    id: n.id,
    name: n.name,
    feedUrl: n.feed_url,
    schedule: n.schedule,
    segmentId: n.segment_id,
    templateId: n.template_id,
    channels: n.channels.length ? (n.channels as ChannelKind[]) : 'auto',
    priority: n.priority,
    topic: n.topic,
    maxItems: n.max_items,
    active: n.active,
    nextRunAt: iso(n.next_run_at),
    lastRunAt: iso(n.last_run_at),
    lastItemAt: iso(n.last_item_at),
    lastBroadcastId: n.last_broadcast_id,
    lastError: n.last_error,
    createdBy: n.created_by,
    createdAt: n.created_at.toISOString(),
    updatedAt: n.updated_at.toISOString(),
  };
}

function channelsOf(channels: 'auto' | ChannelKind[]): string[] {
  if (channels === 'auto') return [];
  if (new Set(channels).size !== channels.length) throw invalid('channels', 'a channel is listed twice');
  return channels;
}

async function nextRun(db: Db, workspaceId: string, n: { active: boolean; schedule: Newsletter['schedule'] }, now: Date): Promise<Date | null> {
  if (!n.active) return null;
  const { timezone } = await loadMessagingSettings(db, workspaceId);
  return nextRunAt(n.schedule, timezone, now);
}

export async function createNewsletter(db: Db, workspaceId: string, body: CreateNewsletter, createdBy: string, now: Date): Promise<Newsletter> {
  await assertSegment(db, workspaceId, body.segmentId);
  await loadTemplates(db, workspaceId, [body.templateId], 'templateId');
  return (await db
    .insertInto('newsletters')
    .values({
      workspace_id: workspaceId,
      name: body.name,
      feed_url: body.feedUrl,
      schedule: JSON.stringify(body.schedule),
      segment_id: body.segmentId,
      template_id: body.templateId,
      channels: channelsOf(body.channels),
      priority: body.priority,
      topic: body.topic ?? null,
      max_items: body.maxItems,
      active: body.active,
      next_run_at: await nextRun(db, workspaceId, body, now),
      created_by: createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as Newsletter;
}

export async function getNewsletter(db: Db, workspaceId: string, id: string, lock = false): Promise<Newsletter> {
  let q = db.selectFrom('newsletters').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as Newsletter | undefined;
  if (!row) throw notFound('Newsletter');
  return row;
}

export async function updateNewsletter(db: Db, workspaceId: string, id: string, body: UpdateNewsletter, now: Date): Promise<Newsletter> {
  const current = await getNewsletter(db, workspaceId, id, true);
  if (body.segmentId) await assertSegment(db, workspaceId, body.segmentId);
  if (body.templateId) await loadTemplates(db, workspaceId, [body.templateId], 'templateId');
  const schedule = body.schedule ?? current.schedule;
  const active = body.active ?? current.active;
  const reschedule = body.schedule !== undefined || body.active !== undefined;
  return (await db
    .updateTable('newsletters')
    .set({
      ...(body.name !== undefined && { name: body.name }),
      ...(body.feedUrl !== undefined && { feed_url: body.feedUrl }),
      ...(body.schedule !== undefined && { schedule: JSON.stringify(body.schedule) }),
      ...(body.segmentId !== undefined && { segment_id: body.segmentId }),
      ...(body.templateId !== undefined && { template_id: body.templateId }),
      ...(body.channels !== undefined && { channels: channelsOf(body.channels) }),
      ...(body.priority !== undefined && { priority: body.priority }),
      ...(body.topic !== undefined && { topic: body.topic }),
      ...(body.maxItems !== undefined && { max_items: body.maxItems }),
      ...(body.active !== undefined && { active: body.active }),
      ...(reschedule && { next_run_at: await nextRun(db, workspaceId, { active, schedule }, now) }),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as Newsletter;
}

export async function deleteNewsletter(db: Db, workspaceId: string, id: string): Promise<void> {
  await getNewsletter(db, workspaceId, id, true);
  await db.deleteFrom('newsletters').where('id', '=', id).execute();
}

export async function listNewsletters(db: Db, workspaceId: string, f: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(f.cursor, 2) as [string, string] | undefined;
  let q = db.selectFrom('newsletters').selectAll().select(sql<string>`created_at::text`.as('created_exact')).where('workspace_id', '=', workspaceId);
  if (after) q = q.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  const result = page(rows, f.limit, (last) => [last.created_exact, last.id]);
  return { data: result.data.map((r) => toNewsletterView(r as Newsletter)), nextCursor: result.nextCursor };
}

/**
 * One issue of a newsletter, inside the caller's transaction (which holds the newsletter's row
 * lock): fetch the feed, keep the items not sent before, and when there are any create a
 * broadcast to the segment with them as `vars.items` and start it. The cursor (newest item date,
 * seen ids) moves in the same transaction as the broadcast is created, so an issue is never
 * sent twice nor lost. A scheduled run also moves `next_run_at`; a manual run does not.
 */
export async function runNewsletter(tx: Db, n: Newsletter, opts: { now: Date; scheduled: boolean; fetcher?: FeedFetcher }): Promise<NewsletterRun> {
  const { now } = opts;
  const next = opts.scheduled ? { next_run_at: await nextRun(tx, n.workspace_id, n, now) } : {};
  const feed = await (opts.fetcher ?? fetchFeed)(n.feed_url);
  if (!feed.ok) {
    await tx.updateTable('newsletters').set({ last_run_at: now, last_error: feed.error, updated_at: now, ...next }).where('id', '=', n.id).execute();
    return { outcome: 'failed', items: 0, broadcastId: null, error: feed.error };
  }
  const items = newItems(feed.value, n.last_item_at, n.seen_ids, n.max_items);
  if (items.length === 0) {
    await tx.updateTable('newsletters').set({ last_run_at: now, last_error: null, updated_at: now, ...next }).where('id', '=', n.id).execute();
    return { outcome: 'no-new-items', items: 0, broadcastId: null, error: null };
  }
  // The segment or template may have been deleted since: createBroadcast checks before writing.
  const created = await createBroadcast(
    tx,
    n.workspace_id,
    {
      name: `${n.name} · ${now.toISOString().slice(0, 10)}`,
      segmentId: n.segment_id,
      templateId: n.template_id,
      holdoutPercent: 0,
      channels: n.channels.length ? (n.channels as ChannelKind[]) : 'auto',
      priority: n.priority,
      topic: n.topic,
      maxPerMinute: null,
      goal: { event: 'Order Completed', days: 7 },
      variables: { items },
      language: null,
    },
    { createdBy: `newsletter: ${n.name}`, newsletterId: n.id },
  ).catch((e: unknown) => {
    if (e instanceof AppError) return e;
    throw e;
  });
  if (created instanceof AppError) {
    const error = `${created.field ? `${created.field}: ` : ''}${created.message}`;
    await tx.updateTable('newsletters').set({ last_run_at: now, last_error: error, updated_at: now, ...next }).where('id', '=', n.id).execute();
    return { outcome: 'failed', items: items.length, broadcastId: null, error };
  }
  const broadcast = created;
  await startSend(tx, n.workspace_id, broadcast.id, undefined, now);
  const newest = items.map((i) => i.date).filter((d): d is string => d !== null).sort().at(-1);
  const lastItemAt = newest && (!n.last_item_at || Date.parse(newest) > n.last_item_at.getTime()) ? new Date(newest) : n.last_item_at;
  await tx
    .updateTable('newsletters')
    .set({ last_run_at: now, last_error: null, last_item_at: lastItemAt, seen_ids: [...items.map((i) => i.id), ...n.seen_ids].slice(0, maxSeenIds), last_broadcast_id: broadcast.id, updated_at: now, ...next })
    .where('id', '=', n.id)
    .execute();
  return { outcome: 'sent', items: items.length, broadcastId: broadcast.id, error: null };
}

/** Claims one due newsletter (`FOR UPDATE SKIP LOCKED`) and runs it; false when none is due. */
export async function runDueNewsletter(db: Db, now: Date, fetcher?: FeedFetcher): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const due = (await tx
      .selectFrom('newsletters')
      .selectAll()
      .where('active', '=', true)
      .where('next_run_at', '<=', now)
      .orderBy('next_run_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst()) as Newsletter | undefined;
    if (!due) return false;
    await runNewsletter(tx, due, { now, scheduled: true, ...(fetcher && { fetcher }) });
    return true;
  });
}

import { sql, type Selectable } from 'kysely';
import type { Db } from '../../database.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { decodeCursor, page } from '../../platform/http/pagination.ts';
import type { ChannelKind } from '../channels/channel.ts';
import { variantKeys, type BroadcastStatus, type BroadcastView, type CreateBroadcast, type UpdateBroadcast } from './schemas.ts';
import type { BroadcastRow, StoredVariant } from './tables.ts';

export type Broadcast = Selectable<BroadcastRow>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toBroadcastView(r: Broadcast): BroadcastView {
  const variants = r.variants;
  return {
    id: r.id,
    name: r.name,
    segmentId: r.segment_id,
    templateId: (variants[0] as StoredVariant).templateId,
    variants,
    holdoutPercent: Number(r.holdout_percent),
    channels: r.channels.length ? (r.channels as ChannelKind[]) : 'auto',
    category: r.category,
    priority: r.priority,
    topic: r.topic,
    maxPerMinute: r.max_per_minute,
    goal: { event: r.goal_event, days: r.goal_days },
    variables: r.variables,
    language: r.language,
    status: r.status,
    sendAt: iso(r.send_at),
    startedAt: iso(r.started_at),
    enqueuedAt: iso(r.enqueued_at),
    finishedAt: iso(r.finished_at),
    pausedAt: iso(r.paused_at),
    cancelledAt: iso(r.cancelled_at),
    newsletterId: r.newsletter_id,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The segment must exist in the workspace (dynamic or manual). */
export async function assertSegment(db: Db, workspaceId: string, segmentId: string, field = 'segmentId'): Promise<void> {
  const row = await db.selectFrom('segments').select('id').where('workspace_id', '=', workspaceId).where('id', '=', segmentId).executeTakeFirst();
  if (!row) throw invalid(field, 'no segment with this id in the workspace');
}

/** The templates must exist in the workspace; returns the first one's category and topic. */
export async function loadTemplates(db: Db, workspaceId: string, ids: string[], field: string): Promise<{ category: 'marketing' | 'transactional'; topic: string | null }> {
  const rows = await db.selectFrom('message_templates').select(['id', 'category', 'topic']).where('workspace_id', '=', workspaceId).where('id', 'in', ids).execute();
  const known = new Set(rows.map((r) => r.id));
  const missing = ids.findIndex((id) => !known.has(id));
  if (missing >= 0) throw invalid(field === 'templateId' ? field : `${field}.${missing}.templateId`, 'no template with this id in the workspace');
  const first = rows.find((r) => r.id === ids[0]) as (typeof rows)[number];
  return { category: first.category, topic: first.topic };
}

function storedVariants(body: { templateId?: string | undefined; variants?: { templateId: string; weight: number }[] | undefined }): StoredVariant[] | undefined {
  if (body.templateId) return [{ key: 'A', templateId: body.templateId, weight: 1 }];
  return body.variants?.map((v, i) => ({ key: variantKeys[i] as StoredVariant['key'], templateId: v.templateId, weight: v.weight }));
}

function channelsOf(channels: 'auto' | ChannelKind[]): string[] {
  if (channels === 'auto') return [];
  if (new Set(channels).size !== channels.length) throw invalid('channels', 'a channel is listed twice');
  return channels;
}

export interface BroadcastOrigin {
  createdBy: string;
  newsletterId?: string | undefined;
}

export async function createBroadcast(db: Db, workspaceId: string, body: CreateBroadcast, origin: BroadcastOrigin): Promise<Broadcast> {
  const variants = storedVariants(body) as StoredVariant[];
  await assertSegment(db, workspaceId, body.segmentId);
  const template = await loadTemplates(db, workspaceId, variants.map((v) => v.templateId), body.templateId ? 'templateId' : 'variants');
  return (await db
    .insertInto('broadcasts')
    .values({
      workspace_id: workspaceId,
      name: body.name,
      segment_id: body.segmentId,
      variants: JSON.stringify(variants),
      holdout_percent: body.holdoutPercent,
      channels: channelsOf(body.channels),
      category: body.category ?? template.category,
      priority: body.priority,
      topic: body.topic === undefined || body.topic === null ? template.topic : body.topic,
      max_per_minute: body.maxPerMinute,
      goal_event: body.goal.event,
      goal_days: body.goal.days,
      variables: JSON.stringify(body.variables),
      language: body.language,
      created_by: origin.createdBy,
      newsletter_id: origin.newsletterId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as Broadcast;
}

/** The broadcast, locked for the rest of the caller's transaction when `lock` is set. */
export async function getBroadcast(db: Db, workspaceId: string, id: string, lock = false): Promise<Broadcast> {
  let q = db.selectFrom('broadcasts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as Broadcast | undefined;
  if (!row) throw notFound('Broadcast');
  return row;
}

const editable: readonly BroadcastStatus[] = ['draft', 'scheduled'];

export async function updateBroadcast(db: Db, workspaceId: string, id: string, body: UpdateBroadcast): Promise<Broadcast> {
  const current = await getBroadcast(db, workspaceId, id, true);
  if (!editable.includes(current.status)) throw conflict(`a ${current.status} broadcast cannot be changed`, 'status');
  const variants = storedVariants(body);
  if (body.segmentId) await assertSegment(db, workspaceId, body.segmentId);
  const template = variants ? await loadTemplates(db, workspaceId, variants.map((v) => v.templateId), body.templateId ? 'templateId' : 'variants') : undefined;
  return (await db
    .updateTable('broadcasts')
    .set({
      ...(body.name !== undefined && { name: body.name }),
      ...(body.segmentId !== undefined && { segment_id: body.segmentId }),
      ...(variants && { variants: JSON.stringify(variants) }),
      ...(body.holdoutPercent !== undefined && { holdout_percent: body.holdoutPercent }),
      ...(body.channels !== undefined && { channels: channelsOf(body.channels) }),
      ...(body.category !== undefined ? { category: body.category } : template && { category: template.category }),
      ...(body.priority !== undefined && { priority: body.priority }),
      ...(body.topic !== undefined ? { topic: body.topic ?? template?.topic ?? null } : template && { topic: template.topic }),
      ...(body.maxPerMinute !== undefined && { max_per_minute: body.maxPerMinute }),
      ...(body.goal !== undefined && { goal_event: body.goal.event, goal_days: body.goal.days }),
      ...(body.variables !== undefined && { variables: JSON.stringify(body.variables) }),
      ...(body.language !== undefined && { language: body.language }),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as Broadcast;
}

export async function deleteBroadcast(db: Db, workspaceId: string, id: string): Promise<void> {
  const current = await getBroadcast(db, workspaceId, id, true);
  if (!editable.includes(current.status)) throw conflict(`a ${current.status} broadcast cannot be deleted; cancel it instead`, 'status');
  await db.deleteFrom('broadcasts').where('id', '=', id).execute();
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listBroadcasts(db: Db, workspaceId: string, f: { status?: BroadcastStatus | undefined; newsletterId?: string | undefined; limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(f.cursor, 2) as [string, string] | undefined;
  let q = db.selectFrom('broadcasts').selectAll().select(sql<string>`created_at::text`.as('created_exact')).where('workspace_id', '=', workspaceId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.newsletterId) q = q.where('newsletter_id', '=', f.newsletterId);
  if (after) q = q.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  const result = page(rows, f.limit, (last) => [last.created_exact, last.id]);
  return { data: result.data.map((r) => toBroadcastView(r as Broadcast)), nextCursor: result.nextCursor };
}

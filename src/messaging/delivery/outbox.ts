import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Db } from '../../database.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { decodeCursor, page } from '../../platform/http/pagination.ts';
import type { ChannelKind } from '../channels/channel.ts';
import type { InlineContent, MessageCategory, MessageRow, MessageStatus } from './tables.ts';

type Row = Selectable<MessageRow>;

/** A message to enqueue: one recipient, one message. A broadcast enqueues many with its id. */
export interface NewMessage {
  customerId: string;
  idempotencyKey?: string | undefined;
  broadcastId?: string | undefined;
  category: MessageCategory;
  priority?: number | undefined;
  /** In preference order; empty or undefined = "auto". */
  channels?: ChannelKind[] | undefined;
  templateId?: string | undefined;
  content?: InlineContent | undefined;
  variables?: Record<string, unknown> | undefined;
  language?: string | undefined;
  sendAt?: Date | undefined;
}

export interface MessageView {
  id: string;
  customerId: string;
  idempotencyKey: string;
  broadcastId: string | null;
  category: MessageCategory;
  priority: number;
  channels: string[] | 'auto';
  templateId: string | null;
  status: MessageStatus;
  reason: string | null;
  notBefore: string;
  attempts: number;
  channel: string | null;
  provider: string | null;
  providerMessageId: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

export function toMessageView(r: Row): MessageView {
  return {
    id: r.id,
    customerId: r.customer_id,
    idempotencyKey: r.idempotency_key,
    broadcastId: r.broadcast_id,
    category: r.category,
    priority: r.priority,
    channels: r.channels.length ? r.channels : 'auto',
    templateId: r.template_id,
    status: r.status,
    reason: r.reason,
    notBefore: r.not_before.toISOString(),
    attempts: r.attempts,
    channel: r.channel,
    provider: r.provider,
    providerMessageId: r.provider_message_id,
    error: r.error,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  };
}

/**
 * Withdrawing decided messages. A `sending` row is either in flight (handed to its provider) or
 * decided and about to be; the worker cannot be asked which without a round trip per send. So an
 * owner that must stop its messages at once (a broadcast paused or cancelled) sets `reason` on its
 * `sending` rows, and the worker checks before each group of sends: such a row goes back to
 * `queued` (its cap slot and attempt returned), leased to `withdrawnBy` until the owner releases
 * or settles it. Rows already in flight finish normally.
 */
export const withdrawnBy = 'withdrawn';

export async function withdrawDecided(db: Db, broadcastIds: readonly string[], reason: string): Promise<void> {
  if (broadcastIds.length === 0) return;
  await sql`update messages set reason = ${reason}, updated_at = clock_timestamp()
             where broadcast_id = any(${[...broadcastIds]}::uuid[]) and status = 'sending' and reason is null`.execute(db);
}

/**
 * The worker's side: gives back those of `ids` that were withdrawn; returns their ids. (`locked_by`
 * = the worker implies `sending`; see recordSuccesses for why the status is not named.)
 */
export async function giveBackWithdrawn(db: Db, workerId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await sql<{ id: string }>`
    with back as (
      update messages set status = 'queued', slot_at = null, attempts = greatest(0, attempts - 1), locked_by = ${withdrawnBy},
                          locked_until = '9999-12-31T00:00:00Z', updated_at = clock_timestamp()
       where id = any(${[...ids]}::uuid[]) and locked_by = ${workerId} and reason is not null
      returning id, reason)
    insert into message_events (message_id, status, reason) select id, 'queued', reason from back
    returning message_id::text as id`.execute(db);
  return new Set(r.rows.map((row) => row.id));
}

/** Appends one line to a message's history. */
export async function recordEvent(db: Db, messageId: string, status: string, reason: string | null = null, detail: Record<string, unknown> = {}): Promise<void> {
  await db.insertInto('message_events').values({ message_id: messageId, status, reason, detail: JSON.stringify(detail) }).execute();
}

/**
 * Enqueues messages in the caller's transaction. A key seen before in the workspace returns the
 * existing message untouched (`created: false`): the same key never sends twice.
 */
export async function enqueueMessages(db: Db, workspaceId: string, messages: NewMessage[], now = new Date()): Promise<{ message: Row; created: boolean }[]> {
  if (messages.length === 0) return [];
  const values = messages.map((m) => {
    const scheduled = m.sendAt !== undefined && m.sendAt.getTime() > now.getTime();
    return {
      workspace_id: workspaceId,
      customer_id: m.customerId,
      idempotency_key: m.idempotencyKey ?? randomUUID(),
      broadcast_id: m.broadcastId ?? null,
      category: m.category,
      priority: m.priority ?? 5,
      channels: m.channels ?? [],
      template_id: m.templateId ?? null,
      content: m.content ? JSON.stringify(m.content) : null,
      variables: JSON.stringify(m.variables ?? {}),
      language: m.language ?? null,
      status: (scheduled ? 'scheduled' : 'queued') as MessageStatus,
      not_before: scheduled && m.sendAt ? m.sendAt : now,
    };
  });
  const inserted: Row[] = [];
  // PostgreSQL takes at most 65,535 parameters per statement: 1,000 rows × 13 columns fit.
  for (let i = 0; i < values.length; i += 1000) {
    const rows = (await db
      .insertInto('messages')
      .values(values.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doNothing())
      .returningAll()
      .execute()) as Row[];
    if (rows.length) {
      await db
        .insertInto('message_events')
        .values(rows.map((r) => ({ message_id: r.id, status: r.status, reason: null, detail: JSON.stringify(r.status === 'scheduled' ? { sendAt: r.not_before.toISOString() } : {}) })))
        .execute();
    }
    inserted.push(...rows);
  }
  const byKey = new Map(inserted.map((r) => [r.idempotency_key, r]));
  const missing = values.map((v) => v.idempotency_key).filter((k) => !byKey.has(k));
  if (missing.length) {
    const existing = (await db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('idempotency_key', 'in', missing).execute()) as Row[];
    for (const r of existing) byKey.set(r.idempotency_key, r);
  }
  const created = new Set(inserted.map((r) => r.id));
  return values.map((v) => {
    const message = byKey.get(v.idempotency_key);
    if (!message) throw new Error(`message ${v.idempotency_key} neither inserted nor found`);
    return { message, created: created.has(message.id) };
  });
}

/** The customer must be a live customer of this workspace. */
export async function assertCustomer(db: Db, workspaceId: string, customerId: string): Promise<void> {
  const row = await db.selectFrom('customers').select(['merged_into', 'erased_at']).where('workspace_id', '=', workspaceId).where('id', '=', customerId).executeTakeFirst();
  if (!row) throw invalid('customerId', 'no customer with this id in the workspace');
  if (row.merged_into) throw invalid('customerId', `the customer was merged into ${row.merged_into}`);
  if (row.erased_at) throw invalid('customerId', 'the customer was erased');
}

export async function getMessage(db: Db, workspaceId: string, id: string) {
  const row = (await db.selectFrom('messages').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst()) as Row | undefined;
  if (!row) throw notFound('Message');
  const history = await db.selectFrom('message_events').select(['id', 'status', 'reason', 'detail', 'occurred_at']).where('message_id', '=', id).orderBy('id').execute();
  return {
    ...toMessageView(row),
    history: history.map((h) => ({ id: h.id, status: h.status, reason: h.reason, detail: h.detail, at: h.occurred_at.toISOString() })),
  };
}

export interface MessageFilters {
  customerId?: string | undefined;
  status?: MessageStatus | undefined;
  channel?: ChannelKind | undefined;
  broadcastId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listMessages(db: Db, workspaceId: string, f: MessageFilters) {
  const after = decodeCursor(f.cursor, 2) as [string, string] | undefined;
  // The cursor keeps created_at's exact text: a JS Date would drop its microseconds.
  let q = db.selectFrom('messages').selectAll().select(sql<string>`created_at::text`.as('created_exact')).where('workspace_id', '=', workspaceId);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.broadcastId) q = q.where('broadcast_id', '=', f.broadcastId);
  if (after) q = q.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  const result = page(rows, f.limit, (last) => [last.created_exact, last.id]);
  return { data: result.data.map(toMessageView), nextCursor: result.nextCursor };
}

export type { Row as MessageRecord };

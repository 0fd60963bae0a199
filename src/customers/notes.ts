import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { forbidden, notFound } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { findLiveCustomer } from './service.ts';
import { beforeKey, type TimelineSource } from './timeline.ts';

export interface NoteView {
  id: string;
  customerId: string;
  body: string;
  authorId: string | null;
  authorLabel: string | null;
  createdAt: string;
  updatedAt: string;
}

type NoteRow = { id: string; customer_id: string; body: string; author_id: string | null; author_label: string | null; created_at: Date; updated_at: Date };
const view = (n: NoteRow): NoteView => ({
  id: n.id,
  customerId: n.customer_id,
  body: n.body,
  authorId: n.author_id,
  authorLabel: n.author_label,
  createdAt: n.created_at.toISOString(),
  updatedAt: n.updated_at.toISOString(),
});

export async function addNote(db: Db, actor: Actor, customerId: string, body: string): Promise<NoteView> {
  await findLiveCustomer(db, actor.workspaceId, customerId);
  const row = await db
    .insertInto('notes')
    .values({ workspace_id: actor.workspaceId, customer_id: customerId, body, author_id: actor.type === 'user' ? actor.id : null, author_label: actor.label })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'note.created', targetType: 'note', targetId: row.id, changes: { customerId } });
  return view(row);
}

export async function listNotes(db: Db, workspaceId: string, customerId: string): Promise<NoteView[]> {
  const rows = await db.selectFrom('notes').selectAll().where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId).orderBy('created_at', 'desc').limit(500).execute();
  return rows.map(view);
}

async function ownNote(db: Db, actor: Actor, id: string) {
  const note = await db.selectFrom('notes').selectAll().where('workspace_id', '=', actor.workspaceId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!note) throw notFound('Note');
  // Authors edit their own notes; admins and owners edit any.
  const isAuthor = actor.type === 'user' && note.author_id === actor.id;
  if (!isAuthor && actor.role !== 'owner' && actor.role !== 'admin') throw forbidden('Only the author or an admin can change this note');
  return note;
}

export async function editNote(db: Db, actor: Actor, id: string, body: string): Promise<NoteView> {
  await ownNote(db, actor, id);
  const row = await db.updateTable('notes').set({ body, updated_at: sql`clock_timestamp()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'note.edited', targetType: 'note', targetId: id });
  return view(row);
}

export async function deleteNote(db: Db, actor: Actor, id: string): Promise<void> {
  await ownNote(db, actor, id);
  await db.deleteFrom('notes').where('id', '=', id).execute();
  await recordAudit(db, actor, { action: 'note.deleted', targetType: 'note', targetId: id });
}

export const noteTimeline: TimelineSource = {
  kind: 'note',
  rows: ({ workspaceId, customerId, before, limit }) => sql`
    select 'note'::text as kind, n.id::text as id, n.created_at as occurred_at,
           jsonb_build_object('body', n.body, 'authorLabel', n.author_label, 'updatedAt', n.updated_at) as data
    from notes n
    where n.workspace_id = ${workspaceId} and n.customer_id = ${customerId}
      and ${beforeKey('note', sql`n.created_at`, sql`n.id::text`, before)}
    order by n.created_at desc, n.id desc limit ${limit}`,
};

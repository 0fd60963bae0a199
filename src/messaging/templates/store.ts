import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { decodeCursor, page } from '../../platform/http/pagination.ts';
import { summaryOf } from './compile.ts';
import type { TemplateInput, Variants } from './schema.ts';
import type { Compiled } from './tables.ts';

/** A template as the API shows it. */
export interface TemplateView {
  id: string;
  name: string;
  category: 'marketing' | 'transactional';
  topic: string | null;
  useVoice: boolean;
  variants: Variants;
  version: number;
  createdAt: string;
  updatedAt: string;
}

type Row = {
  id: string;
  name: string;
  category: 'marketing' | 'transactional';
  topic: string | null;
  use_voice: boolean;
  variants: Variants;
  version: number;
  created_at: Date;
  updated_at: Date;
};

const toView = (r: Row): TemplateView => ({
  id: r.id,
  name: r.name,
  category: r.category,
  topic: r.topic,
  useVoice: r.use_voice,
  variants: r.variants,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const columns = ['id', 'name', 'category', 'topic', 'use_voice', 'variants', 'version', 'created_at', 'updated_at'] as const;

/** A name is unique per workspace: a second create with the same name is a 409, not a duplicate. */
export async function insertTemplate(db: Db, workspaceId: string, input: TemplateInput, compiled: Compiled): Promise<TemplateView> {
  const row = await db
    .insertInto('message_templates')
    // Millisecond timestamps, so the list cursor (an ISO string) compares exactly.
    .values({ workspace_id: workspaceId, name: input.name, category: input.category, topic: input.topic, use_voice: input.useVoice, variants: JSON.stringify(input.variants), compiled: JSON.stringify(compiled), updated_at: new Date() })
    .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
    .returning(columns)
    .executeTakeFirst();
  if (!row) throw conflict(`A template named "${input.name}" already exists`, 'name');
  return toView(row);
}

/**
 * Replaces a template's content and bumps its version (renderers re-parse on the next send).
 * With `expectedVersion`, an edit made from a stale copy is refused instead of overwriting another's.
 */
export async function replaceTemplate(db: Db, workspaceId: string, id: string, input: TemplateInput, compiled: Compiled, expectedVersion?: number): Promise<TemplateView> {
  const current = await db.selectFrom('message_templates').select(['version']).where('workspace_id', '=', workspaceId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw notFound('Template');
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw conflict(`The template changed since version ${expectedVersion} (now ${current.version}); reload it`, 'version');
  }
  const taken = await db.selectFrom('message_templates').select('id').where('workspace_id', '=', workspaceId).where('name', '=', input.name).where('id', '<>', id).executeTakeFirst();
  if (taken) throw conflict(`A template named "${input.name}" already exists`, 'name');
  const row = await db
    .updateTable('message_templates')
    .set({
      name: input.name,
      category: input.category,
      topic: input.topic,
      use_voice: input.useVoice,
      variants: JSON.stringify(input.variants),
      compiled: JSON.stringify(compiled),
      version: sql<number>`version + 1`,
      updated_at: new Date(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toView(row);
}

export async function getTemplate(db: Db, workspaceId: string, id: string): Promise<TemplateView> {
  const row = await db.selectFrom('message_templates').select(columns).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Template');
  return toView(row);
}

export async function deleteTemplate(db: Db, workspaceId: string, id: string): Promise<void> {
  const deleted = await db.deleteFrom('message_templates').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw notFound('Template');
}

/** Most recently changed first; each row says which languages and channels it covers. */
export async function listTemplates(db: Db, workspaceId: string, q: { limit: number; cursor?: string | undefined; category?: 'marketing' | 'transactional' | undefined }) {
  const after = decodeCursor(q.cursor, 2) as [string, string] | undefined;
  let query = db
    .selectFrom('message_templates')
    .select(['id', 'name', 'category', 'topic', 'use_voice', 'variants', 'version', 'updated_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.category) query = query.where('category', '=', q.category);
  if (after) query = query.where(sql<boolean>`(updated_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const items = rows.map((r) => ({
    id: r.id,
    name: r.name,
    category: r.category,
    topic: r.topic,
    useVoice: r.use_voice,
    version: r.version,
    ...summaryOf(r.variants),
    updatedAt: r.updated_at.toISOString(),
  }));
  return page(items, q.limit, (last) => [last.updatedAt, last.id]);
}

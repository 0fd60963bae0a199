import type { Db } from '../database.ts';
import { conflict, invalid, notFound } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { recordAudit } from '../workspaces/audit.ts';
import type { AttributeType } from './tables.ts';

export interface AttributeDefinition {
  key: string;
  label: string;
  type: AttributeType;
  options: string[];
  createdAt: string;
}

export async function listDefinitions(db: Db, workspaceId: string): Promise<AttributeDefinition[]> {
  const rows = await db.selectFrom('attribute_definitions').selectAll().where('workspace_id', '=', workspaceId).orderBy('key').execute();
  return rows.map((r) => ({ key: r.key, label: r.label, type: r.type, options: r.options, createdAt: r.created_at.toISOString() }));
}

export async function defineAttribute(
  db: Db,
  actor: Actor,
  input: { key: string; label: string; type: AttributeType; options?: string[] | undefined },
): Promise<AttributeDefinition> {
  if (input.type === 'enum' && !input.options?.length) throw invalid('options', 'an enum attribute needs at least one option');
  const row = await db
    .insertInto('attribute_definitions')
    .values({ workspace_id: actor.workspaceId, key: input.key, label: input.label, type: input.type, options: input.options ?? [] })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw conflict(`Attribute ${input.key} is already defined`, 'key');
  await recordAudit(db, actor, { action: 'attribute.defined', targetType: 'attribute', targetId: input.key, changes: input });
  return { key: row.key, label: row.label, type: row.type, options: row.options, createdAt: row.created_at.toISOString() };
}

export async function deleteDefinition(db: Db, actor: Actor, key: string): Promise<void> {
  const deleted = await db
    .deleteFrom('attribute_definitions')
    .where('workspace_id', '=', actor.workspaceId)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!deleted.numDeletedRows) throw notFound('Attribute definition');
  await recordAudit(db, actor, { action: 'attribute.deleted', targetType: 'attribute', targetId: key });
}

function checkValue(def: AttributeDefinition, value: unknown, field: string): unknown {
  switch (def.type) {
    case 'string':
      if (typeof value !== 'string' || value.length > 2000) throw invalid(field, 'must be a string of at most 2000 characters');
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'must be a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(field, 'must be true or false');
      return value;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(Date.parse(value))) {
        throw invalid(field, 'must be an ISO date (YYYY-MM-DD) or date-time');
      }
      return value;
    case 'enum':
      if (typeof value !== 'string' || !def.options.includes(value)) throw invalid(field, `must be one of ${def.options.join(', ')}`);
      return value;
    case 'list':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string') || value.length > 100) {
        throw invalid(field, 'must be a list of at most 100 strings');
      }
      return value;
  }
}

/**
 * Checks custom attributes against the workspace's definitions and merges them onto `current`:
 * a value replaces, null removes, an undefined key is refused.
 */
export async function applyAttributes(
  db: Db,
  workspaceId: string,
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (Object.keys(changes).length === 0) return current;
  return mergeAttributes(await attributeDefinitions(db, workspaceId), current, changes);
}

/** The workspace's attribute definitions by key, for `mergeAttributes`. */
export async function attributeDefinitions(db: Db, workspaceId: string): Promise<Map<string, AttributeDefinition>> {
  return new Map((await listDefinitions(db, workspaceId)).map((d) => [d.key, d]));
}

/** `applyAttributes` with the definitions already loaded (bulk writes load them once). */
export function mergeAttributes(
  defs: Map<string, AttributeDefinition>,
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const next = { ...current };
  for (const key of Object.keys(changes)) {
    const field = `attributes.${key}`;
    const def = defs.get(key);
    if (!def) throw invalid(field, `unknown attribute "${key}": define it first under attribute definitions`);
    const value = changes[key];
    if (value === null) delete next[key];
    else next[key] = checkValue(def, value, field);
  }
  return next;
}

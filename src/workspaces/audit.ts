import type { Db } from '../database.ts';
import type { Actor } from '../platform/http/actor.ts';
import { decodeCursor, page } from '../platform/http/pagination.ts';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  changes?: Record<string, unknown>;
}

/** Records who changed what, in the same transaction as the change. */
export async function recordAudit(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: actor.workspaceId,
      actor_type: actor.type,
      actor_id: actor.id,
      actor_label: actor.label,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId ?? null,
      changes: JSON.stringify(entry.changes ?? {}),
      request_id: actor.requestId ?? null,
    })
    .execute();
}

export async function listAudit(db: Db, workspaceId: string, opts: { limit: number; cursor?: string }) {
  const after = decodeCursor(opts.cursor, 1);
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (after) query = query.where('id', '<', String(after[0]));
  const rows = await query.execute();
  const result = page(rows, opts.limit, (last) => [last.id]);
  return {
    nextCursor: result.nextCursor,
    data: result.data.map((r) => ({
      id: String(r.id),
      actorType: r.actor_type,
      actorId: r.actor_id,
      actorLabel: r.actor_label,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      changes: r.changes,
      requestId: r.request_id,
      at: r.at.toISOString(),
    })),
  };
}

/** The field-level difference between two plain objects, for audit entries. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[key] = { from: before[key], to: after[key] };
  }
  return changes;
}

import type { Db } from '../database.ts';
import type { Role } from '../platform/access/roles.ts';
import { notFound } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { recordAudit } from './audit.ts';
import { keyPrefixes, randomToken, sha256 } from './secrets.ts';

export type KeyKind = 'secret' | 'write';

export interface ApiKeyView {
  id: string;
  kind: KeyKind;
  name: string;
  role: Role | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type KeyRow = {
  id: string;
  kind: KeyKind;
  name: string;
  role: Role | null;
  key_prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

const view = (r: KeyRow): ApiKeyView => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  role: r.role,
  prefix: r.key_prefix,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** Creates a key; the raw key is returned once and only its hash is stored. */
export async function createApiKey(
  db: Db,
  workspaceId: string,
  input: { kind: KeyKind; name: string; role?: Role | undefined; createdBy?: string | null },
): Promise<ApiKeyView & { key: string }> {
  const key = `${keyPrefixes[input.kind]}${randomToken(24)}`;
  const row = await db
    .insertInto('api_keys')
    .values({
      workspace_id: workspaceId,
      kind: input.kind,
      name: input.name,
      role: input.kind === 'secret' ? (input.role ?? 'admin') : null,
      key_hash: sha256(key),
      key_prefix: key.slice(0, 12),
      created_by: input.createdBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...view(row), key };
}

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyView[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(view);
}

/** Revoking is idempotent: a second revoke keeps the first revocation time and is not audited again. */
export async function revokeApiKey(db: Db, actor: Actor, id: string): Promise<ApiKeyView> {
  const current = await db.selectFrom('api_keys').selectAll().where('id', '=', id).where('workspace_id', '=', actor.workspaceId).forUpdate().executeTakeFirst();
  if (!current) throw notFound('API key');
  if (current.revoked_at) return view(current);
  const row = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('workspace_id', '=', actor.workspaceId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'api_key.revoked', targetType: 'api_key', targetId: id });
  return view(row);
}

/** Looks a presented key up by its hash; revoked keys do not resolve. */
export async function resolveApiKey(db: Db, rawKey: string) {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'kind', 'role', 'name', 'last_used_at'])
    .where('key_hash', '=', sha256(rawKey))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (row && (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000)) {
    // Coarse last-used stamp: at most one write a minute per key.
    await db.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', '=', row.id).execute();
  }
  return row;
}

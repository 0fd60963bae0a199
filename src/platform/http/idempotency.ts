import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely, type Transaction } from 'kysely';
import { conflict, invalid } from '../errors.ts';
import type { PlatformTables } from '../db/tables.ts';

/**
 * Runs a create inside one transaction; with an `Idempotency-Key` header the first answer is
 * stored in that same transaction and replayed for every retry with the same key.
 * A concurrent retry waits on the key's row lock, then replays.
 */
export async function idempotent<DB extends PlatformTables, T>(
  db: Kysely<DB>,
  request: FastifyRequest,
  reply: FastifyReply,
  workspaceId: string,
  status: number,
  work: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  const header = request.headers['idempotency-key'];
  const key = typeof header === 'string' ? header : undefined;
  if (key !== undefined && (key.length < 1 || key.length > 255)) throw invalid('Idempotency-Key', 'must be 1–255 characters');
  const route = `${request.method} ${request.routeOptions.url}`;
  return (db as unknown as Kysely<PlatformTables>).transaction().execute(async (tx) => {
    if (key) {
      const claimed = await sql<{ key: string }>`
        insert into idempotency_keys (workspace_id, key, route) values (${workspaceId}, ${key}, ${route})
        on conflict do nothing returning key`.execute(tx);
      if (claimed.rows.length === 0) {
        const previous = await tx.selectFrom('idempotency_keys').select(['route', 'status', 'body']).where('workspace_id', '=', workspaceId).where('key', '=', key).executeTakeFirstOrThrow();
        if (previous.route !== route) throw conflict(`Idempotency-Key was already used for ${previous.route}`, 'Idempotency-Key');
        reply.status(previous.status ?? status).header('idempotent-replayed', 'true');
        return previous.body as T;
      }
    }
    const result = await work(tx as unknown as Transaction<DB>);
    if (key) {
      await tx
        .updateTable('idempotency_keys')
        .set({ status, body: JSON.stringify(result) })
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .execute();
    }
    reply.status(status);
    return result;
  });
}

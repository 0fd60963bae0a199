import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { CustomerDataOwners } from '../customers/hooks.ts';
import type { Actor } from '../platform/http/actor.ts';
import { applyCommerce, commerceEffects } from './commerce.ts';
import { IdentityResolver } from './identity.ts';
import type { TrackedMessage } from './messages.ts';
import type { EventPartitions } from './partitions.ts';
import type { SchemaRecorder } from './schema-recorder.ts';
import { applyTraits } from './traits.ts';

export interface IngestDeps {
  db: Db;
  owners: CustomerDataOwners;
  partitions: EventPartitions;
  schema: SchemaRecorder;
  defaultCountry: string;
}

export interface IngestResult {
  stored: number;
  duplicates: number;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/** Runs `work` in a transaction, again when PostgreSQL asks for a retry. */
async function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (e) {
      if (attempt >= 5 || !RETRYABLE.has((e as { code?: string }).code ?? '')) throw e;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
}

/**
 * Stores one batch, all or nothing, in one transaction: messages already seen (same messageId)
 * are skipped, every other one is resolved to a customer, appended to the event store, applied
 * to the profile (identify traits) and to orders and the catalog (e-commerce events).
 * When this returns, the batch is durably committed.
 */
export async function ingestBatch(deps: IngestDeps, workspaceId: string, messages: TrackedMessage[]): Promise<IngestResult> {
  if (messages.length === 0) return { stored: 0, duplicates: 0 };
  await deps.partitions.ensure(messages.map((m) => m.occurredAt));
  const result = await inTransaction(deps.db, async (tx) => {
    const claimed = await sql<{ message_id: string }>`
      insert into event_ids (workspace_id, message_id)
      select ${workspaceId}::uuid, unnest(${messages.map((m) => m.messageId)}::text[])
      on conflict do nothing returning message_id`.execute(tx);
    const fresh = new Set(claimed.rows.map((r) => r.message_id));
    const todo = messages.filter((m) => fresh.delete(m.messageId)); // first occurrence of each new id
    if (todo.length === 0) return { stored: 0, duplicates: messages.length, todo };

    const resolver = new IdentityResolver(tx, workspaceId, deps.owners);
    await resolver.load(todo);
    const resolved: { message: TrackedMessage; customerId: string }[] = [];
    for (const message of todo) resolved.push({ message, customerId: await resolver.resolve(message) });
    for (const r of resolved) r.customerId = resolver.current(r.customerId);

    const actor: Actor = { workspaceId, role: 'owner', type: 'system', id: null, label: 'tracking' };
    const warnings = new Map<string, string[]>();
    for (const { message: m, customerId } of resolved) {
      if (m.type !== 'identify' || Object.keys(m.traits).length === 0) continue;
      const skipped = await applyTraits(tx, actor, customerId, m.traits, m.context, deps.defaultCountry);
      if (skipped.length) warnings.set(m.messageId, skipped.map((s) => `trait ${s} skipped: invalid value`));
    }

    const settings = await sql<{ currency: string | null }>`select settings->>'displayCurrency' as currency from workspaces where id = ${workspaceId}`.execute(tx);
    const effects = commerceEffects(resolved, settings.rows[0]?.currency ?? 'USD');
    for (const [id, list] of effects.warnings) warnings.set(id, [...(warnings.get(id) ?? []), ...list]);
    await applyCommerce(tx, workspaceId, effects);

    const col = <T>(f: (r: (typeof resolved)[number]) => T) => resolved.map(f);
    await sql`
      insert into events (workspace_id, id, message_id, customer_id, type, name, properties, context, anonymous_id, user_id, occurred_at)
      select ${workspaceId}::uuid, id, mid, cid, t, n, p, c, a, u, o
      from unnest(${col(() => randomUUID())}::uuid[], ${col((r) => r.message.messageId)}::text[], ${col((r) => r.customerId)}::uuid[],
                  ${col((r) => r.message.type)}::text[], ${col((r) => r.message.name)}::text[],
                  ${col((r) => JSON.stringify(propertiesOf(r.message)))}::jsonb[],
                  ${col((r) => JSON.stringify(contextOf(r.message, warnings.get(r.message.messageId))))}::jsonb[],
                  ${col((r) => r.message.anonymousId)}::text[], ${col((r) => r.message.userId)}::text[],
                  ${col((r) => r.message.occurredAt.toISOString())}::timestamptz[])
           as x(id, mid, cid, t, n, p, c, a, u, o)`.execute(tx);
    return { stored: todo.length, duplicates: messages.length - todo.length, todo };
  });
  deps.schema.observe(workspaceId, result.todo.map((m) => ({ type: m.type, name: m.name, properties: propertiesOf(m) })));
  return { stored: result.stored, duplicates: result.duplicates };
}

/** identify and group keep their traits where other calls keep properties. */
const propertiesOf = (m: TrackedMessage) =>
  m.type === 'identify' ? m.traits : m.type === 'group' ? { ...m.traits, groupId: m.groupId } : m.type === 'alias' ? { previousId: m.previousId } : m.properties;

const contextOf = (m: TrackedMessage, warnings: string[] | undefined) => (warnings?.length ? { ...m.context, vafaWarnings: warnings } : m.context);


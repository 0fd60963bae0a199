import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { conflict } from '../../platform/errors.ts';
import type { ChannelKind } from '../channels/channel.ts';
import { enqueueMessages, type NewMessage } from '../delivery/outbox.ts';
import { variantSql } from './assignment.ts';
import { assertSegment, getBroadcast, loadTemplates, type Broadcast } from './store.ts';
import type { StoredVariant } from './tables.ts';

/**
 * Sending a broadcast, in steps that each commit on their own so that a process killed at any
 * point leaves a state another process continues from:
 *
 * 1. `startSend` (the API): draft → scheduled (a future sendAt) or sending (now).
 * 2. `claimEnqueue` (any scheduler): takes one broadcast that is due or whose enqueuing process
 *    stopped renewing its lease (`FOR UPDATE SKIP LOCKED`), and marks it `sending`.
 * 3. `snapshotAudience`: copies the segment's members into `broadcast_recipients` with their
 *    variant or holdout, in one statement, once.
 * 4. `enqueueBatch`, repeatedly: the next batch of recipients by customer id → one outbox message
 *    each (key `broadcast:<id>:<customer id>`), their message ids, the cursor and the lease, all
 *    in one transaction under the broadcast's row lock. A batch either happened entirely or not at
 *    all, and the idempotency key makes even a repeated batch enqueue nothing twice.
 */

const zeroUuid = '00000000-0000-0000-0000-000000000000';

export async function startSend(db: Db, workspaceId: string, id: string, sendAt: Date | undefined, now: Date): Promise<Broadcast> {
  const b = await getBroadcast(db, workspaceId, id, true);
  if (b.status !== 'draft' && b.status !== 'scheduled') throw conflict(`a ${b.status} broadcast cannot be sent again`, 'status');
  // The segment or a template may have been deleted since the draft was saved.
  await assertSegment(db, workspaceId, b.segment_id);
  await loadTemplates(db, workspaceId, b.variants.map((v) => v.templateId), 'variants');
  const later = sendAt !== undefined && sendAt.getTime() > now.getTime();
  return (await db
    .updateTable('broadcasts')
    .set(later ? { status: 'scheduled', send_at: sendAt, updated_at: now } : { status: 'sending', send_at: now, started_at: now, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as Broadcast;
}

/** Takes one broadcast whose audience needs enqueuing; undefined when none does. */
export async function claimEnqueue(db: Db, owner: string, now: Date, leaseMs: number): Promise<Broadcast | undefined> {
  const r = await sql<Broadcast>`
    update broadcasts set status = 'sending', started_at = coalesce(started_at, ${now}), enqueue_owner = ${owner},
                          enqueue_lease = ${new Date(now.getTime() + leaseMs)}, updated_at = ${now}
     where id = (select id from broadcasts
                  where (status = 'scheduled' and send_at <= ${now})
                     or (status = 'sending' and enqueued_at is null and (enqueue_lease is null or enqueue_lease < ${now}))
                  order by send_at limit 1
                  for update skip locked)
    returning *`.execute(db);
  return r.rows[0];
}

/** Locks the broadcast if this owner still holds its enqueuing and it is still sending. */
async function stillMine(tx: Db, id: string, owner: string): Promise<Broadcast | undefined> {
  const b = (await tx.selectFrom('broadcasts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()) as Broadcast | undefined;
  return b && b.status === 'sending' && b.enqueue_owner === owner ? b : undefined;
}

/**
 * The audience snapshot: live members of the segment at this moment, each with its arm. A
 * marketing broadcast with a topic leaves out (outcome `topic-opt-out`) customers who opted out
 * of that topic on every channel; per-channel topic opt-outs are the delivery pipeline's check.
 */
export async function snapshotAudience(db: Db, id: string, owner: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const b = await stillMine(tx, id, owner);
    if (!b) return false;
    if (b.snapshot_at) return true;
    const variant = variantSql(b.id, sql`sm.customer_id`, b.variants, Number(b.holdout_percent));
    const optedOut =
      b.category === 'marketing' && b.topic
        ? sql`exists (select 1 from topic_opt_outs o where o.customer_id = sm.customer_id and o.topic = ${b.topic} and o.channel = '*')`
        : sql`false`;
    await sql`
      insert into broadcast_recipients (broadcast_id, customer_id, workspace_id, variant, outcome)
      select ${b.id}::uuid, sm.customer_id, ${b.workspace_id}::uuid, a.variant,
             case when a.variant = 'holdout' then 'holdout' when ${optedOut} then 'topic-opt-out' end
        from segment_members sm
        join customers c on c.id = sm.customer_id and c.merged_into is null and c.erased_at is null
        cross join lateral (select ${variant} as variant) a
       where sm.segment_id = ${b.segment_id}::uuid and sm.workspace_id = ${b.workspace_id}::uuid
      on conflict do nothing`.execute(tx);
    const counts = await sql<{ total: number; holdout: number }>`
      select count(*)::int as total, count(*) filter (where variant = 'holdout')::int as holdout
        from broadcast_recipients where broadcast_id = ${b.id}::uuid`.execute(tx);
    const c = counts.rows[0] ?? { total: 0, holdout: 0 };
    await tx.updateTable('broadcasts').set({ snapshot_at: now, audience_count: c.total, holdout_count: c.holdout, updated_at: now }).where('id', '=', b.id).execute();
    return true;
  });
}

export type BatchResult = { state: 'enqueued'; created: number } | { state: 'done' } | { state: 'stopped' };

/** One batch of recipients → outbox messages, with the cursor and the lease, in one transaction. */
export async function enqueueBatch(db: Db, id: string, owner: string, opts: { now: Date; leaseMs: number; batchSize: number }): Promise<BatchResult> {
  const { now } = opts;
  return db.transaction().execute(async (tx): Promise<BatchResult> => {
    const b = await stillMine(tx, id, owner);
    if (!b) return { state: 'stopped' };
    const batch = await tx
      .selectFrom('broadcast_recipients')
      .select(['customer_id', 'variant'])
      .where('broadcast_id', '=', b.id)
      .where('customer_id', '>', b.enqueue_cursor ?? zeroUuid)
      .where('message_id', 'is', null)
      .where('outcome', 'is', null)
      .orderBy('customer_id')
      .limit(opts.batchSize)
      .execute();
    if (batch.length === 0) {
      await tx.updateTable('broadcasts').set({ enqueued_at: now, enqueue_owner: null, enqueue_lease: null, updated_at: now }).where('id', '=', b.id).execute();
      return { state: 'done' };
    }
    const templateOf = new Map(b.variants.map((v: StoredVariant) => [v.key, v.templateId]));
    // A throttled broadcast spreads its messages evenly from its start: message n goes at
    // start + n × (60 s ÷ maxPerMinute); the worker's per-provider rate applies on top.
    const spacingMs = b.max_per_minute ? 60_000 / b.max_per_minute : 0;
    const start = (b.started_at ?? now).getTime();
    const messages: NewMessage[] = batch.map((r, i) => ({
      customerId: r.customer_id,
      idempotencyKey: `broadcast:${b.id}:${r.customer_id}`,
      broadcastId: b.id,
      category: b.category,
      priority: b.priority,
      channels: b.channels as ChannelKind[],
      templateId: templateOf.get(r.variant as StoredVariant['key']),
      variables: b.variables,
      language: b.language ?? undefined,
      sendAt: spacingMs ? new Date(start + Math.floor((b.enqueued_count + i) * spacingMs)) : undefined,
    }));
    const enqueued = await enqueueMessages(tx, b.workspace_id, messages, now);
    await sql`
      update broadcast_recipients r set message_id = x.message_id
        from unnest(${batch.map((r) => r.customer_id)}::uuid[], ${enqueued.map((e) => e.message.id)}::uuid[]) as x(customer_id, message_id)
       where r.broadcast_id = ${b.id}::uuid and r.customer_id = x.customer_id`.execute(tx);
    await tx
      .updateTable('broadcasts')
      .set({
        enqueue_cursor: (batch.at(-1) as { customer_id: string }).customer_id,
        enqueued_count: b.enqueued_count + batch.length,
        enqueue_lease: new Date(now.getTime() + opts.leaseMs),
        updated_at: now,
      })
      .where('id', '=', b.id)
      .execute();
    return { state: 'enqueued', created: enqueued.filter((e) => e.created).length };
  });
}

/** Sending broadcasts whose every message has reached an end state become `sent`. */
export async function finishSent(db: Db, now: Date): Promise<number> {
  const r = await sql`
    update broadcasts b set status = 'sent', finished_at = ${now}, updated_at = ${now}
     where b.status = 'sending' and b.enqueued_at is not null
       and not exists (select 1 from messages m where m.broadcast_id = b.id and m.status in ('queued', 'scheduled', 'sending'))`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { conflict } from '../../platform/errors.ts';
import { withdrawDecided, withdrawnBy } from '../delivery/outbox.ts';
import { getBroadcast, type Broadcast } from './store.ts';

/**
 * Pause, resume and cancel act on the outbox rows of the broadcast directly, because the delivery
 * worker knows nothing of broadcasts. Its claim takes rows that are `queued`/`scheduled`, due,
 * and not leased (`locked_until` null or past); its decision re-reads the row under a row lock
 * and gives up unless it still holds the lease (`locked_by` = itself) and the row is still
 * queued/scheduled. So:
 *
 * - **pause** leases the broadcast's waiting rows to `broadcast-paused` until 9999: no worker
 *   claims them, and a worker that claimed one just before sees a foreign `locked_by` and drops
 *   it. Messages a worker already decided (`sending`) are withdrawn (delivery/outbox.ts): the
 *   worker gives back those not yet handed to a provider; only those in flight finish.
 *   `not_before` is kept.
 * - **resume** clears that lease and shifts each future `not_before` by the pause's length, so a
 *   throttled broadcast keeps its spacing.
 * - **cancel** settles the waiting rows `skipped: broadcast-cancelled`.
 *
 * A message whose send was in flight at the pause and then failed retryably goes back to
 * `queued` by the worker; `sweepHeld` (every scheduler tick) pauses or cancels such stragglers.
 */

export const pausedBy = 'broadcast-paused';
const farFuture = new Date('9999-12-31T00:00:00Z');

async function holdMessages(db: Db, broadcastIds: string[] | string): Promise<number> {
  const ids = Array.isArray(broadcastIds) ? broadcastIds : [broadcastIds];
  if (ids.length === 0) return 0;
  const r = await sql<{ id: string; status: string }>`
    with held as (
      update messages set locked_until = ${farFuture}, locked_by = ${pausedBy}, reason = 'broadcast-paused', updated_at = clock_timestamp()
       where broadcast_id = any(${ids}::uuid[]) and status in ('queued', 'scheduled')
         and locked_by is distinct from ${pausedBy}
      returning id, status)
    insert into message_events (message_id, status, reason) select id, status, 'broadcast-paused' from held
    returning message_id as id`.execute(db);
  return r.rows.length;
}

async function skipMessages(db: Db, broadcastIds: string[] | string): Promise<number> {
  const ids = Array.isArray(broadcastIds) ? broadcastIds : [broadcastIds];
  if (ids.length === 0) return 0;
  const r = await sql<{ id: string }>`
    with skipped as (
      update messages set status = 'skipped', reason = 'broadcast-cancelled', locked_until = null, locked_by = null, updated_at = clock_timestamp()
       where broadcast_id = any(${ids}::uuid[]) and status in ('queued', 'scheduled')
      returning id)
    insert into message_events (message_id, status, reason) select id, 'skipped', 'broadcast-cancelled' from skipped
    returning message_id as id`.execute(db);
  return r.rows.length;
}

export async function pauseBroadcast(db: Db, workspaceId: string, id: string, now: Date): Promise<Broadcast> {
  const b = await getBroadcast(db, workspaceId, id, true);
  if (b.status === 'paused') return b;
  if (b.status !== 'sending' && b.status !== 'scheduled') throw conflict(`a ${b.status} broadcast cannot be paused`, 'status');
  // The row lock taken above also stops the enqueuing: its next batch sees `paused` and stops.
  await holdMessages(db, b.id);
  await withdrawDecided(db, [b.id], 'broadcast-paused');
  return (await db
    .updateTable('broadcasts')
    .set({ status: 'paused', paused_at: now, enqueue_owner: null, enqueue_lease: null, updated_at: now })
    .where('id', '=', b.id)
    .returningAll()
    .executeTakeFirstOrThrow()) as Broadcast;
}

export async function resumeBroadcast(db: Db, workspaceId: string, id: string, now: Date): Promise<Broadcast> {
  const b = await getBroadcast(db, workspaceId, id, true);
  if (b.status !== 'paused') throw conflict(`a ${b.status} broadcast cannot be resumed`, 'status');
  const pausedAt = b.paused_at ?? now;
  await sql`
    with released as (
      update messages set locked_until = null, locked_by = null, reason = null, updated_at = clock_timestamp(),
             not_before = case when not_before > ${pausedAt} then not_before + (${now}::timestamptz - ${pausedAt}::timestamptz) else not_before end
       where broadcast_id = ${b.id}::uuid and locked_by in (${pausedBy}, ${withdrawnBy}) and status in ('queued', 'scheduled')
      returning id, status)
    insert into message_events (message_id, status, reason) select id, status, 'broadcast-resumed' from released`.execute(db);
  // Never started (paused while scheduled): scheduled again, the send time moved by the pause.
  const set = b.started_at
    ? { status: 'sending' as const, paused_at: null, updated_at: now }
    : { status: 'scheduled' as const, paused_at: null, send_at: new Date(Math.max(now.getTime(), (b.send_at ?? now).getTime())), updated_at: now };
  return (await db.updateTable('broadcasts').set(set).where('id', '=', b.id).returningAll().executeTakeFirstOrThrow()) as Broadcast;
}

export async function cancelBroadcast(db: Db, workspaceId: string, id: string, now: Date): Promise<Broadcast> {
  const b = await getBroadcast(db, workspaceId, id, true);
  if (b.status === 'cancelled') return b;
  if (b.status !== 'sending' && b.status !== 'scheduled' && b.status !== 'paused') throw conflict(`a ${b.status} broadcast cannot be cancelled`, 'status');
  await skipMessages(db, b.id);
  // Given back by the worker as withdrawn, they are skipped by the next sweep.
  await withdrawDecided(db, [b.id], 'broadcast-cancelled');
  await db
    .updateTable('broadcast_recipients')
    .set({ outcome: 'broadcast-cancelled' })
    .where('broadcast_id', '=', b.id)
    .where('message_id', 'is', null)
    .where('outcome', 'is', null)
    .execute();
  return (await db
    .updateTable('broadcasts')
    .set({ status: 'cancelled', cancelled_at: now, enqueue_owner: null, enqueue_lease: null, updated_at: now })
    .where('id', '=', b.id)
    .returningAll()
    .executeTakeFirstOrThrow()) as Broadcast;
}

/**
 * Stragglers: messages of paused or cancelled broadcasts that a worker put back in the queue
 * after the pause (a retry of a send that was in flight). A worker that claimed one meanwhile
 * loses it the same way as at the pause.
 */
export async function sweepHeld(db: Db, now: Date): Promise<number> {
  // Every paused broadcast; cancelled ones only for a day (a straggler comes back within the
  // worker's retry backoff, at most an hour).
  const held = await db
    .selectFrom('broadcasts')
    .select(['id', 'status'])
    .where((eb) => eb.or([eb('status', '=', 'paused'), eb.and([eb('status', '=', 'cancelled'), eb('cancelled_at', '>', new Date(now.getTime() - 86_400_000))])]))
    .execute();
  const paused = held.filter((b) => b.status === 'paused').map((b) => b.id);
  const cancelled = held.filter((b) => b.status === 'cancelled').map((b) => b.id);
  return (await holdMessages(db, paused)) + (await skipMessages(db, cancelled));
}

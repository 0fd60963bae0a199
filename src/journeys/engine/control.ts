import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { withdrawnBy } from '../../messaging/delivery/outbox.ts';

/**
 * What pause, resume and archive do to a journey's outbox messages, relying on the same two
 * properties of the delivery worker as broadcasts do (messaging/broadcasts/control.ts): its claim
 * takes only rows that are queued/scheduled, due and not leased, and before each group of sends
 * it gives back the `sending` rows whose owner set a `reason` (outbox.ts `giveBackWithdrawn`).
 * The journey's messages are found through `journey_messages`.
 *
 * - pause: waiting messages are leased to `journey-paused` until 9999, decided ones withdrawn;
 *   only sends already in flight finish. Runs stop at once (status `paused`).
 * - resume: the lease is released (and the withdrawn rows with it), runs go on.
 * - archive: waiting messages are skipped (`journey-archived`), decided ones withdrawn and then
 *   skipped by the next sweep; runs exit.
 */
export const journeyPausedBy = 'journey-paused';
const farFuture = new Date('9999-12-31T00:00:00Z');

const ofJourney = (journeyIds: readonly string[]) => sql`m.id in (select message_id from journey_messages where journey_id = any(${[...journeyIds]}::uuid[]))`;

export async function holdJourneyMessages(db: Db, journeyIds: readonly string[]): Promise<number> {
  if (journeyIds.length === 0) return 0;
  const held = await sql<{ id: string }>`
    with held as (
      update messages m set locked_until = ${farFuture}, locked_by = ${journeyPausedBy}, reason = 'journey-paused', updated_at = clock_timestamp()
       where ${ofJourney(journeyIds)} and m.status in ('queued', 'scheduled') and m.locked_by is distinct from ${journeyPausedBy}
      returning m.id, m.status)
    insert into message_events (message_id, status, reason) select id, status, 'journey-paused' from held
    returning message_id as id`.execute(db);
  await withdrawJourneyMessages(db, journeyIds, 'journey-paused');
  return held.rows.length;
}

/** Decided (`sending`) messages not yet handed to a provider go back to the queue under a hold. */
async function withdrawJourneyMessages(db: Db, journeyIds: readonly string[], reason: string): Promise<void> {
  await sql`update messages m set reason = ${reason}, updated_at = clock_timestamp()
             where ${ofJourney(journeyIds)} and m.status = 'sending' and m.reason is null`.execute(db);
}

export async function releaseJourneyMessages(db: Db, journeyId: string): Promise<number> {
  const r = await sql<{ id: string }>`
    with released as (
      update messages m set locked_until = null, locked_by = null, reason = null, updated_at = clock_timestamp()
       where ${ofJourney([journeyId])} and m.locked_by in (${journeyPausedBy}, ${withdrawnBy}) and m.status in ('queued', 'scheduled')
      returning m.id, m.status)
    insert into message_events (message_id, status, reason) select id, status, 'journey-resumed' from released
    returning message_id as id`.execute(db);
  return r.rows.length;
}

export async function skipJourneyMessages(db: Db, journeyIds: readonly string[]): Promise<number> {
  if (journeyIds.length === 0) return 0;
  const r = await sql<{ id: string }>`
    with skipped as (
      update messages m set status = 'skipped', reason = 'journey-archived', locked_until = null, locked_by = null, updated_at = clock_timestamp()
       where ${ofJourney(journeyIds)} and m.status in ('queued', 'scheduled')
      returning m.id)
    insert into message_events (message_id, status, reason) select id, 'skipped', 'journey-archived' from skipped
    returning message_id as id`.execute(db);
  await withdrawJourneyMessages(db, journeyIds, 'journey-archived');
  return r.rows.length;
}

/**
 * Stragglers: a send in flight at the pause that failed retryably is put back in the queue by the
 * delivery worker; each engine pass holds (paused) or skips (archived in the last day) them again.
 */
export async function sweepHeldJourneys(db: Db, now: Date): Promise<number> {
  const held = await db
    .selectFrom('journeys')
    .select(['id', 'status'])
    .where((eb) => eb.or([eb('status', '=', 'paused'), eb.and([eb('status', '=', 'archived'), eb('archived_at', '>', new Date(now.getTime() - 86_400_000))])]))
    .execute();
  const paused = held.filter((j) => j.status === 'paused').map((j) => j.id);
  const archived = held.filter((j) => j.status === 'archived').map((j) => j.id);
  return (await holdJourneyMessages(db, paused)) + (await skipJourneyMessages(db, archived));
}

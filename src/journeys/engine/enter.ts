import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { JourneyDefinition } from '../model/schema.ts';
import type { EntryCandidate } from './triggers.ts';

/** The journey as entry needs it (the current version's definition). */
export interface EntryJourney {
  id: string;
  workspace_id: string;
  version: number;
  definition: JourneyDefinition;
}

export type EntryOutcome =
  | { entered: true; created: boolean; runId: string; holdout: boolean }
  | { entered: false; reason: 'customer-gone' | 'already-in-journey' | 'reentry-once' | 'reentry-too-soon' | 'journey-limit' };

/** How many journeys a customer may be in at once, unless the workspace says otherwise. */
export const defaultMaxActivePerCustomer = 5;

/** Per-customer entry lock, its own key space (the delivery worker locks `vafa.delivery.customer:`). */
const lockKey = (customerId: string) => sql`hashtextextended(${`vafa.journeys.customer:${customerId}`}::text, 0)`;

/**
 * A customer's place in a journey's holdout is fixed: the first 32 bits of
 * md5("<journey id>:<customer id>") ÷ 2³², below the holdout share → held out, every time they
 * enter (as broadcasts assign arms), so a re-entering customer never switches groups.
 */
export function inHoldout(journeyId: string, customerId: string, percent: number): boolean {
  if (percent <= 0) return false;
  const u = createHash('md5').update(`${journeyId}:${customerId}`).digest().readUInt32BE(0) / 2 ** 32;
  return u * 100 < percent;
}

export async function maxActivePerCustomer(db: Db, workspaceId: string): Promise<number> {
  const row = await db.selectFrom('journey_settings').select('max_active_per_customer').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row?.max_active_per_customer ?? defaultMaxActivePerCustomer;
}

/**
 * Lets candidates into an active journey, in the caller's transaction (which must hold the
 * journey's row at least FOR SHARE, so that a pause cannot pass between the check and the insert).
 * Each candidate is decided under a per-customer advisory lock, taken in customer order so two
 * engines never deadlock: a key seen before answers the run it started; a customer already in
 * this journey, one the re-entry rule keeps out, or one at the workspace's limit of simultaneous
 * journeys is refused; the holdout share is recorded as an exited `holdout` run (their goal is
 * still measured: the control group).
 */
export async function enterJourney(tx: Db, journey: EntryJourney, candidates: readonly EntryCandidate[], opts: { now: Date; maxActive: number }): Promise<EntryOutcome[]> {
  const outcomes = new Array<EntryOutcome>(candidates.length);
  const order = candidates.map((c, i) => ({ c, i })).sort((a, b) => (a.c.customerId < b.c.customerId ? -1 : a.c.customerId > b.c.customerId ? 1 : a.i - b.i));
  const def = journey.definition;
  // Keys seen before, read once for the whole batch. Looked up one by one, a journey activated
  // since the last ANALYZE looks empty to the planner, which may walk the journey's whole index
  // for each key: every entry of a burst read every run before it (bench/journeys: 500,500 rows
  // for 1,000 entries).
  const keys = [...new Set(candidates.map((c) => c.key))];
  const seen = new Map(
    // One array parameter: a burst of 100,000 keys would pass PostgreSQL's 65,535 parameters as a list.
    (
      await tx
        .selectFrom('journey_runs')
        .select(['entry_key', 'id', 'holdout'])
        .where('journey_id', '=', journey.id)
        .where(sql<boolean>`entry_key = any(${keys}::text[])`)
        .execute()
    ).map((r) => [r.entry_key, r]),
  );
  for (const { c, i } of order) {
    const known = seen.get(c.key);
    if (known) {
      outcomes[i] = { entered: true, created: false, runId: known.id, holdout: known.holdout };
      continue;
    }
    await sql`select pg_advisory_xact_lock(${lockKey(c.customerId)})`.execute(tx);
    const outcome = await enterOne(tx, journey, def, c, opts);
    if (outcome.entered) seen.set(c.key, { entry_key: c.key, id: outcome.runId, holdout: outcome.holdout });
    outcomes[i] = outcome;
  }
  return outcomes;
}

async function enterOne(tx: Db, journey: EntryJourney, def: JourneyDefinition, c: EntryCandidate, opts: { now: Date; maxActive: number }): Promise<EntryOutcome> {
  // One read of the customer's own runs (journey_runs_customer: a few rows), for the same reason:
  // asked per journey, max(entered_at) could walk the journey's entry-time index. It also finds
  // the key when another engine entered it since the batch's read (under this customer's lock).
  const facts = await sql<{ live: boolean; known_id: string | null; known_holdout: boolean | null; inside: boolean; last_entered: Date | null; active: number }>`
    select (select c.merged_into is null and c.erased_at is null from customers c where c.id = ${c.customerId}::uuid and c.workspace_id = ${journey.workspace_id}::uuid) as live,
           (array_agg(r.id::text) filter (where r.journey_id = ${journey.id}::uuid and r.entry_key = ${c.key}))[1] as known_id,
           bool_or(r.holdout) filter (where r.journey_id = ${journey.id}::uuid and r.entry_key = ${c.key}) as known_holdout,
           coalesce(bool_or(r.journey_id = ${journey.id}::uuid and r.status in ('active', 'paused')), false) as inside,
           max(r.entered_at) filter (where r.journey_id = ${journey.id}::uuid) as last_entered,
           (count(*) filter (where r.status in ('active', 'paused')))::int as active
      from journey_runs r where r.customer_id = ${c.customerId}::uuid`.execute(tx);
  const f = facts.rows[0];
  if (f?.known_id) return { entered: true, created: false, runId: f.known_id, holdout: f.known_holdout === true };
  if (!f?.live) return { entered: false, reason: 'customer-gone' };
  if (f.inside) return { entered: false, reason: 'already-in-journey' };
  if (f.last_entered) {
    if (def.reentry.mode === 'once') return { entered: false, reason: 'reentry-once' };
    if (opts.now.getTime() - f.last_entered.getTime() < def.reentry.days * 86_400_000) return { entered: false, reason: 'reentry-too-soon' };
  }
  const holdout = inHoldout(journey.id, c.customerId, def.holdoutPercent);
  if (!holdout && f.active >= opts.maxActive) return { entered: false, reason: 'journey-limit' };
  const run = await tx
    .insertInto('journey_runs')
    .values({
      workspace_id: journey.workspace_id,
      journey_id: journey.id,
      version: journey.version,
      customer_id: c.customerId,
      status: holdout ? 'exited' : 'active',
      current_step: holdout ? null : def.start,
      phase: 'ready',
      wake_at: holdout ? null : opts.now,
      context: JSON.stringify(c.context),
      entry_key: c.key,
      holdout,
      // The trigger's own time when it has one (an event's receipt), so that a wait or a goal
      // looking back from entry sees what happened between the trigger and this engine pass.
      entered_at: c.at ? sql<Date>`least(now(), ${c.at}::timestamptz)` : sql<Date>`now()`,
      finished_at: holdout ? sql<Date>`now()` : null,
      exit_reason: holdout ? 'holdout' : null,
    })
    // The key under another customer (an API key reused), entered by another engine since the batch's read.
    .onConflict((oc) => oc.columns(['journey_id', 'entry_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!run) {
    const other = await tx.selectFrom('journey_runs').select(['id', 'holdout']).where('journey_id', '=', journey.id).where('entry_key', '=', c.key).executeTakeFirstOrThrow();
    return { entered: true, created: false, runId: other.id, holdout: other.holdout };
  }
  return { entered: true, created: true, runId: run.id, holdout };
}

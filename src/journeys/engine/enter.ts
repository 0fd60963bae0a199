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

/** Entry lock buckets (a power of two), see enterJourney. */
const LOCK_BUCKETS = 1024;

/** Rows per multi-row insert: 12 columns each, well under PostgreSQL's 65,535 parameters. */
const INSERT_ROWS = 2000;

interface Facts {
  live: boolean;
  inside: boolean;
  lastEntered: Date | null;
  active: number;
}

/**
 * Lets candidates into an active journey, in the caller's transaction (which must hold the
 * journey's row at least FOR SHARE, so that a pause cannot pass between the check and the insert).
 * Set-based, a handful of statements for the whole batch: the keys seen before (they answer the
 * run they started), then the advisory locks of all new candidates' customers in one statement
 * (by bucket, in ascending order, so two engines never deadlock); under them one read of every customer's
 * liveness and runs, the decisions in memory (in customer order, each entry counting for the
 * customer's later candidates of the batch), and one multi-row insert. A customer already in this
 * journey, one the re-entry rule keeps out, or one at the workspace's limit of simultaneous
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
  const seen = await knownKeys(tx, journey.id, candidates.map((c) => c.key));
  const fresh = order.filter(({ c }) => !seen.has(c.key));
  const customers = [...new Set(fresh.map(({ c }) => c.customerId))];
  let facts = new Map<string, Facts>();
  if (fresh.length) {
    // Entry locks, taken in one statement in ascending order so two engines never deadlock. Not
    // one per customer: advisory locks live in PostgreSQL's shared lock table (max_locks_per_
    // transaction × max_connections, 6,400 by default), and a burst of 30,000 customers
    // entering in one transaction ran out of shared memory. A customer's lock is one of 1,024
    // buckets of its hash instead, in a two-key space of its own (the delivery worker's
    // customer locks are one-key): a transaction holds at most 1,024, and two small entries
    // share a bucket once in 1,024 — they then wait for each other, which is all the lock is for.
    await sql`select count(pg_advisory_xact_lock(hashtext('vafa.journeys.customer'), b))
                from (select distinct (hashtextextended(c, 0) & ${LOCK_BUCKETS - 1})::int as b from unnest(${customers}::text[]) as u(c) order by b) x`.execute(tx);
    // Under the locks: keys another engine entered since the first read.
    for (const [k, v] of await knownKeys(tx, journey.id, fresh.map(({ c }) => c.key))) seen.set(k, v);
    facts = await customerFacts(tx, journey, customers);
  }
  const rows: { c: EntryCandidate; i: number; holdout: boolean }[] = [];
  // A key repeated within the batch (the same event twice) is answered by its first candidate's run.
  const firstOfKey = new Map<string, number>();
  const repeats: { i: number; first: number }[] = [];
  for (const { c, i } of order) {
    const first = firstOfKey.get(c.key);
    if (first !== undefined) {
      repeats.push({ i, first });
      continue;
    }
    firstOfKey.set(c.key, i);
    const known = seen.get(c.key);
    if (known) {
      outcomes[i] = { entered: true, created: false, runId: known.id, holdout: known.holdout };
      continue;
    }
    const f = facts.get(c.customerId);
    const refused = refusal(def, f, opts);
    if (refused) {
      outcomes[i] = { entered: false, reason: refused };
      continue;
    }
    const holdout = inHoldout(journey.id, c.customerId, def.holdoutPercent);
    if (!holdout && (f as Facts).active >= opts.maxActive) {
      outcomes[i] = { entered: false, reason: 'journey-limit' };
      continue;
    }
    // What this entry changes for the customer's later candidates in the batch. (A key that
    // turns out to be another engine's, below, still counts here: it can only make a later
    // candidate of the same customer wait for a next trigger, never enter twice.)
    const at = c.at && c.at.getTime() < opts.now.getTime() ? c.at : opts.now;
    facts.set(c.customerId, { ...(f as Facts), inside: (f as Facts).inside || !holdout, lastEntered: at, active: (f as Facts).active + (holdout ? 0 : 1) });
    rows.push({ c, i, holdout });
  }
  const created = await insertRuns(tx, journey, rows, opts.now);
  const lost: string[] = [];
  for (const { c, i, holdout } of rows) {
    const id = created.get(c.key);
    if (id) outcomes[i] = { entered: true, created: true, runId: id, holdout };
    else lost.push(c.key);
  }
  if (lost.length) {
    // The key under another customer (an API key reused), entered by another engine since the batch's read.
    const other = await knownKeys(tx, journey.id, lost);
    for (const { c, i } of rows) {
      if (created.has(c.key)) continue;
      const run = other.get(c.key);
      if (!run) throw new Error(`journey run for key ${c.key} neither inserted nor found`);
      outcomes[i] = { entered: true, created: false, runId: run.id, holdout: run.holdout };
    }
  }
  for (const { i, first } of repeats) {
    const o = outcomes[first] as EntryOutcome;
    outcomes[i] = o.entered ? { ...o, created: false } : o;
  }
  return outcomes;
}

async function knownKeys(tx: Db, journeyId: string, keys: readonly string[]): Promise<Map<string, { id: string; holdout: boolean }>> {
  if (keys.length === 0) return new Map();
  // One array parameter: a burst of 100,000 keys would pass PostgreSQL's 65,535 parameters as a list.
  const rows = await tx
    .selectFrom('journey_runs')
    .select(['entry_key', 'id', 'holdout'])
    .where('journey_id', '=', journeyId)
    .where(sql<boolean>`entry_key = any(${[...new Set(keys)]}::text[])`)
    .execute();
  return new Map(rows.map((r) => [r.entry_key, { id: r.id, holdout: r.holdout }]));
}

/**
 * Every customer's liveness and runs in one read. Per customer from journey_runs_customer (a few
 * rows each): asked per journey, max(entered_at) could walk the journey's entry-time index.
 */
async function customerFacts(tx: Db, journey: EntryJourney, customers: readonly string[]): Promise<Map<string, Facts>> {
  const r = await sql<{ id: string; live: boolean | null; inside: boolean; last_entered: Date | null; active: number }>`
    select u.id::text as id, (c.merged_into is null and c.erased_at is null) as live, f.inside, f.last_entered, f.active
      from unnest(${customers}::uuid[]) as u(id)
      left join customers c on c.id = u.id and c.workspace_id = ${journey.workspace_id}::uuid
      cross join lateral (
        select coalesce(bool_or(r.journey_id = ${journey.id}::uuid and r.status in ('active', 'paused')), false) as inside,
               max(r.entered_at) filter (where r.journey_id = ${journey.id}::uuid) as last_entered,
               (count(*) filter (where r.status in ('active', 'paused')))::int as active
          from journey_runs r where r.customer_id = u.id) f`.execute(tx);
  return new Map(r.rows.map((f) => [f.id, { live: f.live === true, inside: f.inside, lastEntered: f.last_entered, active: f.active }]));
}

function refusal(def: JourneyDefinition, f: Facts | undefined, opts: { now: Date }): Extract<EntryOutcome, { entered: false }>['reason'] | undefined {
  if (!f?.live) return 'customer-gone';
  if (f.inside) return 'already-in-journey';
  if (f.lastEntered) {
    if (def.reentry.mode === 'once') return 'reentry-once';
    if (opts.now.getTime() - f.lastEntered.getTime() < def.reentry.days * 86_400_000) return 'reentry-too-soon';
  }
  return undefined;
}

/** One multi-row insert per 2,000 entries; returns the run id of each key it inserted. */
async function insertRuns(tx: Db, journey: EntryJourney, rows: readonly { c: EntryCandidate; holdout: boolean }[], now: Date): Promise<Map<string, string>> {
  const created = new Map<string, string>();
  const def = journey.definition;
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    const inserted = await tx
      .insertInto('journey_runs')
      .values(
        rows.slice(i, i + INSERT_ROWS).map(({ c, holdout }) => ({
          workspace_id: journey.workspace_id,
          journey_id: journey.id,
          version: journey.version,
          customer_id: c.customerId,
          status: holdout ? ('exited' as const) : ('active' as const),
          current_step: holdout ? null : def.start,
          phase: 'ready' as const,
          wake_at: holdout ? null : now,
          context: JSON.stringify(c.context),
          entry_key: c.key,
          holdout,
          // The trigger's own time when it has one (an event's receipt), so that a wait or a goal
          // looking back from entry sees what happened between the trigger and this engine pass.
          entered_at: c.at ? sql<Date>`least(now(), ${c.at}::timestamptz)` : sql<Date>`now()`,
          finished_at: holdout ? sql<Date>`now()` : null,
          exit_reason: holdout ? 'holdout' : null,
        })),
      )
      // The key under another customer (an API key reused), entered by another engine since the batch's read.
      .onConflict((oc) => oc.columns(['journey_id', 'entry_key']).doNothing())
      .returning(['id', 'entry_key'])
      .execute();
    for (const r of inserted) created.set(r.entry_key, r.id);
  }
  return created;
}

import { sql } from 'kysely';
import type { Db } from '../../../database.ts';
import type { Logger } from '../../../platform/logger.ts';
import type { JourneyDefinition, Trigger } from '../../model/schema.ts';
import { enterJourney, maxActivePerCustomer } from '../enter.ts';
import type { TriggerRegistry } from '../triggers.ts';

/** Trigger kinds found by a periodic scan of the workspace's data rather than by the tails. */
export const derivedKinds = ['date', 'inactivity', 'cart_abandonment', 'browse_abandonment', 'product', 'vip'] as const satisfies readonly Trigger['kind'][];

export interface ScanDeps {
  db: Db;
  log: Logger;
  triggers: TriggerRegistry;
  /** The engine's clock. */
  now: Date;
  /** A journey is scanned at most this often (on the engine's clock). */
  everyMs: number;
  closed?: () => boolean;
}

/**
 * Scans every due journey of a derived kind: active ones are scanned and their candidates
 * entered; paused ones only move their cursor (triggers let no one in while paused, and on
 * resume the moments of the pause are not made up). Returns how many runs started.
 */
export async function scanDerived(deps: ScanDeps): Promise<number> {
  const due = await sql<{ id: string; workspace_id: string }>`
    select j.id::text, j.workspace_id::text from journeys j
      left join journey_scans s on s.journey_id = j.id
     where j.status in ('active', 'paused') and j.trigger_kind = any(${[...derivedKinds]}::text[])
       and (s.scanned_at is null or s.scanned_at <= ${new Date(deps.now.getTime() - deps.everyMs)})
     order by s.scanned_at nulls first`.execute(deps.db);
  let entered = 0;
  for (const j of due.rows) {
    if (deps.closed?.()) break;
    try {
      entered += await scanJourney(deps, j.id, j.workspace_id);
    } catch (e) {
      deps.log.error({ err: e, journeyId: j.id }, 'journey scan failed');
    }
  }
  return entered;
}

/**
 * One journey's scan, in one transaction that holds the journey FOR SHARE (a pause waits for it,
 * and no entry slips in after a pause) and its journey_scans row FOR UPDATE SKIP LOCKED (another
 * engine scanning it meanwhile skips it): the trigger's scan finds candidates, `enterJourney`
 * applies the keys, re-entry, the per-customer limit and the holdout, the row records the scan.
 */
export async function scanJourney(deps: ScanDeps, journeyId: string, workspaceId: string): Promise<number> {
  // The row exists before the transaction, so that a second engine finds it locked and skips it
  // rather than waiting on the first one's insert.
  await sql`insert into journey_scans (journey_id, workspace_id) values (${journeyId}::uuid, ${workspaceId}::uuid) on conflict do nothing`.execute(deps.db);
  return deps.db.transaction().execute(async (tx) => {
    const claim = await sql<{ scanned_at: Date | null; cursor_at: Date | null }>`
      select scanned_at, cursor_at from journey_scans where journey_id = ${journeyId}::uuid for update skip locked`.execute(tx);
    const scan = claim.rows[0];
    if (!scan || (scan.scanned_at && scan.scanned_at.getTime() > deps.now.getTime() - deps.everyMs)) return 0;
    const journey = await tx
      .selectFrom('journeys')
      .select(['id', 'workspace_id', 'status', 'version', 'definition', 'activated_at'])
      .where('id', '=', journeyId)
      .forShare()
      .executeTakeFirst();
    if (!journey?.activated_at || (journey.status !== 'active' && journey.status !== 'paused')) return 0;
    const def: JourneyDefinition = journey.definition;
    let entered = 0;
    let cursor: Date = deps.now;
    const scanner = deps.triggers.handler(def.trigger.kind).scan;
    if (journey.status === 'active' && scanner) {
      const found = await scanner(tx, def.trigger, { workspaceId, journeyId, activatedAt: journey.activated_at, now: deps.now, cursor: scan.cursor_at });
      cursor = found.cursor;
      if (found.candidates.length) {
        const outcomes = await enterJourney(tx, journey, found.candidates, { now: deps.now, maxActive: await maxActivePerCustomer(tx, workspaceId) });
        entered = outcomes.filter((o) => o.entered && o.created).length;
      }
    } else if (journey.status === 'paused') {
      // Change-reading scans keep a database-clock cursor; a paused journey skips what changes meanwhile.
      const r = await sql<{ now: Date }>`select now()`.execute(tx);
      cursor = def.trigger.kind === 'product' || def.trigger.kind === 'vip' ? (r.rows[0]?.now ?? deps.now) : deps.now;
    }
    await sql`update journey_scans set scanned_at = ${deps.now}, cursor_at = ${cursor} where journey_id = ${journeyId}::uuid`.execute(tx);
    return entered;
  });
}

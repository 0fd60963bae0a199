import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { JourneyDefinition } from '../model/schema.ts';
import type { VersionCache } from './advance.ts';
import { enterJourney, maxActivePerCustomer } from './enter.ts';
import { matchesFilters } from './filters.ts';
import type { TailEvent, TailSegmentChange, TriggerRegistry } from './triggers.ts';

/**
 * Rows carry their transaction's start time, so one that commits late can fall below a watermark
 * already read: each pass re-reads this much before its watermarks. Everything done with a row is
 * idempotent (entries by their key, a resolved wait, a recorded goal), so reading twice is free.
 */
const OVERLAP_MS = 1000;
/** A pass reads at most this much time past its watermark (a backlog is worked off in slices). */
const SLICE_MS = 5 * 60_000;

interface LiveJourney {
  id: string;
  workspace_id: string;
  status: 'active' | 'paused';
  version: number;
  definition: JourneyDefinition;
  activated_at: Date;
}

export interface TailResult {
  entered: number;
  resolved: number;
  goals: number;
}

/**
 * One workspace's tails, in one transaction under its watermark row's lock (another engine
 * skips the workspace meanwhile): tracked events and segment history since the watermarks
 * become journey entries (per the trigger registry), resolve runs waiting for an event, and
 * record goals; then the watermarks move. A crash re-reads; nothing is skipped.
 */
export async function tailWorkspace(db: Db, workspaceId: string, deps: { triggers: TriggerRegistry; versions: VersionCache; now: Date }): Promise<TailResult> {
  return db.transaction().execute(async (tx) => {
    const result: TailResult = { entered: 0, resolved: 0, goals: 0 };
    const live = (await tx
      .selectFrom('journeys')
      .select(['id', 'workspace_id', 'status', 'version', 'definition', 'activated_at'])
      .where('workspace_id', '=', workspaceId)
      .where('status', 'in', ['active', 'paused'])
      .execute()) as LiveJourney[];
    if (live.length === 0) return result;
    const since = new Date(Math.min(...live.map((j) => j.activated_at.getTime())));
    await sql`insert into journey_watermarks (workspace_id, events_at, segments_at) values (${workspaceId}::uuid, ${since}, ${since}) on conflict do nothing`.execute(tx);
    const marks = await sql<{ events_at: Date; segments_at: Date; db_now: Date }>`
      select events_at, segments_at, now() as db_now from journey_watermarks where workspace_id = ${workspaceId}::uuid for update skip locked`.execute(tx);
    const mark = marks.rows[0];
    if (!mark) return result;
    const dbNow = mark.db_now;
    const window = (from: Date) => {
      const start = new Date(Math.max(from.getTime(), since.getTime()) - OVERLAP_MS);
      return { start, end: new Date(Math.min(dbNow.getTime(), start.getTime() + OVERLAP_MS + SLICE_MS)) };
    };
    const active = live.filter((j) => j.status === 'active');
    const limit = await maxActivePerCustomer(tx, workspaceId);

    // ── events ──
    const ev = window(mark.events_at);
    // Event names anything waits for: read from the live journeys' versions (cached, immutable),
    // not from the runs, so a million waiting runs cost nothing here.
    const names = new Set<string>();
    for (const j of live) {
      for (let v = 1; v <= j.version; v++) {
        for (const step of (await deps.versions.get(tx, j.id, v))?.definition.steps ?? []) if (step.kind === 'wait_for_event') names.add(step.event);
      }
      if (j.definition.trigger.kind === 'event') names.add(j.definition.trigger.event);
      if (j.definition.goal) names.add(j.definition.goal.event);
    }
    if (names.size) {
      const rows = await sql<{ id: string; customer_id: string; name: string; properties: Record<string, unknown>; occurred_at: Date; received_at: Date }>`
        select id::text, customer_id::text, name, properties, occurred_at, received_at from events
         where workspace_id = ${workspaceId}::uuid and type = 'track' and name = any(${[...names]}::text[])
           and received_at > ${ev.start} and received_at <= ${ev.end}
         order by received_at, id`.execute(tx);
      const events: TailEvent[] = rows.rows.map((r) => ({ id: r.id, customerId: r.customer_id, name: r.name, properties: r.properties, occurredAt: r.occurred_at, receivedAt: r.received_at }));
      if (events.length) {
        for (const j of active) {
          const from = deps.triggers.handler(j.definition.trigger.kind).fromEvents;
          if (!from) continue;
          const candidates = from(j.definition.trigger, events.filter((e) => e.receivedAt >= j.activated_at));
          if (candidates.length) result.entered += countEntered(await enterJourney(tx, j, candidates, { now: deps.now, maxActive: limit }));
        }
        result.resolved += await resolveWaits(tx, workspaceId, events, deps);
        result.goals += await recordGoals(tx, workspaceId, live, events);
      }
    }

    // ── segment history ──
    const seg = window(mark.segments_at);
    const segmentTriggers = active.filter((j) => j.definition.trigger.kind === 'segment');
    if (segmentTriggers.length) {
      const ids = [...new Set(segmentTriggers.map((j) => (j.definition.trigger as { segmentId: string }).segmentId))];
      const rows = await sql<{ id: string; segment_id: string; customer_id: string; action: 'entered' | 'exited'; occurred_at: Date }>`
        select id::text, segment_id::text, customer_id::text, action, occurred_at from segment_history
         where workspace_id = ${workspaceId}::uuid and segment_id = any(${ids}::uuid[]) and occurred_at > ${seg.start} and occurred_at <= ${seg.end}
         order by occurred_at, id`.execute(tx);
      const changes: TailSegmentChange[] = rows.rows.map((r) => ({ id: r.id, segmentId: r.segment_id, customerId: r.customer_id, action: r.action, occurredAt: r.occurred_at }));
      for (const j of segmentTriggers) {
        const from = deps.triggers.handler('segment').fromSegmentChanges;
        const candidates = from ? from(j.definition.trigger, changes.filter((c) => c.occurredAt >= j.activated_at)) : [];
        if (candidates.length) result.entered += countEntered(await enterJourney(tx, j, candidates, { now: deps.now, maxActive: limit }));
      }
    }
    await sql`update journey_watermarks set events_at = greatest(events_at, ${new Date(ev.end.getTime())}), segments_at = greatest(segments_at, ${new Date(seg.end.getTime())})
              where workspace_id = ${workspaceId}::uuid`.execute(tx);
    return result;
  });
}

const countEntered = (outcomes: { entered: boolean; created?: boolean }[]) => outcomes.filter((o) => o.entered && o.created).length;

/**
 * Runs waiting for one of these events (name, customer, received after the wait began, property
 * filters of their wait step) are resolved through their `event` port: due now, the event kept
 * in their context. Paused runs are resolved too and go on when resumed.
 */
async function resolveWaits(tx: Db, workspaceId: string, events: readonly TailEvent[], deps: { versions: VersionCache; now: Date }): Promise<number> {
  const runs = await tx
    .selectFrom('journey_runs')
    .select(['id', 'journey_id', 'version', 'customer_id', 'current_step', 'wait_event', 'wait_since', 'status', 'context'])
    .where('workspace_id', '=', workspaceId)
    .where('wait_event', 'in', [...new Set(events.map((e) => e.name))])
    .where('customer_id', 'in', [...new Set(events.map((e) => e.customerId))])
    .where('resolved_port', 'is', null)
    .where('status', 'in', ['active', 'paused'])
    .forUpdate()
    .execute();
  let resolved = 0;
  for (const run of runs) {
    const version = await deps.versions.get(tx, run.journey_id, run.version);
    const step = run.current_step ? version?.steps.get(run.current_step) : undefined;
    if (step?.kind !== 'wait_for_event') continue;
    const hit = events.find(
      (e) => e.customerId === run.customer_id && e.name === run.wait_event && (!run.wait_since || e.receivedAt >= run.wait_since) && matchesFilters(e.properties, step.properties),
    );
    if (!hit) continue;
    await tx
      .updateTable('journey_runs')
      .set({
        resolved_port: 'event',
        wait_event: null,
        wake_at: deps.now,
        context: JSON.stringify({ ...run.context, waitedEvent: { name: hit.name, eventId: hit.id, properties: hit.properties } }),
        updated_at: deps.now,
      })
      .where('id', '=', run.id)
      .execute();
    resolved++;
  }
  return resolved;
}

/**
 * Goals: a run whose goal event (with its filters) occurred within the attribution window after
 * it entered records the first such event, with the order's revenue for Order Completed, and
 * leaves the journey if the goal says so. Holdout runs and finished runs are measured alike.
 */
async function recordGoals(tx: Db, workspaceId: string, live: readonly LiveJourney[], events: readonly TailEvent[]): Promise<number> {
  const withGoal = new Map(live.filter((j) => j.definition.goal).map((j) => [j.id, j.definition.goal as NonNullable<JourneyDefinition['goal']>]));
  if (withGoal.size === 0) return 0;
  const goalNames = new Set([...withGoal.values()].map((g) => g.event));
  const relevant = events.filter((e) => goalNames.has(e.name));
  if (relevant.length === 0) return 0;
  const runs = await tx
    .selectFrom('journey_runs')
    .select(['id', 'journey_id', 'customer_id', 'entered_at', 'status'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', [...new Set(relevant.map((e) => e.customerId))])
    .where('journey_id', 'in', [...withGoal.keys()])
    .where('goal_at', 'is', null)
    .forUpdate()
    .execute();
  let recorded = 0;
  for (const run of runs) {
    const goal = withGoal.get(run.journey_id);
    if (!goal) continue;
    const until = run.entered_at.getTime() + goal.withinDays * 86_400_000;
    const hit = relevant.find(
      (e) => e.customerId === run.customer_id && e.name === goal.event && e.occurredAt >= run.entered_at && e.occurredAt.getTime() <= until && matchesFilters(e.properties, goal.properties),
    );
    if (!hit) continue;
    const revenue = hit.name === 'Order Completed' ? await orderRevenue(tx, workspaceId, run.customer_id, hit.properties) : undefined;
    const leave = goal.exitOnGoal && (run.status === 'active' || run.status === 'paused');
    await tx
      .updateTable('journey_runs')
      .set({
        goal_at: hit.occurredAt,
        goal_revenue: revenue?.total ?? null,
        goal_currency: revenue?.currency ?? null,
        ...(leave ? { status: 'exited', exit_reason: 'goal', finished_at: sql<Date>`now()`, wake_at: null, wait_event: null } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', run.id)
      .execute();
    recorded++;
  }
  return recorded;
}

/** The order an Order Completed event recorded (by its order_id), net of refunds, in minor units. */
async function orderRevenue(tx: Db, workspaceId: string, customerId: string, properties: Record<string, unknown>) {
  const orderId = properties.order_id ?? properties.orderId;
  if (typeof orderId !== 'string' && typeof orderId !== 'number') return undefined;
  const row = await tx
    .selectFrom('orders')
    .select(['total_minor', 'refunded_minor', 'currency'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('external_id', '=', String(orderId))
    .executeTakeFirst();
  return row ? { total: Number(row.total_minor) - Number(row.refunded_minor), currency: row.currency } : undefined;
}

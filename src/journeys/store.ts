import { sql, type Selectable } from 'kysely';
import type { Db } from '../database.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { decodeCursor, page } from '../platform/http/pagination.ts';
import type { TriggerRegistry } from './engine/triggers.ts';
import { holdJourneyMessages, releaseJourneyMessages, skipJourneyMessages } from './engine/control.ts';
import { definitionSchema, type JourneyDefinition, type JourneyStatus } from './model/schema.ts';
import { assertActivatable } from './model/validate.ts';
import type { CreateJourney, JourneyView, RunView, UpdateJourney } from './schemas.ts';
import type { JourneyRow, RunRow } from './tables.ts';

export type Journey = Selectable<JourneyRow>;
export type Run = Selectable<RunRow>;

export interface StoreDeps {
  triggers: TriggerRegistry;
  defaultCountry: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toJourneyView(j: Journey): JourneyView {
  const d = j.definition;
  return {
    id: j.id,
    name: j.name,
    description: j.description,
    status: j.status,
    version: j.version,
    trigger: d.trigger,
    start: d.start,
    steps: d.steps,
    goal: d.goal,
    reentry: d.reentry,
    holdoutPercent: d.holdoutPercent,
    // Journeys stored before the canvas kept positions have none.
    layout: d.layout ?? {},
    createdBy: j.created_by,
    createdAt: j.created_at.toISOString(),
    updatedAt: j.updated_at.toISOString(),
    activatedAt: iso(j.activated_at),
    pausedAt: iso(j.paused_at),
    archivedAt: iso(j.archived_at),
  };
}

export function toRunView(r: Run & { journey_name?: string }): RunView {
  return {
    id: r.id,
    journeyId: r.journey_id,
    ...(r.journey_name !== undefined ? { journeyName: r.journey_name } : {}),
    version: r.version,
    customerId: r.customer_id,
    status: r.status,
    currentStep: r.current_step,
    phase: r.phase,
    wakeAt: iso(r.wake_at),
    waitingFor: r.wait_event,
    holdout: r.holdout,
    context: r.context,
    enteredAt: r.entered_at.toISOString(),
    finishedAt: iso(r.finished_at),
    exitReason: r.exit_reason,
    goalAt: iso(r.goal_at),
    goalRevenue: r.goal_revenue === null ? null : Number(r.goal_revenue),
    goalCurrency: r.goal_currency,
    lastError: r.last_error,
  };
}

const definitionOf = (body: Omit<CreateJourney, 'name' | 'description'>): JourneyDefinition => ({
  trigger: body.trigger,
  start: body.start,
  steps: body.steps,
  goal: body.goal,
  reentry: body.reentry,
  holdoutPercent: body.holdoutPercent,
  layout: body.layout,
});

export async function createJourney(db: Db, workspaceId: string, body: CreateJourney, createdBy: string): Promise<Journey> {
  const definition = definitionOf(body);
  return (await db
    .insertInto('journeys')
    .values({
      workspace_id: workspaceId,
      name: body.name,
      description: body.description ?? null,
      definition: JSON.stringify(definition),
      trigger_kind: definition.trigger.kind,
      created_by: createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as Journey;
}

/** The journey, locked for the rest of the caller's transaction when `lock` is set. */
export async function getJourney(db: Db, workspaceId: string, id: string, lock = false): Promise<Journey> {
  let q = db.selectFrom('journeys').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = (await q.executeTakeFirst()) as Journey | undefined;
  if (!row) throw notFound('Journey');
  return row;
}

async function addVersion(db: Db, j: Journey, definition: JourneyDefinition, version: number, createdBy: string): Promise<void> {
  await db.insertInto('journey_versions').values({ journey_id: j.id, version, workspace_id: j.workspace_id, definition: JSON.stringify(definition), created_by: createdBy }).execute();
}

/**
 * A draft is changed in place. An active or paused journey gets a new version (validated as at
 * activation); its waiting runs move to it by the version rule (`moveRunsToVersion`).
 */
export async function updateJourney(db: Db, workspaceId: string, id: string, body: UpdateJourney, by: string, deps: StoreDeps): Promise<{ journey: Journey; movedRuns: number }> {
  const j = await getJourney(db, workspaceId, id, true);
  if (j.status === 'archived') throw conflict('an archived journey cannot be changed', 'status');
  const { name, description, ...changes } = body;
  // Both through the schema: jsonb does not keep key order, the parsed shapes do.
  const current = definitionSchema.parse(j.definition);
  const merged = definitionSchema.parse({ ...current, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) });
  // Node positions on the canvas mean nothing to the engine: moving one makes no version.
  const runnable = (d: JourneyDefinition) => JSON.stringify({ ...d, layout: undefined });
  const definitionChanged = runnable(merged) !== runnable(current);
  let version = j.version;
  let movedRuns = 0;
  if (j.status !== 'draft' && definitionChanged) {
    if (merged.trigger.kind !== j.definition.trigger.kind) throw conflict('the trigger kind of an activated journey cannot change; create a new journey', 'trigger.kind');
    await assertActivatable(db, workspaceId, merged, deps);
    version = j.version + 1;
    await addVersion(db, j, merged, version, by);
    movedRuns = await moveRunsToVersion(db, j.id, version, merged);
  }
  const journey = (await db
    .updateTable('journeys')
    .set({
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
      definition: JSON.stringify(merged),
      trigger_kind: merged.trigger.kind,
      version,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as Journey;
  return { journey, movedRuns };
}

/**
 * The version rule: a live run (active or paused) moves to the new version when the step it is
 * at exists there with the same id and kind; from then on it follows the new version's settings
 * and edges (a wait already scheduled keeps its wake time). A run whose step was removed or
 * changed kind finishes on the version it was following, which stays stored.
 */
export async function moveRunsToVersion(db: Db, journeyId: string, version: number, next: JourneyDefinition): Promise<number> {
  const kinds = new Map(next.steps.map((s) => [s.id, s.kind]));
  const old = await db.selectFrom('journey_versions').select(['version', 'definition']).where('journey_id', '=', journeyId).where('version', '<', version).execute();
  let moved = 0;
  for (const v of old) {
    const compatible = v.definition.steps.filter((s) => kinds.get(s.id) === s.kind).map((s) => s.id);
    if (compatible.length === 0) continue;
    const r = await db
      .updateTable('journey_runs')
      .set({ version, updated_at: new Date() })
      .where('journey_id', '=', journeyId)
      .where('version', '=', v.version)
      .where('status', 'in', ['active', 'paused'])
      .where('current_step', 'in', compatible)
      .executeTakeFirst();
    moved += Number(r.numUpdatedRows);
  }
  return moved;
}

export async function activateJourney(db: Db, workspaceId: string, id: string, by: string, now: Date, deps: StoreDeps): Promise<Journey> {
  const j = await getJourney(db, workspaceId, id, true);
  if (j.status !== 'draft') throw conflict(`a ${j.status} journey cannot be activated${j.status === 'paused' ? '; resume it' : ''}`, 'status');
  await assertActivatable(db, workspaceId, j.definition, deps);
  await addVersion(db, j, j.definition, 1, by);
  return setStatus(db, id, { status: 'active', version: 1, activated_at: now, updated_at: now });
}

/** Stops the journey at once: runs are paused under their row locks, its waiting messages held, decided ones withdrawn. */
export async function pauseJourney(db: Db, workspaceId: string, id: string, now: Date): Promise<Journey> {
  const j = await getJourney(db, workspaceId, id, true);
  if (j.status === 'paused') return j;
  if (j.status !== 'active') throw conflict(`a ${j.status} journey cannot be paused`, 'status');
  // Waits for any engine advancing one of these runs to commit, so its messages are seen below.
  await db.updateTable('journey_runs').set({ status: 'paused', updated_at: now }).where('journey_id', '=', id).where('status', '=', 'active').execute();
  await holdJourneyMessages(db, [id]);
  return setStatus(db, id, { status: 'paused', paused_at: now, updated_at: now });
}

export async function resumeJourney(db: Db, workspaceId: string, id: string, now: Date): Promise<Journey> {
  const j = await getJourney(db, workspaceId, id, true);
  if (j.status !== 'paused') throw conflict(`a ${j.status} journey cannot be resumed`, 'status');
  await db.updateTable('journey_runs').set({ status: 'active', updated_at: now }).where('journey_id', '=', id).where('status', '=', 'paused').execute();
  await releaseJourneyMessages(db, id);
  return setStatus(db, id, { status: 'active', paused_at: null, updated_at: now });
}

/** For good: live runs exit (`journey-archived`), unsent messages are skipped. */
export async function archiveJourney(db: Db, workspaceId: string, id: string, now: Date): Promise<Journey> {
  const j = await getJourney(db, workspaceId, id, true);
  if (j.status === 'archived') return j;
  await db
    .updateTable('journey_runs')
    .set({ status: 'exited', exit_reason: 'journey-archived', finished_at: now, wake_at: null, wait_event: null, updated_at: now })
    .where('journey_id', '=', id)
    .where('status', 'in', ['active', 'paused'])
    .execute();
  await skipJourneyMessages(db, [id]);
  return setStatus(db, id, { status: 'archived', archived_at: now, updated_at: now });
}

/**
 * A draft that was never activated has no runs, versions or messages: it goes entirely. An
 * activated journey is history (runs, timelines, analytics) and is archived instead.
 */
export async function deleteDraft(db: Db, workspaceId: string, id: string): Promise<Journey> {
  const j = await getJourney(db, workspaceId, id, true);
  if (j.status !== 'draft') throw conflict(`only a draft can be deleted; this journey is ${j.status} — archive it instead`, 'status');
  await db.deleteFrom('journeys').where('id', '=', id).execute();
  return j;
}

async function setStatus(db: Db, id: string, set: Partial<{ status: JourneyStatus; version: number; activated_at: Date; paused_at: Date | null; archived_at: Date; updated_at: Date }>): Promise<Journey> {
  return (await db.updateTable('journeys').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow()) as Journey;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listJourneys(db: Db, workspaceId: string, f: { status?: JourneyStatus | undefined; limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(f.cursor, 2) as [string, string] | undefined;
  let q = db.selectFrom('journeys').selectAll().select(sql<string>`created_at::text`.as('created_exact')).where('workspace_id', '=', workspaceId);
  if (f.status) q = q.where('status', '=', f.status);
  if (after) q = q.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  const result = page(rows, f.limit, (last) => [last.created_exact, last.id]);
  return { data: result.data.map((r) => toJourneyView(r as Journey)), nextCursor: result.nextCursor };
}

export async function runCounts(db: Db, journeyId: string) {
  const r = await sql<{ active: number; paused: number; completed: number; exited: number; holdout: number; goal: number }>`
    select count(*) filter (where status = 'active')::int as active, count(*) filter (where status = 'paused')::int as paused,
           count(*) filter (where status = 'completed')::int as completed, count(*) filter (where status = 'exited')::int as exited,
           count(*) filter (where holdout)::int as holdout, count(*) filter (where goal_at is not null)::int as goal
      from journey_runs where journey_id = ${journeyId}::uuid`.execute(db);
  const c = r.rows[0] ?? { active: 0, paused: 0, completed: 0, exited: 0, holdout: 0, goal: 0 };
  return { active: c.active, paused: c.paused, completed: c.completed, exited: c.exited, holdout: c.holdout, goalReached: c.goal };
}

export async function listVersions(db: Db, journeyId: string) {
  const rows = await db.selectFrom('journey_versions').selectAll().where('journey_id', '=', journeyId).orderBy('version', 'desc').execute();
  return { data: rows.map((v) => ({ version: v.version, createdBy: v.created_by, createdAt: v.created_at.toISOString(), ...v.definition })) };
}

/** A journey's runs, newest entry first, keyset-paginated on (entered_at, id). */
export async function listRuns(db: Db, journeyId: string, f: { status?: Run['status'] | undefined; limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(f.cursor, 2) as [string, string] | undefined;
  let q = db.selectFrom('journey_runs').selectAll().select(sql<string>`entered_at::text`.as('entered_exact')).where('journey_id', '=', journeyId);
  if (f.status) q = q.where('status', '=', f.status);
  if (after) q = q.where(sql<boolean>`(entered_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('entered_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  const result = page(rows, f.limit, (last) => [last.entered_exact, last.id]);
  return { data: result.data.map((r) => toRunView(r as Run)), nextCursor: result.nextCursor };
}

/** A customer's runs in every journey of the workspace, newest first. */
export async function customerRuns(db: Db, workspaceId: string, customerId: string, f: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(f.cursor, 2) as [string, string] | undefined;
  let q = db
    .selectFrom('journey_runs as r')
    .innerJoin('journeys as j', 'j.id', 'r.journey_id')
    .selectAll('r')
    .select(['j.name as journey_name', sql<string>`r.entered_at::text`.as('entered_exact')])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.customer_id', '=', customerId);
  if (after) q = q.where(sql<boolean>`(r.entered_at, r.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await q.orderBy('r.entered_at', 'desc').orderBy('r.id', 'desc').limit(f.limit + 1).execute();
  const result = page(rows, f.limit, (last) => [last.entered_exact, last.id]);
  return { data: result.data.map((r) => toRunView(r as Run & { journey_name: string })), nextCursor: result.nextCursor };
}

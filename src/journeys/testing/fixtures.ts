import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { silentLog, type TestClock } from '../../messaging/delivery/testing/fixtures.ts';
import type { TestWorkspace } from '../../testing/harness.ts';
import { TriggerRegistry } from '../engine/triggers.ts';
import { JourneyEngine, type JourneyEngineOptions } from '../engine/worker.ts';

/** An engine over the test database with the test's clock, run by hand (`tick`). */
export function testEngine(db: Db, clock: TestClock, options: Partial<JourneyEngineOptions> = {}): JourneyEngine {
  return new JourneyEngine({ db, log: silentLog, triggers: new TriggerRegistry(), defaultCountry: 'IR', now: clock.now, tickMs: 0, ...options });
}

/** An enabled channel of `kind` in the workspace, as activation requires for send steps (the test's directory does the sending). */
export async function enableChannel(db: Db, workspaceId: string, kind: string): Promise<void> {
  await db
    .insertInto('channel_configs')
    .values({ id: randomUUID(), workspace_id: workspaceId, kind, provider: 'recording', name: `${kind} for tests`, settings: '{}', secrets: null, enabled: true, is_default: true, webhook_token: randomUUID() })
    .execute();
}

/** A transactional SMS template (so caps, quiet hours and marketing consent do not hold test sends back). */
export async function smsTemplate(w: TestWorkspace, text = 'Hello {{ customer.first_name }}'): Promise<string> {
  const res = await w.api.post('/api/v1/templates', { name: `T ${Math.random().toString(36).slice(2)}`, category: 'transactional', variants: { fa: { sms: { text } } } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

export async function createJourney(w: TestWorkspace, body: Record<string, unknown>): Promise<string> {
  const res = await w.api.post('/api/v1/journeys', { name: `J ${Math.random().toString(36).slice(2)}`, ...body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

export async function activeJourney(w: TestWorkspace, body: Record<string, unknown>): Promise<string> {
  const id = await createJourney(w, body);
  const res = await w.api.post(`/api/v1/journeys/${id}/activate`);
  assert.equal(res.statusCode, 200, res.body);
  return id;
}

/** Starts an API-triggered journey for a customer; returns the answer's body. */
export async function startRun(w: TestWorkspace, journeyId: string, customerId: string, key: string = randomUUID(), context: Record<string, unknown> = {}) {
  const res = await w.api.post(`/api/v1/journeys/${journeyId}/runs`, { customerId, idempotencyKey: key, context });
  assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body);
  return res.json() as { entered: boolean; reason: string | null; run: { id: string; status: string } | null };
}

/** A tracked event straight into the events table (received now, as the intake would). */
export async function trackEvent(db: Db, workspaceId: string, customerId: string, name: string, properties: Record<string, unknown> = {}, at = new Date()): Promise<void> {
  await sql`select vafa_ensure_events_partition(date_trunc('month', ${at}::timestamptz at time zone 'UTC')::date)`.execute(db);
  await sql`insert into events (workspace_id, id, message_id, customer_id, type, name, properties, occurred_at)
            values (${workspaceId}::uuid, gen_random_uuid(), gen_random_uuid()::text, ${customerId}::uuid, 'track', ${name}, ${JSON.stringify(properties)}::jsonb, ${at}::timestamptz)`.execute(db);
}

export async function runOf(db: Db, runId: string) {
  return db.selectFrom('journey_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
}

export async function runsOf(db: Db, journeyId: string) {
  return db.selectFrom('journey_runs').selectAll().where('journey_id', '=', journeyId).orderBy('entered_at').execute();
}

/** The steps a run took, in order, as `stepId:port`. */
export async function pathOf(db: Db, runId: string): Promise<string[]> {
  const rows = await db.selectFrom('journey_step_log').select(['step_id', 'port']).where('run_id', '=', runId).orderBy('occurred_at').execute();
  return rows.map((r) => `${r.step_id}:${r.port}`);
}

export async function messagesOf(db: Db, journeyId: string) {
  return sql<{ id: string; customer_id: string; status: string; reason: string | null; idempotency_key: string; locked_by: string | null }>`
    select m.id, m.customer_id, m.status, m.reason, m.idempotency_key, m.locked_by from messages m join journey_messages jm on jm.message_id = m.id
     where jm.journey_id = ${journeyId}::uuid order by m.created_at`
    .execute(db)
    .then((r) => r.rows);
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

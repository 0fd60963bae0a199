import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../../../database.ts';
import type { TestWorkspace } from '../../../testing/harness.ts';
import { activeJourney } from '../../testing/fixtures.ts';

/** Test helpers of the derived triggers: rows with the times a test needs (simulated time). */

/** A journey that lets customers in and ends at once: runs counted, contexts read. */
export const derivedJourney = (w: TestWorkspace, trigger: Record<string, unknown>, reentry: Record<string, unknown> = { mode: 'once' }) =>
  activeJourney(w, { trigger, start: 'end', steps: [{ id: 'end', kind: 'exit' }], reentry });

/** A track event received at `receivedAt` (the simulated clock), as the intake would store it. */
export async function event(db: Db, workspaceId: string, customerId: string, name: string, properties: Record<string, unknown>, receivedAt: Date, occurredAt = receivedAt): Promise<string> {
  await sql`select vafa_ensure_events_partition(date_trunc('month', ${occurredAt}::timestamptz at time zone 'UTC')::date)`.execute(db);
  const r = await sql<{ id: string }>`
    insert into events (workspace_id, id, message_id, customer_id, type, name, properties, occurred_at, received_at)
    values (${workspaceId}::uuid, gen_random_uuid(), gen_random_uuid()::text, ${customerId}::uuid, 'track', ${name}, ${JSON.stringify(properties)}::jsonb, ${occurredAt}, ${receivedAt})
    returning id::text`.execute(db);
  return (r.rows[0] as { id: string }).id;
}

/** An order (and its lines) placed at `placedAt`; recorded now (created_at, the database's clock). */
export async function order(db: Db, workspaceId: string, customerId: string, o: { total: number; currency?: string; placedAt?: Date; products?: string[] }): Promise<string> {
  const r = await sql<{ id: string }>`
    insert into orders (workspace_id, customer_id, external_id, currency, total_minor, placed_at, source)
    values (${workspaceId}::uuid, ${customerId}::uuid, ${`o-${Math.random().toString(36).slice(2)}`}, ${o.currency ?? 'USD'}, ${Math.round(o.total * 100)}, ${o.placedAt ?? new Date()}, 'test')
    returning id::text`.execute(db);
  const id = (r.rows[0] as { id: string }).id;
  for (const [i, productId] of (o.products ?? []).entries()) {
    await sql`insert into order_lines (order_id, line_no, workspace_id, product_id) values (${id}::uuid, ${i + 1}, ${workspaceId}::uuid, ${productId})`.execute(db);
  }
  return id;
}

export async function setProfile(db: Db, customerId: string, p: { birthday?: string; timezone?: string; attributes?: Record<string, unknown>; createdAt?: Date }): Promise<void> {
  await sql`update customers set birthday = coalesce(${p.birthday ?? null}::date, birthday), timezone = coalesce(${p.timezone ?? null}::text, timezone),
              attributes = attributes || ${JSON.stringify(p.attributes ?? {})}::jsonb, created_at = coalesce(${p.createdAt ?? null}::timestamptz, created_at)
             where id = ${customerId}::uuid`.execute(db);
}

/** Entered customers of a journey (holdouts included), in entry order, with their contexts. */
export async function entrants(db: Db, journeyId: string) {
  const rows = await db.selectFrom('journey_runs').select(['customer_id', 'entry_key', 'context']).where('journey_id', '=', journeyId).orderBy('entered_at').orderBy('id').execute();
  return rows;
}

export async function putProduct(w: TestWorkspace, id: string, body: Record<string, unknown>): Promise<void> {
  const res = await w.api.put(`/api/v1/products/${id}`, body);
  assert.ok(res.statusCode === 200 || res.statusCode === 201, res.body);
}

export const MINUTE = 60_000;

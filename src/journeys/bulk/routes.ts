import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../database.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { errorResponses, uuidParam } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import { enterJourney, type EntryOutcome, maxActivePerCustomer } from '../engine/enter.ts';
import type { Journey } from '../store.ts';

/**
 * `POST /api/v1/journeys/{id}/runs/bulk`: the API trigger for many customers at once — every
 * member of a segment, or a list of customers (an incident's affected customers, a support
 * team's list). Each customer's entry key is `bulk:<idempotencyKey>:<customer id>`, so calling
 * again with the same key (a timeout, a double click, a crash half-way) starts nobody twice and
 * finishes what the first call did not. Customers are entered in chunks, each in its own
 * transaction, so a segment of 100,000 never holds one long transaction or its locks.
 */
export const BULK_CHUNK = 500;
export const BULK_MAX_IDS = 10_000;

export const bulkStartSchema = z
  .strictObject({
    segmentId: z.uuid({ error: 'must be a segment id' }).optional().describe("Every member of this segment (read in chunks as the call goes)"),
    customerIds: z.array(z.uuid({ error: 'must be a customer id' })).min(1).max(BULK_MAX_IDS).optional().describe(`Up to ${BULK_MAX_IDS} customers`),
    idempotencyKey: z.string().min(1).max(200).describe('The same key starts the journey once per customer; a repeated call only enters whoever the first one missed'),
    context: z.record(z.string(), z.unknown()).default({}).describe('Kept with every run: templates see it as {{ vars.trigger }} (e.g. the incident)'),
  })
  .meta({ id: 'StartJourneyRunsBulk' });

export const bulkResultSchema = z
  .object({
    customers: z.number().int().describe('Customers considered (segment members, or distinct ids of the list)'),
    entered: z.number().int().describe('Runs started by this call (holdouts included)'),
    holdout: z.number().int().describe('Of those entered, held out (the control group)'),
    alreadyStarted: z.number().int().describe('Customers this key had already started (a repeated call)'),
    notEntered: z.record(z.string(), z.number().int()).describe('Refusals by reason: already-in-journey, reentry-once, reentry-too-soon, journey-limit, customer-gone'),
  })
  .meta({ id: 'StartJourneyRunsBulkResult' });
type BulkResult = z.infer<typeof bulkResultSchema>;

export function bulkRunRoutes(app: App, deps: { db: Db; kick: () => void }): void {
  const { db } = deps;
  app.post(
    '/api/v1/journeys/:id/runs/bulk',
    {
      schema: {
        tags: ['journeys'],
        security,
        summary: 'Start an API-triggered journey for a segment or a list of customers',
        description: `Exactly one of \`segmentId\` and \`customerIds\`. Idempotent per customer and key; entered in chunks of ${BULK_CHUNK}. Answers counts.`,
        params: uuidParam('id'),
        body: bulkStartSchema,
        response: { 200: bulkResultSchema, ...errorResponses },
      },
      onRequest: guard('journeys:manage'),
    },
    async (request) => {
      const actor = actorOf(request);
      const { workspaceId } = actor;
      const journeyId = request.params.id as string;
      const body = request.body;
      if ((body.segmentId === undefined) === (body.customerIds === undefined)) throw invalid('segmentId', 'give exactly one of segmentId and customerIds');
      const journey = await activeApiJourney(db, workspaceId, journeyId);
      let chunks: AsyncIterable<string[]>;
      if (body.segmentId !== undefined) {
        const segment = await db.selectFrom('segments').select('id').where('workspace_id', '=', workspaceId).where('id', '=', body.segmentId).executeTakeFirst();
        if (!segment) throw invalid('segmentId', 'segmentId: no such segment in this workspace');
        chunks = segmentChunks(db, workspaceId, body.segmentId);
      } else {
        const ids = [...new Set(body.customerIds?.map((id) => id.toLowerCase()))].sort();
        await assertCustomers(db, workspaceId, body.customerIds ?? []);
        chunks = listChunks(ids);
      }
      const result: BulkResult = { customers: 0, entered: 0, holdout: 0, alreadyStarted: 0, notEntered: {} };
      const maxActive = await maxActivePerCustomer(db, workspaceId);
      for await (const ids of chunks) {
        const outcomes = await db.transaction().execute(async (tx) => {
          // FOR SHARE, re-read per chunk: a pause waits for this chunk, or this chunk sees the pause.
          const current = await activeApiJourney(tx, workspaceId, journey.id, true);
          const candidates = ids.map((customerId) => ({ customerId, key: `bulk:${body.idempotencyKey}:${customerId}`, context: body.context }));
          return enterJourney(tx, current, candidates, { now: new Date(), maxActive });
        });
        tally(result, outcomes);
        if (result.entered > 0) deps.kick();
      }
      await recordAudit(db, actor, { action: 'journey.runs_started', targetType: 'journey', targetId: journey.id, changes: { idempotencyKey: body.idempotencyKey, segmentId: body.segmentId ?? null, ...result } });
      return result;
    },
  );
}

function tally(result: BulkResult, outcomes: EntryOutcome[]): void {
  for (const o of outcomes) {
    result.customers++;
    if (!o.entered) result.notEntered[o.reason] = (result.notEntered[o.reason] ?? 0) + 1;
    else if (!o.created) result.alreadyStarted++;
    else {
      result.entered++;
      if (o.holdout) result.holdout++;
    }
  }
}

async function activeApiJourney(db: Db, workspaceId: string, id: string, share = false): Promise<Journey> {
  let q = db.selectFrom('journeys').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id);
  if (share) q = q.forShare();
  const j = (await q.executeTakeFirst()) as Journey | undefined;
  if (!j) throw notFound('Journey');
  if (j.definition.trigger.kind !== 'api') throw conflict(`this journey starts on its ${j.definition.trigger.kind} trigger, not by API`, 'trigger');
  if (j.status !== 'active') throw conflict(`a ${j.status} journey takes no one in`, 'status');
  return j;
}

/** Every id must be a live customer of the workspace; the first that is not is named (`customerIds.3`). */
async function assertCustomers(db: Db, workspaceId: string, ids: readonly string[]): Promise<void> {
  const rows = await sql<{ id: string }>`
    select c.id from customers c
     where c.workspace_id = ${workspaceId}::uuid and c.id = any(${ids.map((i) => i.toLowerCase())}::uuid[]) and c.merged_into is null and c.erased_at is null`.execute(db);
  const known = new Set(rows.rows.map((r) => r.id));
  const missing = ids.findIndex((id) => !known.has(id.toLowerCase()));
  if (missing >= 0) throw invalid(`customerIds.${missing}`, `customerIds.${missing}: no such customer in this workspace`);
}

async function* listChunks(ids: readonly string[]): AsyncIterable<string[]> {
  for (let i = 0; i < ids.length; i += BULK_CHUNK) yield ids.slice(i, i + BULK_CHUNK);
}

/** The segment's members in customer order, a chunk at a time (keyset: members joining meanwhile behind the cursor are left out). */
async function* segmentChunks(db: Db, workspaceId: string, segmentId: string): AsyncIterable<string[]> {
  let after: string | undefined;
  for (;;) {
    let q = db.selectFrom('segment_members').select('customer_id').where('workspace_id', '=', workspaceId).where('segment_id', '=', segmentId);
    if (after) q = q.where('customer_id', '>', after);
    const rows = await q.orderBy('customer_id').limit(BULK_CHUNK).execute();
    if (rows.length === 0) return;
    yield rows.map((r) => r.customer_id);
    after = rows.at(-1)?.customer_id;
    if (rows.length < BULK_CHUNK) return;
  }
}

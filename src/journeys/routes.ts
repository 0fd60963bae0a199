import { z } from 'zod';
import type { Db } from '../database.ts';
import { conflict, notFound } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { actorOf, apiSecurity as security, guard } from '../platform/http/guard.ts';
import { idempotent } from '../platform/http/idempotency.ts';
import { cursorSchema, limitSchema, pageSchema } from '../platform/http/pagination.ts';
import { errorResponses, uuidParam } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/server.ts';
import { assertCustomer } from '../messaging/delivery/outbox.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { enterJourney, maxActivePerCustomer } from './engine/enter.ts';
import {
  createJourneySchema,
  journeyDetailSchema,
  journeySchema,
  journeySettingsSchema,
  listJourneysQuerySchema,
  listRunsQuerySchema,
  runSchema,
  startRunResultSchema,
  startRunSchema,
  updateJourneySchema,
  versionSchema,
} from './schemas.ts';
import {
  activateJourney,
  archiveJourney,
  createJourney,
  customerRuns,
  deleteDraft,
  getJourney,
  type Journey,
  listJourneys,
  listRuns,
  listVersions,
  pauseJourney,
  resumeJourney,
  runCounts,
  type Run,
  type StoreDeps,
  toJourneyView,
  toRunView,
  updateJourney,
} from './store.ts';

export interface JourneyRouteDeps extends StoreDeps {
  db: Db;
  /** Starts the engine's work now (a run started by API, a resumed journey). */
  kick: () => void;
}

export function journeyRoutes(app: App, deps: JourneyRouteDeps): void {
  const { db } = deps;
  const tags = ['journeys'];
  const read = guard('journeys:read');
  const manage = guard('journeys:manage');
  const params = uuidParam('id');
  const detail = async (j: Journey) => ({ ...toJourneyView(j), runs: await runCounts(db, j.id) });

  /** A state change under the journey's row lock, audited in the same transaction. */
  async function transition(actor: Actor, action: string, change: (tx: Db, now: Date) => Promise<Journey>) {
    const j = await db.transaction().execute(async (tx) => {
      const changed = await change(tx, new Date());
      await recordAudit(tx, actor, { action: `journey.${action}`, targetType: 'journey', targetId: changed.id, changes: { status: changed.status, version: changed.version } });
      return changed;
    });
    deps.kick();
    return detail(j);
  }

  app.get(
    '/api/v1/journeys',
    { schema: { tags, security, summary: 'Journeys, newest first', querystring: listJourneysQuerySchema, response: { 200: pageSchema(journeySchema), ...errorResponses } }, onRequest: read },
    async (request) => listJourneys(db, actorOf(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/journeys',
    {
      schema: {
        tags,
        security,
        summary: 'Create a draft journey',
        description: 'A draft may be incomplete; activation checks the graph and the workspace. `Idempotency-Key` honoured.',
        body: createJourneySchema,
        response: { 201: journeySchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, async (tx) => {
        const j = await createJourney(tx, actor.workspaceId, request.body, actor.label);
        await recordAudit(tx, actor, { action: 'journey.created', targetType: 'journey', targetId: j.id, changes: { name: j.name } });
        return toJourneyView(j);
      });
    },
  );

  app.get(
    '/api/v1/journeys/settings',
    { schema: { tags, security, summary: "The workspace's journey settings", response: { 200: journeySettingsSchema, ...errorResponses } }, onRequest: read },
    async (request) => ({ maxActivePerCustomer: await maxActivePerCustomer(db, actorOf(request).workspaceId) }),
  );

  app.put(
    '/api/v1/journeys/settings',
    { schema: { tags, security, summary: 'Change the journey settings', body: journeySettingsSchema, response: { 200: journeySettingsSchema, ...errorResponses } }, onRequest: manage },
    async (request) => {
      const actor = actorOf(request);
      const value = request.body.maxActivePerCustomer;
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('journey_settings')
          .values({ workspace_id: actor.workspaceId, max_active_per_customer: value })
          .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ max_active_per_customer: value }))
          .execute();
        await recordAudit(tx, actor, { action: 'journey.settings_changed', targetType: 'workspace', targetId: actor.workspaceId, changes: request.body });
      });
      return { maxActivePerCustomer: value };
    },
  );

  app.get(
    '/api/v1/journeys/:id',
    { schema: { tags, security, summary: 'A journey with its run counts', params, response: { 200: journeyDetailSchema, ...errorResponses } }, onRequest: read },
    async (request) => detail(await getJourney(db, actorOf(request).workspaceId, request.params.id as string)),
  );

  app.patch(
    '/api/v1/journeys/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Change a journey',
        description:
          'A draft is changed in place. An active or paused journey gets a new version, checked as at activation; a waiting run moves to it when its current step exists there with the same id and kind (docs/journeys.md).',
        params,
        body: updateJourneySchema,
        response: { 200: journeySchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request) => {
      const actor = actorOf(request);
      return db.transaction().execute(async (tx) => {
        const { journey, movedRuns } = await updateJourney(tx, actor.workspaceId, request.params.id as string, request.body, actor.label, deps);
        await recordAudit(tx, actor, { action: 'journey.updated', targetType: 'journey', targetId: journey.id, changes: { fields: Object.keys(request.body), version: journey.version, movedRuns } });
        return toJourneyView(journey);
      });
    },
  );

  app.delete(
    '/api/v1/journeys/:id',
    { schema: { tags, security, summary: 'Delete a draft (an activated journey is archived instead: 409)', params, response: { 204: z.null(), ...errorResponses } }, onRequest: manage },
    async (request, reply) => {
      const actor = actorOf(request);
      await db.transaction().execute(async (tx) => {
        const j = await deleteDraft(tx, actor.workspaceId, request.params.id as string);
        await recordAudit(tx, actor, { action: 'journey.deleted', targetType: 'journey', targetId: j.id, changes: { name: j.name } });
      });
      return reply.status(204).send(null);
    },
  );

  const transitions = [
    ['activate', 'activated', 'Activate a draft (checks the graph and the workspace; a 400 names the offending step)'],
    ['pause', 'paused', 'Stop at once: runs stop, queued messages are held (only sends in flight finish)'],
    ['resume', 'resumed', 'Continue a paused journey'],
    ['archive', 'archived', 'Stop for good: runs exit, unsent messages are skipped'],
  ] as const;
  for (const [path, action, summary] of transitions) {
    app.post(
      `/api/v1/journeys/:id/${path}`,
      { schema: { tags, security, summary, params, response: { 200: journeyDetailSchema, ...errorResponses } }, onRequest: manage },
      async (request) => {
        const actor = actorOf(request);
        const id = request.params.id as string;
        return transition(actor, action, (tx, now) => {
          switch (path) {
            case 'activate':
              return activateJourney(tx, actor.workspaceId, id, actor.label, now, deps);
            case 'pause':
              return pauseJourney(tx, actor.workspaceId, id, now);
            case 'resume':
              return resumeJourney(tx, actor.workspaceId, id, now);
            case 'archive':
              return archiveJourney(tx, actor.workspaceId, id, now);
          }
        });
      },
    );
  }

  app.get(
    '/api/v1/journeys/:id/versions',
    { schema: { tags, security, summary: 'Activated versions, newest first', params, response: { 200: z.object({ data: z.array(versionSchema) }), ...errorResponses } }, onRequest: read },
    async (request) => listVersions(db, (await getJourney(db, actorOf(request).workspaceId, request.params.id as string)).id),
  );

  app.get(
    '/api/v1/journeys/:id/runs',
    { schema: { tags, security, summary: 'Runs of the journey, latest entry first', params, querystring: listRunsQuerySchema, response: { 200: pageSchema(runSchema), ...errorResponses } }, onRequest: read },
    async (request) => listRuns(db, (await getJourney(db, actorOf(request).workspaceId, request.params.id as string)).id, request.query),
  );

  app.post(
    '/api/v1/journeys/:id/runs',
    {
      schema: {
        tags,
        security,
        summary: 'Start the journey for a customer (the API trigger)',
        description: 'For journeys whose trigger is `api`. 201 with the new run; 200 when the key was seen before (the same run) or the customer did not enter (`reason`).',
        params,
        body: startRunSchema,
        response: { 200: startRunResultSchema, 201: startRunResultSchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { customerId, idempotencyKey, context } = request.body;
      const result = await db.transaction().execute(async (tx) => {
        // FOR SHARE: a pause waits for this entry, or this entry sees the pause.
        const j = (await tx.selectFrom('journeys').selectAll().where('workspace_id', '=', actor.workspaceId).where('id', '=', request.params.id as string).forShare().executeTakeFirst()) as
          | Journey
          | undefined;
        if (!j) throw notFound('Journey');
        if (j.definition.trigger.kind !== 'api') throw conflict(`this journey starts on its ${j.definition.trigger.kind} trigger, not by API`, 'trigger');
        if (j.status !== 'active') throw conflict(`a ${j.status} journey takes no one in`, 'status');
        await assertCustomer(tx, actor.workspaceId, customerId);
        const [outcome] = await enterJourney(tx, j, [{ customerId, key: `api:${idempotencyKey}`, context }], { now: new Date(), maxActive: await maxActivePerCustomer(tx, actor.workspaceId) });
        if (!outcome?.entered) return { created: false, body: { entered: false, reason: outcome?.reason ?? null, run: null } };
        const run = (await tx.selectFrom('journey_runs').selectAll().where('id', '=', outcome.runId).executeTakeFirstOrThrow()) as Run;
        return { created: outcome.created, body: { entered: true, reason: null, run: toRunView(run) } };
      });
      if (result.created) deps.kick();
      return reply.code(result.created ? 201 : 200).send(result.body);
    },
  );

  app.get(
    '/api/v1/customers/:id/journeys',
    {
      schema: {
        tags,
        security,
        summary: "A customer's journey runs, latest first",
        params,
        querystring: z.object({ limit: limitSchema, cursor: cursorSchema }),
        response: { 200: pageSchema(runSchema), ...errorResponses },
      },
      onRequest: read,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const id = request.params.id as string;
      const exists = await db.selectFrom('customers').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
      if (!exists) throw notFound('Customer');
      return customerRuns(db, workspaceId, id, request.query);
    },
  );
}

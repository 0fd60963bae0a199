import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../database.ts';
import { invalid } from '../../platform/errors.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses, uuidParam } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import type { MembershipChange } from '../membership.ts';
import { compileRules } from '../rules/compile.ts';
import type { SegmentService } from '../service.ts';
import { findSegment, listSegments, toView } from '../store.ts';
import { createSegmentSchema, listQuerySchema, previewBodySchema, previewSchema, segmentSchema, updateSegmentSchema } from './schemas.ts';

const tags = ['segments'];
export const readSegments = guard('customers:read');
export const manageSegments = guard('segments:manage');

/** Starts the incremental pass's watermarks of a workspace no later than this transaction. */
const startWatermarks = (tx: Db, workspaceId: string) =>
  sql`insert into segment_watermarks (workspace_id, events_at, orders_at, customers_at, consents_at)
      values (${workspaceId}::uuid, now(), now(), now(), now()) on conflict do nothing`.execute(tx);

/** CRUD of segments and the preview of unsaved rules. Saving rules computes the membership in the same transaction. */
export function segmentRoutes(app: App, deps: { db: Db; service: SegmentService; kick: () => void }) {
  const { db, service } = deps;

  app.get(
    '/api/v1/segments',
    { schema: { tags, security, summary: 'Segments, newest first', querystring: listQuerySchema, response: { 200: pageSchema(segmentSchema), ...errorResponses } }, onRequest: readSegments },
    async (request) => listSegments(db, actorOf(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/segments',
    {
      schema: {
        tags,
        security,
        summary: 'Create a segment (a dynamic one is computed before the answer)',
        description: 'Honours an `Idempotency-Key` header: a retry with the same key answers the first result.',
        body: createSegmentSchema,
        response: { 201: segmentSchema, ...errorResponses },
      },
      onRequest: manageSegments,
    },
    async (request, reply) => {
      const { workspaceId } = actorOf(request);
      const body = request.body;
      let changes: MembershipChange[] = [];
      const view = await idempotent(db, request, reply, workspaceId, 201, async (tx) => {
        const ctx = body.rules ? await service.ruleContext(tx, workspaceId) : undefined;
        // Compiling first turns a bad rule (unknown attribute, wrong operator) into a 400 before anything is written.
        if (body.rules && ctx) compileRules(body.rules, ctx);
        const row = await tx
          .insertInto('segments')
          .values({
            workspace_id: workspaceId,
            name: body.name,
            description: body.description ?? null,
            kind: body.kind,
            rules: body.rules ? JSON.stringify(body.rules) : null,
            computed_at: body.kind === 'manual' ? new Date() : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (body.rules) {
          await startWatermarks(tx, workspaceId);
          changes = await service.recomputeIn(tx, workspaceId, row.id, body.rules, ctx);
        }
        return toView(await findSegment(tx, workspaceId, row.id));
      });
      await service.listeners.notify(changes);
      return view;
    },
  );

  app.post(
    '/api/v1/segments/preview',
    {
      schema: { tags, security, summary: 'How many customers rules match now, with a sample of 20 (nothing is saved)', body: previewBodySchema, response: { 200: previewSchema, ...errorResponses } },
      onRequest: readSegments,
    },
    async (request) => service.preview(actorOf(request).workspaceId, request.body.rules),
  );

  app.get(
    '/api/v1/segments/:id',
    { schema: { tags, security, summary: 'A segment', params: uuidParam('id'), response: { 200: segmentSchema, ...errorResponses } }, onRequest: readSegments },
    async (request) => toView(await findSegment(db, actorOf(request).workspaceId, request.params.id as string)),
  );

  app.patch(
    '/api/v1/segments/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Rename a segment or change its rules (recomputed before the answer)',
        params: uuidParam('id'),
        body: updateSegmentSchema,
        response: { 200: segmentSchema, ...errorResponses },
      },
      onRequest: manageSegments,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const id = request.params.id as string;
      const body = request.body;
      let changes: MembershipChange[] = [];
      const view = await db.transaction().execute(async (tx) => {
        const segment = await findSegment(tx, workspaceId, id, true);
        if (body.rules && segment.kind === 'manual') {
          throw invalid('rules', 'a manual segment has no rules: add members instead');
        }
        const ctx = body.rules ? await service.ruleContext(tx, workspaceId) : undefined;
        if (body.rules && ctx) compileRules(body.rules, ctx);
        await tx
          .updateTable('segments')
          .set({
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.description !== undefined ? { description: body.description } : {}),
            ...(body.rules ? { rules: JSON.stringify(body.rules) } : {}),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .execute();
        if (body.rules) changes = await service.recomputeIn(tx, workspaceId, id, body.rules, ctx);
        return toView(await findSegment(tx, workspaceId, id));
      });
      await service.listeners.notify(changes);
      return view;
    },
  );

  app.delete(
    '/api/v1/segments/:id',
    {
      schema: { tags, security, summary: 'Delete a segment, its members and their history', params: uuidParam('id'), response: { 204: z.null(), ...errorResponses } },
      onRequest: manageSegments,
    },
    async (request, reply) => {
      const { workspaceId } = actorOf(request);
      await db.transaction().execute(async (tx) => {
        await findSegment(tx, workspaceId, request.params.id as string, true);
        await tx.deleteFrom('segments').where('id', '=', request.params.id as string).execute();
      });
      return reply.status(204).send(null);
    },
  );
}

import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../database.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import { actorOf, apiSecurity as security } from '../../platform/http/guard.ts';
import { pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses, uuidParam } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { importMembers } from '../import.ts';
import { addMembers, type MembershipChange, removeMembers } from '../membership.ts';
import type { SegmentService } from '../service.ts';
import { findSegment, listMembers, segmentsOfCustomer } from '../store.ts';
import { manageSegments, readSegments } from './segments.routes.ts';
import {
  addMembersResultSchema,
  customerIdsSchema,
  customerSegmentsSchema,
  importQuerySchema,
  importResultSchema,
  memberSchema,
  membersQuerySchema,
  removeMembersResultSchema,
} from './schemas.ts';

const tags = ['segments'];
const MAX_CSV_BYTES = 10 * 1024 * 1024;

const manualOnly = (kind: string) => {
  if (kind !== 'manual') throw conflict('Members of a dynamic segment follow its rules; change the rules instead', 'kind');
};

/** Members of a segment: list, add/remove by hand, import from CSV; and a customer's segments. */
export function memberRoutes(app: App, deps: { db: Db; service: SegmentService; defaultCountry: string }) {
  const { db, service } = deps;

  app.get(
    '/api/v1/segments/:id/members',
    {
      schema: { tags, security, summary: 'Members, latest entered first', params: uuidParam('id'), querystring: membersQuerySchema, response: { 200: pageSchema(memberSchema), ...errorResponses } },
      onRequest: readSegments,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const segment = await findSegment(db, workspaceId, request.params.id as string);
      return listMembers(db, workspaceId, segment.id, request.query);
    },
  );

  app.post(
    '/api/v1/segments/:id/members',
    {
      schema: {
        tags,
        security,
        summary: 'Add customers to a manual segment',
        description: 'Adding a member twice is harmless: it counts under alreadyMembers.',
        params: uuidParam('id'),
        body: customerIdsSchema,
        response: { 200: addMembersResultSchema, ...errorResponses },
      },
      onRequest: manageSegments,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const wanted = [...new Set(request.body.customerIds)];
      let changes: MembershipChange[] = [];
      const result = await db.transaction().execute(async (tx) => {
        const segment = await findSegment(tx, workspaceId, request.params.id as string, true);
        manualOnly(segment.kind);
        const live = await tx
          .selectFrom('customers')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', wanted)
          .where('merged_into', 'is', null)
          .where('erased_at', 'is', null)
          .execute();
        const found = new Set(live.map((r) => r.id));
        const added = await addMembers(tx, { workspaceId, segmentId: segment.id, customerIds: [...found], cause: 'manual' });
        changes = [{ workspaceId, segmentId: segment.id, customerIds: added, action: 'entered' }];
        return { added: added.length, alreadyMembers: found.size - added.length, notFound: wanted.filter((id) => !found.has(id)) };
      });
      await service.listeners.notify(changes.filter((c) => c.customerIds.length > 0));
      return result;
    },
  );

  app.delete(
    '/api/v1/segments/:id/members/:customerId',
    {
      schema: {
        tags,
        security,
        summary: 'Remove a customer from a manual segment',
        params: z.object({ id: z.uuid({ error: 'id must be a UUID' }), customerId: z.uuid({ error: 'customerId must be a UUID' }) }),
        response: { 200: removeMembersResultSchema, ...errorResponses },
      },
      onRequest: manageSegments,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      let changes: MembershipChange[] = [];
      const result = await db.transaction().execute(async (tx) => {
        const segment = await findSegment(tx, workspaceId, request.params.id, true);
        manualOnly(segment.kind);
        const removed = await removeMembers(tx, { workspaceId, segmentId: segment.id, customerIds: [request.params.customerId], cause: 'manual' });
        changes = [{ workspaceId, segmentId: segment.id, customerIds: removed, action: 'exited' }];
        return { removed: removed.length };
      });
      await service.listeners.notify(changes.filter((c) => c.customerIds.length > 0));
      return result;
    },
  );

  app.get(
    '/api/v1/customers/:id/segments',
    { schema: { tags, security, summary: "The segments a customer is in now", params: uuidParam('id'), response: { 200: customerSegmentsSchema, ...errorResponses } }, onRequest: readSegments },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const customer = await db.selectFrom('customers').select('id').where('id', '=', request.params.id as string).where('workspace_id', '=', workspaceId).executeTakeFirst();
      if (!customer) throw notFound('Customer');
      return segmentsOfCustomer(db, workspaceId, customer.id);
    },
  );

  // Encapsulated: text/csv bodies are accepted by this route only.
  app.register(async (plugin) => {
    const scoped = plugin.withTypeProvider<ZodTypeProvider>();
    scoped.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'buffer', bodyLimit: MAX_CSV_BYTES }, (_request, body, done) => done(null, body));
    scoped.post(
      '/api/v1/segments/:id/import',
      {
        bodyLimit: MAX_CSV_BYTES,
        schema: {
          tags,
          security,
          summary: 'Add the customers listed in a CSV to a manual segment',
          description:
            'The body is the CSV file itself (`Content-Type: text/csv`, up to 10 MB, first row the header). `matchBy` says what the column holds; ' +
            'rows that match no customer are reported with their line. Importing the same file again adds nobody twice.',
          params: uuidParam('id'),
          querystring: importQuerySchema,
          response: { 200: importResultSchema, ...errorResponses },
        },
        onRequest: manageSegments,
      },
      async (request) => {
        const { workspaceId } = actorOf(request);
        const body: unknown = request.body;
        if (body !== undefined && !Buffer.isBuffer(body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the CSV file itself as the body, with Content-Type: text/csv', { field: 'content-type' });
        if (!body || body.length === 0) throw new AppError('INVALID_INPUT', 'The CSV file is empty: send it as the request body with Content-Type: text/csv', { field: 'body' });
        let changes: MembershipChange[] = [];
        const report = await db.transaction().execute(async (tx) => {
          const segment = await findSegment(tx, workspaceId, request.params.id as string, true);
          manualOnly(segment.kind);
          const result = await importMembers(tx, { workspaceId, segmentId: segment.id, csv: body, matchBy: request.query.matchBy, column: request.query.column, defaultCountry: deps.defaultCountry });
          changes = [{ workspaceId, segmentId: segment.id, customerIds: result.addedIds, action: 'entered' }];
          return result;
        });
        await service.listeners.notify(changes.filter((c) => c.customerIds.length > 0));
        const { addedIds: _ids, ...answer } = report;
        return answer;
      },
    );
  });
}

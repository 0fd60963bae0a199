import { z } from 'zod';
import type { Db } from '../../database.ts';
import type { Config } from '../../platform/config.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { cursorSchema, limitSchema, pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { eraseCustomer, exportCustomer } from '../erase.ts';
import type { CustomerDataOwners } from '../hooks.ts';
import { listCustomers } from '../list.ts';
import { mergeCustomers } from '../merge.ts';
import { consentChannels, createCustomerSchema, customerSchema, listQuerySchema, updateCustomerSchema } from '../schema.ts';
import { createCustomer, findCustomer, getCustomer, setConsent, updateCustomer } from '../service.ts';
import type { Timeline } from '../timeline.ts';
import { listMerges, unmergeCustomers } from '../unmerge.ts';

export interface CustomerDeps {
  db: Db;
  config: Config;
  timeline: Timeline;
  owners: CustomerDataOwners;
}

const idParams = z.object({ id: z.uuid('id must be a UUID') });
const timelineEntrySchema = z.object({ id: z.string(), kind: z.string(), occurredAt: z.string(), data: z.record(z.string(), z.unknown()) }).meta({ id: 'TimelineEntry' });

export function customersRoutes(app: App, { db, config, timeline, owners }: CustomerDeps) {
  const tags = ['customers'];
  const opts = { defaultCountry: config.defaultCountry };

  app.get(
    '/api/v1/customers',
    {
      schema: { tags, security, summary: 'List and search customers', querystring: listQuerySchema, response: { 200: pageSchema(customerSchema), ...errorResponses } },
      onRequest: guard('customers:read'),
    },
    async (request) => listCustomers(db, actorOf(request).workspaceId, request.query, opts),
  );

  app.post(
    '/api/v1/customers',
    {
      schema: {
        tags,
        security,
        summary: 'Create a customer',
        description: 'Send `Idempotency-Key` to make retries safe.',
        body: createCustomerSchema,
        response: { 201: customerSchema, ...errorResponses },
      },
      onRequest: guard('customers:write'),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, (tx) => createCustomer(tx, actor, request.body, opts));
    },
  );

  app.post(
    '/api/v1/customers/merge',
    {
      schema: {
        tags,
        security,
        summary: 'Merge the secondary customer into the primary, keeping all history',
        body: z.strictObject({ primaryId: z.uuid(), secondaryId: z.uuid() }),
        response: { 200: customerSchema, ...errorResponses },
      },
      onRequest: guard('customers:erase'),
    },
    async (request) => mergeCustomers(db, owners, actorOf(request), request.body.primaryId, request.body.secondaryId),
  );

  app.get(
    '/api/v1/customers/:id/merges',
    {
      schema: {
        tags,
        security,
        summary: 'Merges this customer took part in (as primary or secondary)',
        params: idParams,
        response: {
          200: z.object({
            data: z.array(
              z.object({
                id: z.string(),
                primaryId: z.string(),
                secondaryId: z.string(),
                mergedBy: z.string().nullable(),
                mergedAt: z.string(),
                undoneAt: z.string().nullable(),
                moved: z.record(z.string(), z.number()).describe('How many rows of each kind moved'),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
      onRequest: guard('customers:read'),
    },
    async (request) => {
      const workspaceId = actorOf(request).workspaceId;
      await findCustomer(db, workspaceId, request.params.id);
      return { data: await listMerges(db, workspaceId, request.params.id) };
    },
  );

  app.post(
    '/api/v1/customers/merges/:mergeId/undo',
    {
      schema: {
        tags,
        security,
        summary: 'Undo a merge: both customers and their histories come apart again',
        params: z.object({ mergeId: z.uuid() }),
        response: { 200: z.object({ primary: customerSchema, secondary: customerSchema }), ...errorResponses },
      },
      onRequest: guard('customers:erase'),
    },
    async (request) => unmergeCustomers(db, owners, actorOf(request), request.params.mergeId),
  );

  app.get(
    '/api/v1/customers/:id',
    { schema: { tags, security, summary: 'One customer', params: idParams, response: { 200: customerSchema, ...errorResponses } }, onRequest: guard('customers:read') },
    async (request) => getCustomer(db, actorOf(request).workspaceId, request.params.id),
  );

  app.patch(
    '/api/v1/customers/:id',
    {
      schema: { tags, security, summary: 'Change profile fields (null clears one)', params: idParams, body: updateCustomerSchema, response: { 200: customerSchema, ...errorResponses } },
      onRequest: guard('customers:write'),
    },
    async (request) => db.transaction().execute((tx) => updateCustomer(tx, actorOf(request), request.params.id, request.body, opts)),
  );

  app.delete(
    '/api/v1/customers/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Erase a customer: personal data removed, anonymised record kept',
        params: idParams,
        response: { 200: customerSchema, ...errorResponses },
      },
      onRequest: guard('customers:erase'),
    },
    async (request) => eraseCustomer(db, owners, actorOf(request), request.params.id),
  );

  app.put(
    '/api/v1/customers/:id/consents/:channel',
    {
      schema: {
        tags,
        security,
        summary: 'Grant or revoke consent for one channel',
        params: z.object({ id: z.uuid(), channel: z.enum(consentChannels) }),
        body: z.strictObject({ status: z.enum(['granted', 'revoked']), source: z.string().trim().min(1).max(200).optional() }),
        response: { 200: customerSchema, ...errorResponses },
      },
      onRequest: guard('customers:write'),
    },
    async (request) =>
      db.transaction().execute((tx) => setConsent(tx, actorOf(request), request.params.id, request.params.channel, request.body)),
  );

  app.get(
    '/api/v1/customers/:id/timeline',
    {
      schema: {
        tags,
        security,
        summary: "The customer's whole history, newest first",
        params: idParams,
        querystring: z.strictObject({ limit: limitSchema, cursor: cursorSchema, kinds: z.string().max(200).optional() }),
        response: { 200: pageSchema(timelineEntrySchema), ...errorResponses },
      },
      onRequest: guard('customers:read'),
    },
    async (request) => {
      const workspaceId = actorOf(request).workspaceId;
      await findCustomer(db, workspaceId, request.params.id);
      return timeline.list(db, {
        workspaceId,
        customerIds: [request.params.id],
        limit: request.query.limit,
        cursor: request.query.cursor,
        kinds: request.query.kinds?.split(',').filter(Boolean),
      });
    },
  );

  app.get(
    '/api/v1/customers/:id/export',
    {
      schema: {
        tags,
        security,
        summary: 'Everything held about the customer, as JSON',
        params: idParams,
        response: { 200: z.object({ exportedAt: z.string(), customer: customerSchema }).catchall(z.unknown()), ...errorResponses },
      },
      onRequest: guard('customers:read'),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const data = await exportCustomer(db, owners, actor.workspaceId, request.params.id);
      reply.header('content-disposition', `attachment; filename="customer-${request.params.id}.json"`);
      return JSON.parse(JSON.stringify(data));
    },
  );
}

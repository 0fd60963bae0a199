import { z } from 'zod';
import type { Db } from '../../database.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { cursorSchema, limitSchema, pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { eventSchemas, listEvents } from '../events-query.ts';
import { eventTypes } from '../messages.ts';

const eventSchema = z
  .object({
    id: z.string(),
    type: z.enum(eventTypes),
    name: z.string().nullable(),
    customerId: z.string(),
    customerName: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()),
    pageUrl: z.string().nullable(),
    occurredAt: z.string(),
    receivedAt: z.string(),
  })
  .meta({ id: 'TrackedEvent' });

const eventSchemaSchema = z
  .object({
    type: z.string(),
    name: z.string().nullable(),
    lastSeen: z.string(),
    properties: z.array(
      z.object({ name: z.string(), types: z.array(z.object({ type: z.string(), count: z.number() })), lastSeen: z.string() }),
    ),
  })
  .meta({ id: 'EventSchema' });

/** What the console's Live events page and event schema view read. */
export function eventsRoutes(app: App, { db }: { db: Db }) {
  const tags = ['tracking'];
  app.get(
    '/api/v1/events',
    {
      schema: {
        tags,
        security,
        summary: 'Latest tracked events, newest received first',
        querystring: z.strictObject({
          name: z.string().trim().min(1).max(200).optional(),
          customerId: z.uuid({ error: 'customerId must be a UUID' }).optional(),
          type: z.enum(eventTypes).optional(),
          occurredFrom: z.iso.datetime({ offset: true }).optional().describe('Events that happened at or after this time'),
          occurredTo: z.iso.datetime({ offset: true }).optional().describe('Events that happened before this time'),
          limit: limitSchema,
          cursor: cursorSchema,
        }),
        response: { 200: pageSchema(eventSchema), ...errorResponses },
      },
      onRequest: guard('customers:read'),
    },
    async (request) => listEvents(db, actorOf(request).workspaceId, request.query),
  );

  app.get(
    '/api/v1/event-schemas',
    {
      schema: {
        tags,
        security,
        summary: 'Observed event schema: properties per event name, with their JSON types and counts',
        response: { 200: z.object({ data: z.array(eventSchemaSchema) }), ...errorResponses },
      },
      onRequest: guard('customers:read'),
    },
    async (request) => ({ data: await eventSchemas(db, actorOf(request).workspaceId) }),
  );
}

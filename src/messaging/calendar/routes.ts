import { z } from 'zod';
import { findLiveCustomer } from '../../customers/service.ts';
import type { Db } from '../../database.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { getAlert, runAlertIn, saveAlert } from './alerts.ts';
import { coverage, customerContacts, notContacted } from './queries.ts';
import {
  alertRunSchema,
  contactAlertInputSchema,
  contactAlertSchema,
  coverageQuerySchema,
  coverageSchema,
  customerContactsSchema,
  notContactedQuerySchema,
  notContactedSchema,
} from './schemas.ts';

/** The communication calendar: last contacts, who was not contacted, coverage, the silence alert. */
export function calendarRoutes(app: App, { db }: { db: Db }): void {
  const tags = ['contacts'];
  const read = guard('messaging:read');
  const manage = guard('messaging:manage');

  app.get(
    '/api/v1/customers/:id/contacts',
    {
      schema: { tags, security, summary: "A customer's last contact on each channel and by whom (broadcast, API, a team member)", params: z.object({ id: z.uuid({ error: 'id must be a UUID' }) }), response: { 200: customerContactsSchema, ...errorResponses } },
      onRequest: read,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      await findLiveCustomer(db, workspaceId, request.params.id);
      return customerContacts(db, workspaceId, request.params.id);
    },
  );

  app.get(
    '/api/v1/contacts/not-contacted',
    {
      schema: {
        tags,
        security,
        summary: 'Customers not contacted for N days (on any channel or one), longest silence first',
        description: "A never-contacted customer's silence starts when they were created. channel=team counts only notes and done tasks.",
        querystring: notContactedQuerySchema,
        response: { 200: pageSchema(notContactedSchema), ...errorResponses },
      },
      onRequest: read,
    },
    async (request) => notContacted(db, actorOf(request).workspaceId, request.query),
  );

  app.get(
    '/api/v1/contacts/coverage',
    {
      schema: { tags, security, summary: 'How many customers of a segment (or all) were contacted in the last 7, 30 and 90 days, per channel', querystring: coverageQuerySchema, response: { 200: coverageSchema, ...errorResponses } },
      onRequest: read,
    },
    async (request) => coverage(db, actorOf(request).workspaceId, request.query.segmentId),
  );

  app.get(
    '/api/v1/contacts/alert',
    { schema: { tags, security, summary: 'The "not contacted for N days" alert (null when not configured)', response: { 200: z.object({ alert: contactAlertSchema.nullable() }), ...errorResponses } }, onRequest: read },
    async (request) => ({ alert: await getAlert(db, actorOf(request).workspaceId) }),
  );

  app.put(
    '/api/v1/contacts/alert',
    {
      schema: {
        tags,
        security,
        summary: 'Configure the alert: customers silent for N days (in a segment, on a channel) become tasks for the assignee',
        body: contactAlertInputSchema,
        response: { 200: contactAlertSchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request) => db.transaction().execute((tx) => saveAlert(tx, actorOf(request), request.body)),
  );

  app.post(
    '/api/v1/contacts/alert/run',
    {
      schema: {
        tags,
        security,
        summary: 'Run the alert now (the scheduler runs it hourly); customers already alerted for the same silence get no second task',
        response: { 200: alertRunSchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request) => ({ tasksCreated: await db.transaction().execute((tx) => runAlertIn(tx, actorOf(request).workspaceId)) }),
  );
}

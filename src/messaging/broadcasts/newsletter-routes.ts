import { z } from 'zod';
import type { Db } from '../../database.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import { createNewsletter, deleteNewsletter, getNewsletter, listNewsletters, runNewsletter, toNewsletterView, updateNewsletter, type FeedFetcher } from './newsletters.ts';
import { createNewsletterSchema, listNewslettersQuerySchema, newsletterRunSchema, newsletterSchema, updateNewsletterSchema } from './schemas.ts';

export function newsletterRoutes(app: App, deps: { db: Db; kickScheduler: () => void; fetcher?: FeedFetcher | undefined }): void {
  const { db } = deps;
  const tags = ['broadcasts'];
  const read = guard('messaging:read');
  const manage = guard('messaging:manage');
  const params = z.object({ id: z.uuid({ error: 'id must be a UUID' }) });

  app.get(
    '/api/v1/newsletters',
    { schema: { tags, security, summary: 'RSS newsletters, newest first', querystring: listNewslettersQuerySchema, response: { 200: pageSchema(newsletterSchema), ...errorResponses } }, onRequest: read },
    async (request) => listNewsletters(db, actorOf(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/newsletters',
    { schema: { tags, security, summary: "Create an RSS newsletter: a feed's new items to a segment on a schedule", body: createNewsletterSchema, response: { 201: newsletterSchema, ...errorResponses } }, onRequest: manage },
    async (request, reply) => {
      const actor = actorOf(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, async (tx) => {
        const n = await createNewsletter(tx, actor.workspaceId, request.body, actor.label, new Date());
        await recordAudit(tx, actor, { action: 'newsletter.created', targetType: 'newsletter', targetId: n.id, changes: { name: n.name, feedUrl: n.feed_url } });
        return toNewsletterView(n);
      });
    },
  );

  app.get(
    '/api/v1/newsletters/:id',
    { schema: { tags, security, summary: 'One newsletter', params, response: { 200: newsletterSchema, ...errorResponses } }, onRequest: read },
    async (request) => toNewsletterView(await getNewsletter(db, actorOf(request).workspaceId, request.params.id)),
  );

  app.patch(
    '/api/v1/newsletters/:id',
    { schema: { tags, security, summary: 'Change a newsletter', params, body: updateNewsletterSchema, response: { 200: newsletterSchema, ...errorResponses } }, onRequest: manage },
    async (request) => {
      const actor = actorOf(request);
      return db.transaction().execute(async (tx) => {
        const n = await updateNewsletter(tx, actor.workspaceId, request.params.id, request.body, new Date());
        await recordAudit(tx, actor, { action: 'newsletter.updated', targetType: 'newsletter', targetId: n.id, changes: request.body });
        return toNewsletterView(n);
      });
    },
  );

  app.delete(
    '/api/v1/newsletters/:id',
    { schema: { tags, security, summary: 'Delete a newsletter (its broadcasts stay)', params, response: { 204: z.null(), ...errorResponses } }, onRequest: manage },
    async (request, reply) => {
      const actor = actorOf(request);
      await db.transaction().execute(async (tx) => {
        await deleteNewsletter(tx, actor.workspaceId, request.params.id);
        await recordAudit(tx, actor, { action: 'newsletter.deleted', targetType: 'newsletter', targetId: request.params.id });
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/newsletters/:id/run',
    {
      schema: {
        tags,
        security,
        summary: 'Fetch the feed now; new items become a broadcast sent now',
        description: 'No new items: nothing is sent (outcome no-new-items). The schedule is not moved.',
        params,
        response: { 200: newsletterRunSchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request) => {
      const actor = actorOf(request);
      const run = await db.transaction().execute(async (tx) => {
        // Waits for a scheduled run of the same newsletter to finish: one issue at a time.
        const n = await getNewsletter(tx, actor.workspaceId, request.params.id, true);
        const result = await runNewsletter(tx, n, { now: new Date(), scheduled: false, ...(deps.fetcher && { fetcher: deps.fetcher }) });
        await recordAudit(tx, actor, { action: 'newsletter.run', targetType: 'newsletter', targetId: n.id, changes: { outcome: result.outcome, items: result.items } });
        return result;
      });
      if (run.broadcastId) deps.kickScheduler();
      return run;
    },
  );
}

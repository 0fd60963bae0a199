import { z } from 'zod';
import type { Db } from '../../database.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { createTopic, deleteTopic, getTopic, listTopics, updateTopic } from './topics.ts';

const tags = ['preferences'];
const topicKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1–64 lowercase letters, digits, - or _ (the key templates name)');
const label = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
/** What the preference page shows per language; the page falls back fa → en → any. */
const labelsSchema = z
  .strictObject({ fa: label.optional(), ar: label.optional(), en: label.optional() })
  .refine((l) => Object.values(l).some((v) => v !== undefined), { message: 'needs a label in at least one of fa, ar, en' })
  .transform((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as Record<string, string>);
const topicSchema = z
  .object({ key: z.string(), labels: z.record(z.string(), z.string()), optedOut: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'MessagingTopic' });
const keyParam = z.object({ key: topicKey });

/** Subscription topics: what customers can opt out of on the preference page without leaving a channel. */
export function topicRoutes(app: App, { db }: { db: Db }) {
  const read = guard('messaging:read');
  const manage = guard('messaging:manage');

  app.get(
    '/api/v1/messaging/topics',
    { schema: { tags, security, summary: 'Subscription topics with how many customers opted out of each', response: { 200: z.object({ data: z.array(topicSchema) }), ...errorResponses } }, onRequest: read },
    async (request) => ({ data: await listTopics(db, actorOf(request).workspaceId) }),
  );

  app.post(
    '/api/v1/messaging/topics',
    {
      schema: { tags, security, summary: 'Create a topic (send Idempotency-Key to retry safely)', body: z.strictObject({ key: topicKey, labels: labelsSchema }), response: { 201: topicSchema, ...errorResponses } },
      onRequest: manage,
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, (tx) => createTopic(tx, actor, request.body));
    },
  );

  app.get(
    '/api/v1/messaging/topics/:key',
    { schema: { tags, security, summary: 'One topic', params: keyParam, response: { 200: topicSchema, ...errorResponses } }, onRequest: read },
    async (request) => getTopic(db, actorOf(request).workspaceId, request.params.key),
  );

  app.put(
    '/api/v1/messaging/topics/:key',
    { schema: { tags, security, summary: "Replace a topic's labels", params: keyParam, body: z.strictObject({ labels: labelsSchema }), response: { 200: topicSchema, ...errorResponses } }, onRequest: manage },
    async (request) => {
      const actor = actorOf(request);
      return db.transaction().execute((tx) => updateTopic(tx, actor, request.params.key, request.body));
    },
  );

  app.delete(
    '/api/v1/messaging/topics/:key',
    { schema: { tags, security, summary: "Delete a topic (customers' opt-outs are kept, so re-creating it resubscribes nobody)", params: keyParam, response: { 204: z.null(), ...errorResponses } }, onRequest: manage },
    async (request, reply) => {
      const actor = actorOf(request);
      await db.transaction().execute((tx) => deleteTopic(tx, actor, request.params.key));
      return reply.status(204).send(null);
    },
  );
}

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../database.ts';
import { invalid } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import type { ChannelKind } from '../channels/channel.ts';
import { assertCustomer, enqueueMessages, toMessageView } from '../delivery/outbox.ts';
import { messageSchema } from '../delivery/schemas.ts';
import { cancelBroadcast, pauseBroadcast, resumeBroadcast } from './control.ts';
import { broadcastReport, listRecipients, progressOf } from './report.ts';
import {
  broadcastDetailSchema,
  broadcastReportSchema,
  broadcastSchema,
  createBroadcastSchema,
  listBroadcastsQuerySchema,
  listRecipientsQuerySchema,
  recipientSchema,
  sendBroadcastSchema,
  testSendSchema,
  updateBroadcastSchema,
} from './schemas.ts';
import { startSend } from './sender.ts';
import { createBroadcast, deleteBroadcast, getBroadcast, listBroadcasts, toBroadcastView, updateBroadcast, type Broadcast } from './store.ts';

export interface BroadcastRouteDeps {
  db: Db;
  /** Starts the scheduler's work now (a send), and the delivery worker's (a test send). */
  kickScheduler: () => void;
  kickDelivery: () => void;
}

export function broadcastRoutes(app: App, deps: BroadcastRouteDeps): void {
  const { db } = deps;
  const tags = ['broadcasts'];
  const read = guard('messaging:read');
  const manage = guard('messaging:manage');
  const params = z.object({ id: z.uuid({ error: 'id must be a UUID' }) });
  const detail = async (b: Broadcast) => ({ ...toBroadcastView(b), progress: await progressOf(db, b) });

  /** A state change under the broadcast's row lock, audited in the same transaction. */
  async function transition(actor: Actor, action: string, change: (tx: Db, now: Date) => Promise<Broadcast>) {
    const b = await db.transaction().execute(async (tx) => {
      const changed = await change(tx, new Date());
      await recordAudit(tx, actor, { action: `broadcast.${action}`, targetType: 'broadcast', targetId: changed.id, changes: { status: changed.status } });
      return changed;
    });
    deps.kickScheduler();
    return detail(b);
  }

  app.get(
    '/api/v1/broadcasts',
    { schema: { tags, security, summary: 'Broadcasts, newest first', querystring: listBroadcastsQuerySchema, response: { 200: pageSchema(broadcastSchema), ...errorResponses } }, onRequest: read },
    async (request) => listBroadcasts(db, actorOf(request).workspaceId, request.query),
  );

  app.post(
    '/api/v1/broadcasts',
    { schema: { tags, security, summary: 'Create a draft broadcast', body: createBroadcastSchema, response: { 201: broadcastSchema, ...errorResponses } }, onRequest: manage },
    async (request, reply) => {
      const actor = actorOf(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, async (tx) => {
        const b = await createBroadcast(tx, actor.workspaceId, request.body, { createdBy: actor.label });
        await recordAudit(tx, actor, { action: 'broadcast.created', targetType: 'broadcast', targetId: b.id, changes: { name: b.name } });
        return toBroadcastView(b);
      });
    },
  );

  app.get(
    '/api/v1/broadcasts/:id',
    { schema: { tags, security, summary: 'A broadcast with its progress', params, response: { 200: broadcastDetailSchema, ...errorResponses } }, onRequest: read },
    async (request) => detail(await getBroadcast(db, actorOf(request).workspaceId, request.params.id)),
  );

  app.patch(
    '/api/v1/broadcasts/:id',
    { schema: { tags, security, summary: 'Change a draft or scheduled broadcast', params, body: updateBroadcastSchema, response: { 200: broadcastSchema, ...errorResponses } }, onRequest: manage },
    async (request) => {
      const actor = actorOf(request);
      return db.transaction().execute(async (tx) => {
        const b = await updateBroadcast(tx, actor.workspaceId, request.params.id, request.body);
        await recordAudit(tx, actor, { action: 'broadcast.updated', targetType: 'broadcast', targetId: b.id, changes: request.body });
        return toBroadcastView(b);
      });
    },
  );

  app.delete(
    '/api/v1/broadcasts/:id',
    { schema: { tags, security, summary: 'Delete a draft or scheduled broadcast', params, response: { 204: z.null(), ...errorResponses } }, onRequest: manage },
    async (request, reply) => {
      const actor = actorOf(request);
      await db.transaction().execute(async (tx) => {
        await deleteBroadcast(tx, actor.workspaceId, request.params.id);
        await recordAudit(tx, actor, { action: 'broadcast.deleted', targetType: 'broadcast', targetId: request.params.id });
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/broadcasts/:id/send',
    {
      schema: {
        tags,
        security,
        summary: 'Send now, or schedule for sendAt (ISO, stored UTC)',
        description: 'The audience is snapshotted when the send starts; each member gets one message with the key broadcast:<id>:<customerId>.',
        params,
        body: sendBroadcastSchema,
        response: { 202: broadcastDetailSchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request, reply) => {
      const sendAt = request.body.sendAt ? new Date(request.body.sendAt) : undefined;
      const actor = actorOf(request);
      const view = await transition(actor, 'sent', (tx, now) => startSend(tx, actor.workspaceId, request.params.id, sendAt, now));
      return reply.code(202).send(view);
    },
  );

  app.post(
    '/api/v1/broadcasts/:id/pause',
    { schema: { tags, security, summary: 'Stop sending at once (messages already handed to a provider finish)', params, response: { 200: broadcastDetailSchema, ...errorResponses } }, onRequest: manage },
    async (request) => {
      const actor = actorOf(request);
      return transition(actor, 'paused', (tx, now) => pauseBroadcast(tx, actor.workspaceId, request.params.id, now));
    },
  );

  app.post(
    '/api/v1/broadcasts/:id/resume',
    { schema: { tags, security, summary: 'Continue a paused broadcast', params, response: { 200: broadcastDetailSchema, ...errorResponses } }, onRequest: manage },
    async (request) => {
      const actor = actorOf(request);
      return transition(actor, 'resumed', (tx, now) => resumeBroadcast(tx, actor.workspaceId, request.params.id, now));
    },
  );

  app.post(
    '/api/v1/broadcasts/:id/cancel',
    { schema: { tags, security, summary: 'Stop for good: unsent messages are skipped (broadcast-cancelled)', params, response: { 200: broadcastDetailSchema, ...errorResponses } }, onRequest: manage },
    async (request) => {
      const actor = actorOf(request);
      return transition(actor, 'cancelled', (tx, now) => cancelBroadcast(tx, actor.workspaceId, request.params.id, now));
    },
  );

  app.get(
    '/api/v1/broadcasts/:id/report',
    { schema: { tags, security, summary: 'Per variant and holdout: delivery, conversions, lift with a 95 % CI', params, response: { 200: broadcastReportSchema, ...errorResponses } }, onRequest: read },
    async (request) => broadcastReport(db, await getBroadcast(db, actorOf(request).workspaceId, request.params.id)),
  );

  app.get(
    '/api/v1/broadcasts/:id/recipients',
    {
      schema: { tags, security, summary: 'Recipients with their variant and message status, by customer id', params, querystring: listRecipientsQuerySchema, response: { 200: pageSchema(recipientSchema), ...errorResponses } },
      onRequest: read,
    },
    async (request) => listRecipients(db, await getBroadcast(db, actorOf(request).workspaceId, request.params.id), request.query),
  );

  app.post(
    '/api/v1/broadcasts/:id/test',
    {
      schema: {
        tags,
        security,
        summary: "Send one variant to one customer now (not part of the broadcast's counts)",
        description: 'Sent as transactional, so caps, quiet hours and marketing consent do not hold a test back; suppressions still apply.',
        params,
        body: testSendSchema,
        response: { 202: messageSchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { customerId, variant } = request.body;
      const message = await db.transaction().execute(async (tx) => {
        const b = await getBroadcast(tx, actor.workspaceId, request.params.id);
        const chosen = b.variants.find((v) => v.key === variant);
        if (!chosen) throw invalid('variant', `the broadcast has no variant ${variant}`);
        await assertCustomer(tx, actor.workspaceId, customerId);
        const [r] = await enqueueMessages(tx, actor.workspaceId, [
          {
            customerId,
            idempotencyKey: `broadcast-test:${b.id}:${randomUUID()}`,
            category: 'transactional',
            priority: 10,
            channels: b.channels as ChannelKind[],
            templateId: chosen.templateId,
            variables: b.variables,
            language: b.language ?? undefined,
          },
        ]);
        await recordAudit(tx, actor, { action: 'broadcast.test_sent', targetType: 'broadcast', targetId: b.id, changes: { customerId, variant } });
        return r?.message;
      });
      if (!message) throw new Error('enqueue returned nothing');
      deps.kickDelivery();
      return reply.code(202).send(toMessageView(message));
    },
  );
}

import { z } from 'zod';
import type { Db } from '../../database.ts';
import { invalid } from '../../platform/errors.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import { deleteAddress, putAddress } from './addresses.ts';
import { assertInlineParses } from './inline.ts';
import { assertCustomer, enqueueMessages, getMessage, listMessages, toMessageView } from './outbox.ts';
import { addressParamsSchema, addressSchema, listMessagesQuerySchema, messageDetailSchema, messageSchema, putAddressSchema, sendMessageSchema } from './schemas.ts';
import { loadMessagingSettings, messagingSettingsSchema, saveMessagingSettings } from './settings.ts';

export function deliveryRoutes(app: App, deps: { db: Db; defaultCountry: string; kick: () => void }): void {
  const { db } = deps;
  const tags = ['messaging'];
  const read = guard('messaging:read');
  const manage = guard('messaging:manage');

  app.post(
    '/api/v1/messages',
    {
      schema: {
        tags,
        security,
        summary: 'Send one message to one customer (queued; consent, caps and quiet hours are applied when it goes)',
        description: 'The Idempotency-Key header (or clientMessageId) identifies the message: the same key again answers the same message and never sends twice.',
        body: sendMessageSchema,
        response: { 202: messageSchema, ...errorResponses },
      },
      onRequest: manage,
    },
    async (request, reply) => {
      const { workspaceId } = actorOf(request);
      const header = request.headers['idempotency-key'];
      const key = typeof header === 'string' ? header : request.body.clientMessageId;
      if (key !== undefined && (key.length < 1 || key.length > 255)) throw invalid('Idempotency-Key', 'must be 1–255 characters');
      const body = request.body;
      // Inline content is Liquid like a template: a syntax error is refused now, not at send time.
      if (body.content) assertInlineParses(body.content);
      const sendAt = body.sendAt ? new Date(body.sendAt) : undefined;
      const [result] = await db.transaction().execute(async (tx) => {
        await assertCustomer(tx, workspaceId, body.customerId);
        return enqueueMessages(tx, workspaceId, [
          {
            customerId: body.customerId,
            idempotencyKey: key,
            category: body.category,
            priority: body.priority,
            channels: body.channels === 'auto' ? [] : body.channels,
            templateId: body.templateId,
            content: body.content,
            variables: body.variables,
            language: body.language,
            sendAt,
          },
        ]);
      });
      if (!result) throw new Error('enqueue returned nothing');
      if (result.created) deps.kick();
      else reply.header('idempotent-replayed', 'true');
      return reply.code(202).send(toMessageView(result.message));
    },
  );

  app.get(
    '/api/v1/messages',
    { schema: { tags, security, summary: 'Messages, newest first', querystring: listMessagesQuerySchema, response: { 200: pageSchema(messageSchema), ...errorResponses } }, onRequest: read },
    async (request) => listMessages(db, actorOf(request).workspaceId, request.query),
  );

  app.get(
    '/api/v1/messages/:id',
    { schema: { tags, security, summary: 'A message with its full status history', params: z.object({ id: z.uuid({ error: 'id must be a UUID' }) }), response: { 200: messageDetailSchema, ...errorResponses } }, onRequest: read },
    async (request) => getMessage(db, actorOf(request).workspaceId, request.params.id),
  );

  app.get(
    '/api/v1/messaging/settings',
    { schema: { tags, security, summary: 'Frequency caps, quiet hours, consent modes and channel order', response: { 200: messagingSettingsSchema, ...errorResponses } }, onRequest: read },
    async (request) => loadMessagingSettings(db, actorOf(request).workspaceId),
  );

  app.put(
    '/api/v1/messaging/settings',
    {
      schema: { tags, security, summary: 'Replace the messaging settings', body: messagingSettingsSchema, response: { 200: messagingSettingsSchema, ...errorResponses } },
      onRequest: manage,
    },
    async (request) => {
      const actor = actorOf(request);
      const body = request.body;
      if (new Set(body.channelOrder).size !== body.channelOrder.length) throw invalid('channelOrder', 'a channel is listed twice');
      return db.transaction().execute(async (tx) => {
        const saved = await saveMessagingSettings(tx, actor.workspaceId, body);
        await recordAudit(tx, actor, { action: 'messaging.settings_changed', targetType: 'workspace', targetId: actor.workspaceId, changes: body });
        return saved;
      });
    },
  );

  app.put(
    '/api/v1/customers/:id/addresses/:kind',
    {
      schema: {
        tags,
        security,
        summary: "Set a customer's chat id, channel id, WhatsApp number or web push subscription",
        params: addressParamsSchema,
        body: putAddressSchema,
        response: { 200: addressSchema, ...errorResponses },
      },
      onRequest: guard('customers:write'),
    },
    async (request) => putAddress(db, actorOf(request).workspaceId, request.params.id, request.params.kind, request.body, deps.defaultCountry),
  );

  app.delete(
    '/api/v1/customers/:id/addresses/:kind',
    {
      schema: { tags, security, summary: "Remove a customer's address of a kind", params: addressParamsSchema, response: { 204: z.null(), ...errorResponses } },
      onRequest: guard('customers:write'),
    },
    async (request, reply) => {
      await deleteAddress(db, actorOf(request).workspaceId, request.params.id, request.params.kind);
      return reply.code(204).send(null);
    },
  );
}

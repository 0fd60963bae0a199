import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../database.ts';
import { can } from '../../platform/access/roles.ts';
import { invalid } from '../../platform/errors.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { channelKinds, type SendOutcome } from './channel.ts';
import type { ChannelPool } from './directory.ts';
import { channelDrivers } from './drivers.ts';
import type { ChannelRow, ChannelStore } from './store.ts';
import { generateVapidKeys } from './webpush/driver.ts';

const channelSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    provider: z.string(),
    name: z.string(),
    settings: z.record(z.string(), z.unknown()).describe('Non-secret settings; each secret field appears only as { "set": true | false }'),
    enabled: z.boolean(),
    isDefault: z.boolean(),
    status: z.enum(['unverified', 'ok', 'failing']),
    statusMessage: z.string().nullable(),
    statusAt: z.string().nullable(),
    webhookUrl: z.string().optional().describe('Where the provider sends receipts and inbound messages (shown to channel managers only)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Channel' });

const providerSchema = z
  .object({
    provider: z.string(),
    kind: z.enum(channelKinds),
    label: z.string(),
    settingsSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the settings (input form)'),
    secrets: z.array(z.string()).describe('Settings that are write-only: encrypted at rest, never returned'),
  })
  .meta({ id: 'ChannelProvider' });

const outcomeSchema = z
  .object({
    status: z.enum(['sent', 'delivered', 'failed-retryable', 'failed-permanent', 'suppressed']),
    providerMessageId: z.string().optional(),
    error: z.string().optional(),
    reason: z.enum(['blocked', 'blacklisted', 'unsubscribed', 'invalid-address']).optional(),
    retryAfterMs: z.number().optional(),
  })
  .meta({ id: 'SendOutcome' });

const name = z.string().trim().min(1, 'must not be empty').max(120);
const settings = z.record(z.string(), z.unknown());
const createBody = z.strictObject({ provider: z.string().min(1).max(60), name, settings, enabled: z.boolean().optional(), isDefault: z.boolean().optional() });
const patchBody = z.strictObject({ name: name.optional(), settings: settings.optional(), enabled: z.boolean().optional(), isDefault: z.boolean().optional() });
const testBody = z.strictObject({
  address: z.string().max(10_000).default('').describe('email address, E.164 phone, chat id, or PushSubscription JSON; unused by webhooks'),
  subject: z.string().max(300).optional(),
  text: z.string().min(1).max(4_000).optional(),
});
const id = z.object({ id: z.uuid({ error: 'id must be a UUID' }) });

/** The settings form of every installed driver, generated from its zod schema. */
export function providerList() {
  return channelDrivers.map((d) => ({
    provider: d.provider,
    kind: d.kind,
    label: d.label,
    settingsSchema: z.toJSONSchema(d.settings, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    secrets: [...d.secrets],
  }));
}

export function channelRoutes(app: App, deps: { db: Db; store: ChannelStore; pool: ChannelPool }) {
  const { db, store, pool } = deps;
  const tags = ['channels'];
  const read = guard('messaging:read');
  const manage = guard('channels:manage');
  const show = (request: Parameters<typeof actorOf>[0], row: ChannelRow) => store.view(row, can(actorOf(request).role, 'channels:manage'));

  app.get(
    '/api/v1/channels/providers',
    { schema: { tags, security, summary: 'Installed channel providers and their settings forms', response: { 200: z.object({ data: z.array(providerSchema) }), ...errorResponses } }, onRequest: read },
    async () => ({ data: providerList() }),
  );

  app.get(
    '/api/v1/channels',
    {
      schema: { tags, security, summary: "The workspace's configured channels", querystring: z.strictObject({ kind: z.enum(channelKinds).optional() }), response: { 200: z.object({ data: z.array(channelSchema) }), ...errorResponses } },
      onRequest: read,
    },
    async (request) => ({ data: (await store.list(db, actorOf(request).workspaceId, request.query.kind)).map((row) => show(request, row)) }),
  );

  app.post(
    '/api/v1/channels',
    { schema: { tags, security, summary: 'Configure a channel (secrets are encrypted at rest)', body: createBody, response: { 201: channelSchema, ...errorResponses } }, onRequest: manage },
    async (request, reply) => {
      const actor = actorOf(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, async (tx) => show(request, await store.create(tx, actor, request.body)));
    },
  );

  app.get(
    '/api/v1/channels/:id',
    { schema: { tags, security, summary: 'One configured channel', params: id, response: { 200: channelSchema, ...errorResponses } }, onRequest: read },
    async (request) => show(request, await store.get(db, actorOf(request).workspaceId, request.params.id)),
  );

  app.patch(
    '/api/v1/channels/:id',
    {
      schema: { tags, security, summary: 'Change a channel; omitted secrets keep their stored value', params: id, body: patchBody, response: { 200: channelSchema, ...errorResponses } },
      onRequest: manage,
    },
    async (request) => show(request, await db.transaction().execute((tx) => store.update(tx, actorOf(request), request.params.id, request.body))),
  );

  app.delete(
    '/api/v1/channels/:id',
    { schema: { tags, security, summary: 'Remove a channel and its credentials', params: id, response: { 204: z.null(), ...errorResponses } }, onRequest: manage },
    async (request, reply) => {
      await db.transaction().execute((tx) => store.remove(tx, actorOf(request), request.params.id));
      pool.forget(request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/channels/:id/verify',
    {
      schema: { tags, security, summary: "Check the credentials with the provider; the channel's status records the answer", params: id, response: { 200: channelSchema, ...errorResponses } },
      onRequest: manage,
    },
    async (request) => {
      const workspaceId = actorOf(request).workspaceId;
      await store.get(db, workspaceId, request.params.id);
      const answer = await verify(pool, workspaceId, request.params.id);
      const row = await store.setStatus(db, workspaceId, request.params.id, answer.ok ? 'ok' : 'failing', answer.ok ? (answer.value.detail ?? null) : answer.error);
      return show(request, row);
    },
  );

  app.post(
    '/api/v1/channels/:id/test',
    {
      schema: { tags, security, summary: 'Send a real test message through the channel and report the outcome', params: id, body: testBody, response: { 200: z.object({ outcome: outcomeSchema }), ...errorResponses } },
      onRequest: manage,
    },
    async (request) => {
      const workspaceId = actorOf(request).workspaceId;
      const row = await store.get(db, workspaceId, request.params.id);
      if (row.kind !== 'webhook' && !request.body.address.trim()) throw invalid('address', 'address: where should the test message go?');
      const opened = await pool.openById(workspaceId, row.id);
      if (!opened) throw invalid('id', 'the channel disappeared');
      const text = request.body.text ?? 'A test message from Vafa.';
      const outcome: SendOutcome = await opened.channel.send({
        id: `test-${randomUUID()}`,
        to: { customerId: 'channel-test', address: request.body.address.trim() },
        category: 'transactional',
        text,
        subject: request.body.subject ?? 'Vafa test message',
        html: row.kind === 'email' ? `<p>${escapeHtml(text)}</p>` : undefined,
      });
      // A delivered test proves the credentials; a failed one may be the address's fault, so it
      // leaves the status to "verify".
      if (outcome.status === 'sent' || outcome.status === 'delivered') await store.setStatus(db, workspaceId, row.id, 'ok', null);
      return { outcome };
    },
  );

  app.post(
    '/api/v1/channels/webpush/vapid-keys',
    {
      schema: {
        tags,
        security,
        summary: 'A new VAPID key pair for a web push channel (nothing is stored)',
        response: { 200: z.object({ publicKey: z.string(), privateKey: z.string() }), ...errorResponses },
      },
      onRequest: manage,
    },
    async () => generateVapidKeys(),
  );
}

async function verify(pool: ChannelPool, workspaceId: string, configId: string) {
  try {
    const opened = await pool.openById(workspaceId, configId);
    if (!opened) return { ok: false as const, error: 'the channel disappeared' };
    return await opened.channel.verify();
  } catch (e) {
    // Opening can fail on stored settings (a lost key, a driver that rejects them): that is the answer.
    return { ok: false as const, error: (e as Error).message };
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

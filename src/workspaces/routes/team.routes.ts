import { z } from 'zod';
import type { Db } from '../../database.ts';
import { roles } from '../../platform/access/roles.ts';
import { notFound } from '../../platform/errors.ts';
import { actorOf, apiSecurity, guard } from '../../platform/http/guard.ts';
import { cursorSchema, limitSchema, pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { listAudit, recordAudit } from '../audit.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../keys.ts';
import { addMember, changeRole, listMembers, removeMember } from '../team.ts';

const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(roles),
  createdAt: z.string(),
});
const keySchema = z.object({
  id: z.string(),
  kind: z.enum(['secret', 'write']),
  name: z.string(),
  role: z.enum(roles).nullable(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const auditSchema = z.object({
  id: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorLabel: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()),
  requestId: z.string().nullable(),
  at: z.string(),
});
const workspaceSchema = z.object({ id: z.string(), name: z.string(), settings: z.record(z.string(), z.unknown()) });

export function teamRoutes(app: App, { db }: { db: Db }) {
  const tags = ['workspace'];
  const security = apiSecurity;

  app.get(
    '/api/v1/workspace',
    { schema: { tags, security, summary: 'This workspace', response: { 200: workspaceSchema, ...errorResponses } }, onRequest: guard('customers:read') },
    async (request) => {
      const ws = await db.selectFrom('workspaces').selectAll().where('id', '=', actorOf(request).workspaceId).executeTakeFirst();
      if (!ws) throw notFound('Workspace');
      return { id: ws.id, name: ws.name, settings: ws.settings as Record<string, unknown> };
    },
  );

  app.patch(
    '/api/v1/workspace',
    {
      schema: {
        tags,
        security,
        summary: 'Rename the workspace or change its settings',
        body: z.strictObject({
          name: z.string().trim().min(1).max(200).optional(),
          settings: z
            .strictObject({
              defaultCountry: z.string().regex(/^[A-Z]{2}$/).optional(),
              displayCurrency: z.string().regex(/^[A-Z]{3}$/).optional(),
              timezone: z.string().min(1).max(64).optional(),
              defaultLanguage: z.string().min(2).max(10).optional(),
            })
            .optional(),
        }),
        response: { 200: workspaceSchema, ...errorResponses },
      },
      onRequest: guard('workspace:manage'),
    },
    async (request) => {
      const actor = actorOf(request);
      return db.transaction().execute(async (tx) => {
        const ws = await tx.selectFrom('workspaces').selectAll().where('id', '=', actor.workspaceId).forUpdate().executeTakeFirstOrThrow();
        const settings = { ...ws.settings, ...request.body.settings };
        const updated = await tx
          .updateTable('workspaces')
          .set({ name: request.body.name ?? ws.name, settings: JSON.stringify(settings) })
          .where('id', '=', actor.workspaceId)
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(tx, actor, { action: 'workspace.updated', targetType: 'workspace', targetId: ws.id, changes: request.body });
        return { id: updated.id, name: updated.name, settings: updated.settings as Record<string, unknown> };
      });
    },
  );

  app.get(
    '/api/v1/members',
    { schema: { tags, security, summary: 'Team members', response: { 200: z.object({ data: z.array(memberSchema) }), ...errorResponses } }, onRequest: guard('team:read') },
    async (request) => ({ data: await listMembers(db, actorOf(request).workspaceId) }),
  );

  app.post(
    '/api/v1/members',
    {
      schema: {
        tags,
        security,
        summary: 'Add a team member (creates the user if needed)',
        body: z.strictObject({
          email: z.email().max(320),
          name: z.string().trim().max(200).optional(),
          password: z.string().min(8, 'must be at least 8 characters').max(1024).optional().describe('Required for a new user; an existing user keeps their password'),
          role: z.enum(roles),
        }),
        response: { 201: memberSchema, ...errorResponses },
      },
      onRequest: guard('team:manage'),
    },
    async (request, reply) => reply.status(201).send(await addMember(db, actorOf(request), request.body)),
  );

  app.patch(
    '/api/v1/members/:userId',
    {
      schema: {
        tags,
        security,
        summary: "Change a member's role",
        params: z.object({ userId: z.uuid() }),
        body: z.strictObject({ role: z.enum(roles) }),
        response: { 200: memberSchema, ...errorResponses },
      },
      onRequest: guard('team:manage'),
    },
    async (request) => changeRole(db, actorOf(request), request.params.userId, request.body.role),
  );

  app.delete(
    '/api/v1/members/:userId',
    {
      schema: { tags, security, summary: 'Remove a member', params: z.object({ userId: z.uuid() }), response: { 204: z.null(), ...errorResponses } },
      onRequest: guard('team:manage'),
    },
    async (request, reply) => {
      await removeMember(db, actorOf(request), request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/api-keys',
    { schema: { tags, security, summary: 'API keys (never the keys themselves)', response: { 200: z.object({ data: z.array(keySchema) }), ...errorResponses } }, onRequest: guard('keys:manage') },
    async (request) => ({ data: await listApiKeys(db, actorOf(request).workspaceId) }),
  );

  app.post(
    '/api/v1/api-keys',
    {
      schema: {
        tags,
        security,
        summary: 'Create a key; the answer is the only time the key is shown',
        body: z
          .strictObject({ kind: z.enum(['secret', 'write']), name: z.string().trim().min(1).max(100), role: z.enum(roles).optional() })
          .refine((b) => b.kind === 'secret' || b.role === undefined, { message: 'write keys have no role', path: ['role'] }),
        response: { 201: keySchema.extend({ key: z.string() }), ...errorResponses },
      },
      onRequest: guard('keys:manage'),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (request.body.role === 'owner' && actor.role !== 'owner') {
        return reply.status(403).send({ error: { code: 'FORBIDDEN', message: 'Only an owner can create an owner key', field: 'role' } });
      }
      const created = await db.transaction().execute(async (tx) => {
        const key = await createApiKey(tx, actor.workspaceId, { ...request.body, createdBy: actor.type === 'user' ? actor.id : null });
        await recordAudit(tx, actor, { action: 'api_key.created', targetType: 'api_key', targetId: key.id, changes: { kind: key.kind, name: key.name, role: key.role } });
        return key;
      });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    { schema: { tags, security, summary: 'Revoke a key', params: z.object({ id: z.uuid() }), response: { 200: keySchema, ...errorResponses } }, onRequest: guard('keys:manage') },
    async (request) => db.transaction().execute((tx) => revokeApiKey(tx, actorOf(request), request.params.id)),
  );

  app.get(
    '/api/v1/audit-log',
    {
      schema: {
        tags,
        security,
        summary: 'Who changed what, newest first',
        querystring: z.strictObject({ limit: limitSchema, cursor: cursorSchema }),
        response: { 200: pageSchema(auditSchema), ...errorResponses },
      },
      onRequest: guard('audit:read'),
    },
    async (request) => listAudit(db, actorOf(request).workspaceId, request.query),
  );
}

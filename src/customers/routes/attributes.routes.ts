import { z } from 'zod';
import type { Db } from '../../database.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { defineAttribute, deleteDefinition, listDefinitions } from '../attributes.ts';

const definitionSchema = z
  .object({ key: z.string(), label: z.string(), type: z.enum(['string', 'number', 'boolean', 'date', 'enum', 'list']), options: z.array(z.string()), createdAt: z.string() })
  .meta({ id: 'AttributeDefinition' });

export function attributesRoutes(app: App, { db }: { db: Db }) {
  const tags = ['attributes'];
  app.get(
    '/api/v1/attribute-definitions',
    { schema: { tags, security, summary: 'Custom attribute definitions', response: { 200: z.object({ data: z.array(definitionSchema) }), ...errorResponses } }, onRequest: guard('customers:read') },
    async (request) => ({ data: await listDefinitions(db, actorOf(request).workspaceId) }),
  );
  app.post(
    '/api/v1/attribute-definitions',
    {
      schema: {
        tags,
        security,
        summary: 'Define a typed custom attribute',
        body: z.strictObject({
          key: z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'letters, digits, _ . - ; starting with a letter or _'),
          label: z.string().trim().min(1).max(200),
          type: z.enum(['string', 'number', 'boolean', 'date', 'enum', 'list']),
          options: z.array(z.string().trim().min(1).max(200)).max(200).optional(),
        }),
        response: { 201: definitionSchema, ...errorResponses },
      },
      onRequest: guard('attributes:manage'),
    },
    async (request, reply) => reply.status(201).send(await db.transaction().execute((tx) => defineAttribute(tx, actorOf(request), request.body))),
  );
  app.delete(
    '/api/v1/attribute-definitions/:key',
    { schema: { tags, security, summary: 'Delete a definition (values stay on profiles)', params: z.object({ key: z.string().max(64) }), response: { 204: z.null(), ...errorResponses } }, onRequest: guard('attributes:manage') },
    async (request, reply) => {
      await db.transaction().execute((tx) => deleteDefinition(tx, actorOf(request), request.params.key));
      return reply.status(204).send(null);
    },
  );
}

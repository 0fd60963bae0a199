import { z } from 'zod';
import type { Db } from '../../database.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { cursorSchema, limitSchema, pageSchema } from '../../platform/http/pagination.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import { getProduct, listProducts, stockHistory, upsertProduct } from '../products.ts';

const productSchema = z
  .object({
    id: z.string(),
    sku: z.string().nullable(),
    name: z.string().nullable(),
    category: z.string().nullable(),
    priceMinor: z.number().nullable().describe('Price in minor units of currency (IRR: rials)'),
    price: z.number().nullable().describe('Price in major units'),
    currency: z.string().nullable(),
    inStock: z.boolean().nullable(),
    stockQuantity: z.number().nullable(),
    url: z.string().nullable(),
    imageUrl: z.string().nullable(),
    properties: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Product' });

const productInput = z.strictObject({
  sku: z.string().trim().min(1).max(200).nullable(),
  name: z.string().trim().min(1).max(500).nullable(),
  category: z.string().trim().min(1).max(200).nullable(),
  price: z.union([z.number().min(0), z.string().max(40)]).nullable().describe('Major units; text may use Persian digits and separators'),
  currency: z.string().trim().min(1).max(10).nullable().describe('ISO code, or IRT/toman (stored as IRR ×10)'),
  inStock: z.boolean().nullable(),
  stockQuantity: z.number().int().min(0).nullable(),
  url: z.url().max(2000).nullable(),
  imageUrl: z.url().max(2000).nullable(),
  properties: z.record(z.string(), z.unknown()),
});

const idParam = z.object({ id: z.string().min(1).max(200) });

export function productsRoutes(app: App, { db }: { db: Db }) {
  const tags = ['products'];
  const displayCurrency = async (workspaceId: string) =>
    (await db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirst())?.settings.displayCurrency ?? 'USD';

  app.get(
    '/api/v1/products',
    {
      schema: {
        tags,
        security,
        summary: 'The product catalog',
        querystring: z.strictObject({
          q: z.string().max(200).optional(),
          category: z.string().max(200).optional(),
          inStock: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
          limit: limitSchema,
          cursor: cursorSchema,
        }),
        response: { 200: pageSchema(productSchema), ...errorResponses },
      },
      onRequest: guard('customers:read'),
    },
    async (request) => listProducts(db, actorOf(request).workspaceId, request.query),
  );

  app.get(
    '/api/v1/products/:id',
    { schema: { tags, security, summary: 'One product', params: idParam, response: { 200: productSchema, ...errorResponses } }, onRequest: guard('customers:read') },
    async (request) => getProduct(db, actorOf(request).workspaceId, request.params.id),
  );

  app.put(
    '/api/v1/products/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Create or update a product; availability and price changes are recorded',
        params: idParam,
        body: productInput.partial(),
        response: { 200: productSchema, 201: productSchema, ...errorResponses },
      },
      onRequest: guard('customers:write'),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const currency = await displayCurrency(actor.workspaceId);
      const result = await db.transaction().execute(async (tx) => {
        const r = await upsertProduct(tx, actor.workspaceId, request.params.id, request.body, currency);
        await recordAudit(tx, actor, { action: r.created ? 'product.created' : 'product.updated', targetType: 'product', targetId: request.params.id, changes: request.body });
        return r;
      });
      return reply.status(result.created ? 201 : 200).send(result.product);
    },
  );

  app.get(
    '/api/v1/products/:id/stock-changes',
    {
      schema: {
        tags,
        security,
        summary: 'Availability and price history, newest first',
        params: idParam,
        response: {
          200: z.object({
            data: z.array(
              z.object({
                inStock: z.boolean().nullable(),
                stockQuantity: z.number().nullable(),
                priceMinor: z.number().nullable(),
                previousInStock: z.boolean().nullable(),
                previousPriceMinor: z.number().nullable(),
                source: z.string(),
                changedAt: z.string(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
      onRequest: guard('customers:read'),
    },
    async (request) => ({ data: await stockHistory(db, actorOf(request).workspaceId, request.params.id) }),
  );
}

import { z } from 'zod';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { bulkCreateCustomers } from '../bulk.ts';
import { createCustomerSchema } from '../schema.ts';
import type { CustomerDeps } from './customers.routes.ts';

export const MAX_BULK_CUSTOMERS = 1000;

/** 1,000 full profiles can exceed the default 1 MB body limit; allow at least 8 MB here. */
const BULK_BODY_LIMIT = 8 * 1024 * 1024;

const bulkBodySchema = z.strictObject({ customers: z.array(createCustomerSchema).min(1).max(MAX_BULK_CUSTOMERS) });
const bulkResultSchema = z.object({ created: z.number().int(), ids: z.array(z.string()) }).meta({ id: 'BulkCreateResult' });

/** `POST /api/v1/customers/bulk`: up to 1,000 customers in one all-or-nothing request. */
export function bulkRoutes(app: App, { db, config }: Pick<CustomerDeps, 'db' | 'config'>) {
  const opts = { defaultCountry: config.defaultCountry };
  app.post(
    '/api/v1/customers/bulk',
    {
      bodyLimit: Math.max(config.bodyLimitBytes, BULK_BODY_LIMIT),
      schema: {
        tags: ['customers'],
        security,
        summary: 'Create up to 1,000 customers at once (all or nothing)',
        description:
          'Each item is a `CustomerInput`. A bad item fails the whole request with `field` = `customers.<index>.<field>`; ' +
          'an externalId already used answers 409. Send `Idempotency-Key` to make retries safe.',
        body: bulkBodySchema,
        response: { 201: bulkResultSchema, ...errorResponses },
      },
      onRequest: guard('customers:write'),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      return idempotent(db, request, reply, actor.workspaceId, 201, (tx) => bulkCreateCustomers(tx, actor, request.body.customers, opts));
    },
  );
}

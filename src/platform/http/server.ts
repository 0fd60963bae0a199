import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { handleError } from './error-handler.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface HttpOptions {
  log: Logger;
  bodyLimitBytes: number;
  consoleDir: string;
  /** Believe X-Forwarded-* headers (only behind a proxy that sets them). */
  trustProxy: boolean;
  /** Paths the console's SPA fallback must never answer. */
  apiPrefixes?: string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its method, for checks such as "OpenAPI lists every route". */
    registeredRoutes: { method: string; url: string; hidden: boolean }[];
  }
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

export async function createHttpServer(options: HttpOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.decorateRequest('actor', null);
  const routes: { method: string; url: string; hidden: boolean }[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const hidden = Boolean((route.schema as { hide?: boolean } | undefined)?.hide) || route.url.startsWith('/docs');
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url, hidden });
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!request.url.startsWith('/docs')) reply.header('x-frame-options', 'DENY');
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vafa API',
        version: '0.1.0',
        description: 'Customer engagement and retention platform. Errors: `{ "error": { "code", "message", "field"? } }`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A workspace secret key (vafa_sk_…)' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'vafa_session' },
          writeKeyBasic: { type: 'http', scheme: 'basic', description: 'A write key (vafa_wk_…) as the user name, empty password' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await serveConsole(app, options);
  return app;
}

async function serveConsole(app: App, options: HttpOptions) {
  const prefixes = options.apiPrefixes ?? ['/api', '/v1', '/docs', '/openapi.json', '/health', '/sdk'];
  const index = path.join(options.consoleDir, 'index.html');
  const hasConsole = fs.existsSync(index);
  if (hasConsole) {
    await app.register(fastifyStatic, { root: options.consoleDir, wildcard: false, index: false });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const isApi = prefixes.some((p) => request.url === p || request.url.startsWith(`${p}/`) || request.url.startsWith(`${p}?`));
    if (request.method === 'GET' && !isApi) {
      if (hasConsole) return reply.type('text/html').sendFile('index.html');
      return reply
        .type('text/html')
        .send('<!doctype html><p>The Vafa console is not built. Run <code>npm run build:console</code>.</p>');
    }
    return handleError(new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`), request, reply);
  });
}

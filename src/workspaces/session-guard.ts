import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../platform/errors.ts';
import type { App } from '../platform/http/server.ts';

/** Routes that only make sense for a console session (not for API keys). */
export function createAuthenticatorGuards(app: App) {
  return {
    requireSession: async (request: FastifyRequest) => {
      const actor = await app.authenticate(request);
      if (!actor.sessionId) throw unauthenticated('This route needs a console session');
      request.actor = { ...actor, requestId: request.id };
    },
  };
}

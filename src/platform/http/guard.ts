import type { FastifyRequest } from 'fastify';
import { can, type Permission } from '../access/roles.ts';
import { forbidden, unauthenticated } from '../errors.ts';
import type { Actor } from './actor.ts';

/** Resolves the caller from a Bearer key or a session cookie; throws 401 when there is none. */
export type Authenticator = (request: FastifyRequest) => Promise<Actor>;

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: Authenticator;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/**
 * An onRequest hook that lets the request through only with `permission`. It runs before the
 * body is read, so an unauthenticated caller learns nothing about input validation.
 */
export function guard(permission: Permission) {
  return async (request: FastifyRequest) => {
    const actor = await request.server.authenticate(request);
    if (!can(actor.role, permission)) {
      throw forbidden(`The ${actor.role} role does not allow ${permission}`);
    }
    request.actor = { ...actor, requestId: request.id };
  };
}

/** The caller of a guarded route. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated();
  return request.actor;
}

/** OpenAPI security requirement shared by every /api/v1 route. */
export const apiSecurity: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { sessionCookie: [] }];

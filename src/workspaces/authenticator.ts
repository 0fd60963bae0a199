import type { FastifyRequest } from 'fastify';
import type { Db } from '../database.ts';
import { forbidden, unauthenticated } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import type { Authenticator } from '../platform/http/guard.ts';
import { resolveApiKey } from './keys.ts';
import { safeEqual } from './secrets.ts';
import { findSession } from './sessions.ts';

export const SESSION_COOKIE = 'vafa_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A Bearer secret key or a console session cookie. Session writes must carry the
 * session's CSRF token in `X-CSRF-Token` (the cookie alone is not proof of intent).
 */
export function createAuthenticator(db: Db): Authenticator {
  return async (request: FastifyRequest): Promise<Actor> => {
    const header = request.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw unauthenticated('Authorization must be "Bearer <secret key>"');
      const key = await resolveApiKey(db, match[1]);
      if (!key) throw unauthenticated('Unknown or revoked API key');
      if (key.kind !== 'secret' || !key.role) {
        throw unauthenticated('A write key only works for the tracking API; use a secret key here');
      }
      return { workspaceId: key.workspace_id, role: key.role, type: 'api_key', id: key.id, label: `key:${key.name}` };
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) throw unauthenticated();
    const session = await findSession(db, token);
    if (!session) throw unauthenticated('Your session has expired; log in again');
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, session.csrf_token)) {
        throw forbidden('Missing or wrong X-CSRF-Token header');
      }
    }
    return {
      workspaceId: session.workspace_id,
      role: session.role,
      type: 'user',
      id: session.user_id,
      label: session.email,
      csrfToken: session.csrf_token,
      sessionId: session.id,
    };
  };
}

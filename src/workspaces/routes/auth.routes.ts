import { z } from 'zod';
import type { Db } from '../../database.ts';
import type { Config } from '../../platform/config.ts';
import { permissions, roles } from '../../platform/access/roles.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { createAuthenticatorGuards } from '../session-guard.ts';
import { SESSION_COOKIE } from '../authenticator.ts';
import { describeSession, login, logout, switchWorkspace } from '../sessions.ts';

const sessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable() }),
  workspace: z.object({ id: z.string(), name: z.string() }),
  role: z.enum(roles),
  permissions: z.array(z.enum(permissions)),
  csrfToken: z.string(),
  workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(roles) })),
});

/** Console sign-in: an HttpOnly session cookie plus a CSRF token the console echoes on writes. */
export function authRoutes(app: App, { db, config }: { db: Db; config: Config }) {
  const { requireSession } = createAuthenticatorGuards(app);
  const cookieOptions = (secure: boolean, expires?: Date) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    ...(expires ? { expires } : {}),
  });
  const secure = (protocol: string) => (config.cookieSecure === 'auto' ? protocol === 'https' : config.cookieSecure === 'always');

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in to the console',
        body: z.strictObject({
          email: z.string().trim().min(3).max(320),
          password: z.string().min(1).max(1024),
          workspaceId: z.uuid().optional(),
        }),
        response: { 200: sessionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await login(db, { ...request.body, ip: request.ip, sessionDays: config.sessionDays });
      reply.setCookie(SESSION_COOKIE, result.token, cookieOptions(secure(request.protocol), result.expiresAt));
      return result.session;
    },
  );

  app.get(
    '/api/auth/session',
    { schema: { tags: ['auth'], summary: 'The current console session', response: { 200: sessionSchema, ...errorResponses } }, onRequest: requireSession },
    async (request) => describeSession(db, request.actor?.sessionId ?? ''),
  );

  app.post(
    '/api/auth/switch',
    {
      schema: {
        tags: ['auth'],
        summary: 'Switch the session to another of your workspaces',
        body: z.strictObject({ workspaceId: z.uuid() }),
        response: { 200: sessionSchema, ...errorResponses },
      },
      onRequest: requireSession,
    },
    async (request) => {
      const actor = request.actor;
      return switchWorkspace(db, actor?.sessionId ?? '', actor?.id ?? '', request.body.workspaceId);
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the console session', response: { 204: z.null(), ...errorResponses } }, onRequest: requireSession },
    async (request, reply) => {
      await logout(db, request.actor?.sessionId ?? '');
      reply.clearCookie(SESSION_COOKIE, cookieOptions(secure(request.protocol)));
      return reply.status(204).send(null);
    },
  );
}

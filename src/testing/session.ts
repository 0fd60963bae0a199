import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../platform/http/server.ts';
import type { ApiClient } from './harness.ts';

/** Requests as the console makes them; the same calls as an API key client. */
export type HttpClient = Omit<ApiClient, 'key'>;

export interface SessionClient extends HttpClient {
  /** The raw `vafa_session` cookie value. */
  cookie: string;
  csrfToken: string;
  /** The login answer (user, workspace, role, workspaces). */
  session: { user: { id: string; email: string }; workspace: { id: string; name: string }; role: string; csrfToken: string; workspaces: { id: string; role: string }[] };
  /** The Set-Cookie header of the login answer. */
  setCookie: string;
}

/**
 * Logs in through `POST /api/auth/login` and returns a client that sends the session cookie,
 * plus `X-CSRF-Token` on writes, as the console does. Throws when the login is refused.
 *
 * @example
 * const console = await loginSession(t.app, ws.ownerEmail, ws.ownerPassword);
 * await console.post('/api/v1/customers', { firstName: 'Sara' });
 */
export async function loginSession(
  app: App,
  email: string,
  password: string,
  opts: { workspaceId?: string; remoteAddress?: string } = {},
): Promise<SessionClient> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password, ...(opts.workspaceId ? { workspaceId: opts.workspaceId } : {}) },
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
  });
  if (res.statusCode !== 200) throw new Error(`login as ${email} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'vafa_session')?.value;
  if (!cookie) throw new Error('login answered without a vafa_session cookie');
  const session = res.json() as SessionClient['session'];
  const setCookie = [res.headers['set-cookie']].flat().join('\n');
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url,
      cookies: { vafa_session: cookie },
      headers: { ...(method === 'GET' ? {} : { 'x-csrf-token': session.csrfToken }), ...headers },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
  return {
    cookie,
    csrfToken: session.csrfToken,
    session,
    setCookie,
    get: (url) => call('GET', url),
    post: (url, body, headers) => call('POST', url, body ?? {}, headers),
    patch: (url, body) => call('PATCH', url, body ?? {}),
    put: (url, body) => call('PUT', url, body ?? {}),
    delete: (url) => call('DELETE', url),
  };
}

import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../database.ts';
import { AppError, unauthenticated } from '../../platform/errors.ts';
import type { App } from '../../platform/http/server.ts';
import type { ChannelEvents } from '../contracts.ts';
import type { ChannelKind, WebhookRequest } from './channel.ts';
import type { ChannelPool } from './directory.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The public receipt URL of every configured channel: {publicUrl}/hooks/channels/{id}/{token}.
 * The token (random, per channel) proves the caller was given this URL; the driver then checks the
 * provider's own signature on the raw body. Listeners write receipts and inbound messages durably
 * before we answer, so a provider that sees 200 may forget the event.
 */
export function channelWebhookRoutes(app: App, deps: { db: Db; pool: ChannelPool; events: ChannelEvents; publicUrl: string }) {
  const { db, pool, events, publicUrl } = deps;
  app.register(async (scope) => {
    // Providers sign the bytes they sent: keep the body as text, whatever its content type
    // (JSON, application/x-www-form-urlencoded from Twilio, text/plain …).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.route({
      method: ['GET', 'POST'],
      url: '/hooks/channels/:id/:token',
      // Request logs would carry the URL, and its token authenticates the provider: log only problems.
      logLevel: 'warn',
      schema: {
        tags: ['webhooks'],
        summary: "A provider's delivery receipts and inbound messages for one configured channel (public; the token in the path and the provider's signature authenticate it)",
        params: z.object({ id: z.string(), token: z.string() }),
      },
      handler: async (request, reply) => {
        const { id, token } = request.params as { id: string; token: string };
        const row = UUID.test(id)
          ? await db.selectFrom('channel_configs').select(['id', 'workspace_id', 'kind', 'provider', 'webhook_token']).where('id', '=', id).executeTakeFirst()
          : undefined;
        // The same answer for an unknown channel and a wrong token: the URL reveals nothing.
        if (!row || !sameToken(token, row.webhook_token)) throw unauthenticated('Unknown channel or wrong webhook token');
        const opened = await pool.openById(row.workspace_id, row.id);
        const channel = opened?.channel;
        if (!channel?.handleWebhook) throw new AppError('NOT_FOUND', `The ${row.provider} channel takes no webhooks`);
        const webhook: WebhookRequest = {
          method: request.method,
          url: `${publicUrl}${request.url}`,
          headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
          query: Object.fromEntries(Object.entries(request.query as Record<string, string | string[]>).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])),
          rawBody: typeof request.body === 'string' ? request.body : '',
        };
        const result = channel.handleWebhook(webhook);
        if (!result.ok) throw new AppError(result.error.status === 401 ? 'UNAUTHENTICATED' : 'INVALID_INPUT', result.error.message, { field: 'body' });
        const context = { workspaceId: row.workspace_id, configId: row.id, kind: row.kind as ChannelKind, provider: row.provider };
        await events.receipts(context, result.value.receipts);
        await events.inbound(context, result.value.inbound);
        const answer = result.value.reply;
        if (answer) return reply.status(answer.status).type(answer.contentType).send(answer.body);
        return reply.status(200).type('application/json').send('{"ok":true}');
      },
    });
  });
}

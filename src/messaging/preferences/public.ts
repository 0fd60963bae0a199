import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../database.ts';
import type { App } from '../../platform/http/server.ts';
import type { Logger } from '../../platform/logger.ts';
import { consentChannelOf } from '../delivery/policy.ts';
import { formFields, isOneClickBody } from './form.ts';
import { confirmPage, notFoundPage, preferencePage, topicLabel, unsubscribedPage, type OneClickView } from './page.ts';
import { applyChoice, applyOneClick, loadPreferenceState, pageLanguage, type PageLanguage, type PreferenceChoice, type PreferenceState } from './state.ts';
import { verifyPreferenceToken, type PreferenceClaims } from './tokens.ts';

const tags = ['preferences'];
// A wildcard, not a :token parameter: router parameters stop at 100 characters, and a token with
// a message id and a long topic key is longer.
const params = z.object({ '*': z.string().describe('A signed preference token from a message link') });
const querystring = z.object({ lang: z.string().optional().describe('fa, ar or en; defaults to the customer’s language') });
/** Form posts are a few hundred bytes; nothing larger is read. */
const FORM_LIMIT_BYTES = 16 * 1024;

type PageRequest = FastifyRequest;
/** Validated by the route's schema (params, querystring above). */
const tokenOf = (request: PageRequest) => (request.params as z.infer<typeof params>)['*'];
const askedLanguage = (request: PageRequest) => (request.query as z.infer<typeof querystring>).lang;

function html(reply: FastifyReply, status: number, body: string) {
  // The token in the URL is a capability: never cache the page, never send it on as a Referer.
  return reply.status(status).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8').send(body);
}

/** ?lang= when it is one of ours, else the given fallback. */
function languageOf(request: PageRequest, fallback: PageLanguage | undefined): PageLanguage {
  const asked = askedLanguage(request);
  if (asked && ['fa', 'ar', 'en'].includes(asked)) return asked as PageLanguage;
  if (fallback) return fallback;
  return pageLanguage(request.headers['accept-language']?.split(',')[0]);
}

/**
 * The customer-facing pages behind the links of every message (no login: the signed token is the
 * capability, which also makes the form posts CSRF-safe — a forger would need the token).
 *   GET  /p/{token}  preference page        POST /p/{token}  save it (answers the page again)
 *   GET  /u/{token}  one-click confirm page POST /u/{token}  RFC 8058 one-click unsubscribe
 */
export function preferenceRoutes(app: App, deps: { db: Db; log: Logger; key: Buffer }) {
  const { db, key } = deps;

  /** The verified claims and the live state, or a 404 page already sent. */
  async function open(request: PageRequest, reply: FastifyReply): Promise<{ claims: PreferenceClaims; state: PreferenceState } | undefined> {
    const claims = verifyPreferenceToken(key, tokenOf(request));
    const state = claims ? await loadPreferenceState(db, claims) : undefined;
    if (!claims || !state) {
      await html(reply, 404, notFoundPage(languageOf(request, undefined)));
      return undefined;
    }
    return { claims, state };
  }

  const oneClickView = (request: PageRequest, claims: PreferenceClaims, state: PreferenceState): OneClickView => {
    const topic = claims.topic ? state.topics.find((t) => t.key === claims.topic) : undefined;
    const language = languageOf(request, state.language);
    return {
      unsubscribePath: `/u/${tokenOf(request)}`,
      preferencesPath: `/p/${tokenOf(request)}`,
      language,
      workspaceName: state.workspaceName,
      channel: consentChannelOf(claims.channel) ?? claims.channel,
      topicLabel: claims.topic ? (topic ? topicLabel(topic.labels, language, topic.key) : claims.topic) : undefined,
    };
  };

  app.register(async (scope) => {
    // Pages post forms, mailbox providers post RFC 8058 bodies: read them all as text.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES }, (_request, body, done) => done(null, body));
    const fieldsOf = (request: PageRequest) => formFields(request.headers['content-type'], typeof request.body === 'string' ? request.body : '');

    scope.get('/p/*', { schema: { tags, summary: 'The preference page of one customer (HTML; fa/ar right-to-left)', params, querystring } }, async (request, reply) => {
      const opened = await open(request, reply);
      if (!opened) return reply;
      return html(reply, 200, preferencePage(opened.state, { path: `/p/${tokenOf(request)}`, language: languageOf(request, opened.state.language) }));
    });

    scope.post(
      '/p/*',
      { schema: { tags, summary: 'Save the preference page (a form post; answers the page with a confirmation)', params, querystring } },
      async (request, reply) => {
        const opened = await open(request, reply);
        if (!opened) return reply;
        const fields = fieldsOf(request);
        const everything = fields.some(([k, v]) => k === 'action' && v === 'unsubscribe-all');
        const shown = new Set(fields.filter(([k]) => k === 'shown').map(([, v]) => v));
        const on = new Set(fields.map(([k]) => k));
        // Only what the page showed is applied: a topic added since the page loaded is left alone.
        const choose = (state: PreferenceState): PreferenceChoice => ({
          channels: Object.fromEntries(state.channels.filter((c) => shown.has(`channel:${c.channel}`)).map((c) => [c.channel, !everything && on.has(`channel:${c.channel}`)])),
          topics: Object.fromEntries(state.topics.filter((t) => shown.has(`topic:${t.key}`)).map((t) => [t.key, !everything && on.has(`topic:${t.key}`)])),
        });
        const changes = await applyChoice(db, opened.claims, 'preference-page', choose);
        const state = await loadPreferenceState(db, opened.claims);
        if (changes === undefined || !state) return html(reply, 404, notFoundPage(languageOf(request, undefined)));
        return html(reply, 200, preferencePage(state, { path: `/p/${tokenOf(request)}`, language: languageOf(request, state.language), saved: changes }));
      },
    );

    scope.get(
      '/u/*',
      { schema: { tags, summary: 'Confirm page of an unsubscribe link; a GET never unsubscribes (mail scanners prefetch links)', params, querystring } },
      async (request, reply) => {
        const opened = await open(request, reply);
        if (!opened) return reply;
        return html(reply, 200, confirmPage(oneClickView(request, opened.claims, opened.state)));
      },
    );

    scope.post(
      '/u/*',
      {
        schema: {
          tags,
          summary: 'RFC 8058 one-click unsubscribe: body List-Unsubscribe=One-Click; revokes the channel (or the topic on it); 200, no redirect',
          params,
          querystring,
        },
      },
      async (request, reply) => {
        if (!isOneClickBody(fieldsOf(request))) {
          return reply.status(400).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('expected the body List-Unsubscribe=One-Click (RFC 8058)');
        }
        const opened = await open(request, reply);
        if (!opened) return reply;
        const done = await applyOneClick(db, opened.claims);
        if (!done) return html(reply, 404, notFoundPage(languageOf(request, undefined)));
        deps.log.info({ workspaceId: opened.claims.workspaceId, channel: opened.claims.channel, topic: done.topic, changed: done.changed }, 'one-click unsubscribe');
        return html(reply, 200, unsubscribedPage(oneClickView(request, opened.claims, opened.state)));
      },
    );
  });
}

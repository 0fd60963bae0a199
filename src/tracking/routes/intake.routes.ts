import { gunzipSync } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, invalid, unauthenticated } from '../../platform/errors.ts';
import { errorResponses } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import { resolveApiKey } from '../../workspaces/keys.ts';
import { IntakeCache } from '../intake-cache.ts';
import { ingestBatch, type IngestDeps } from '../ingest.ts';
import { MAX_BATCH_BYTES, isProblem, parseMessage, type MessageProblem, type TrackedMessage } from '../messages.ts';
import { WriteKeyRateLimiter } from '../rate-limit.ts';

export interface IntakeDeps extends IngestDeps {
  /** Events per second per write key, per process. */
  eventsPerSecond: number;
}

const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `A batch may be at most ${MAX_BATCH_BYTES} bytes`, { field: 'body' });

/**
 * Decodes a tracking body: JSON, or gzip-encoded JSON (Content-Encoding: gzip, or the gzip magic
 * bytes — the RudderStack Node SDK sends gzip under a form content type), never more than
 * 500 KB once decompressed.
 */
function decodeBody(request: FastifyRequest, body: Buffer): unknown {
  let raw = body;
  const gzipped = request.headers['content-encoding'] === 'gzip' || (body[0] === 0x1f && body[1] === 0x8b);
  if (gzipped) {
    try {
      raw = gunzipSync(body, { maxOutputLength: MAX_BATCH_BYTES });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
      throw invalid('body', 'the body is not valid gzip');
    }
  }
  if (raw.length > MAX_BATCH_BYTES) throw tooLarge();
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalid('body', 'the body is not valid JSON');
  }
}

/** `Authorization: Basic base64(writeKey:)` or `writeKey` in the body (Segment's two ways). */
async function writeKeyOwner(deps: IntakeDeps, request: FastifyRequest, body: Record<string, unknown>) {
  let key: string | undefined;
  const header = request.headers.authorization;
  if (header?.startsWith('Basic ')) key = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0];
  key ||= typeof body.writeKey === 'string' ? body.writeKey : undefined;
  if (!key) throw unauthenticated('Send the write key as Basic auth (write key as the user name) or as "writeKey" in the body');
  const found = await resolveApiKey(deps.db, key);
  if (found?.kind !== 'write') throw unauthenticated('Unknown or revoked write key');
  return { workspaceId: found.workspace_id, keyId: found.id };
}

const problemsSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    problems: z.array(z.object({ index: z.number(), field: z.string(), reason: z.string() })).optional(),
  }),
});

/** The Segment HTTP Tracking API (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/). */
export function intakeRoutes(app: App, deps: IntakeDeps) {
  const limiter = new WriteKeyRateLimiter(deps.eventsPerSecond);
  const ingestDeps: IngestDeps = { ...deps, cache: new IntakeCache() };

  const handle = (type: string | null) => async (request: FastifyRequest) => {
    const receivedAt = new Date();
    const body = request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'the body must be a JSON object');
    const payload = body as Record<string, unknown>;
    const { workspaceId, keyId } = await writeKeyOwner(deps, request, payload);
    let raw: unknown[];
    if (type === null) {
      if (!Array.isArray(payload.batch)) throw invalid('batch', 'a batch call needs a "batch" array');
      raw = payload.batch;
    } else raw = [{ ...payload, type }];
    if (raw.length === 0) return { success: true as const };
    limiter.take(keyId, raw.length);
    const sentAt = typeof payload.sentAt === 'string' || typeof payload.sentAt === 'number' ? payload.sentAt : undefined;
    const messages: TrackedMessage[] = [];
    const problems: MessageProblem[] = [];
    raw.forEach((item, i) => {
      const parsed = parseMessage(item, i, receivedAt, sentAt);
      if (!isProblem(parsed)) messages.push(parsed);
      else problems.push(type === null ? parsed : { ...parsed, field: parsed.field.replace(/^batch\.0\.?/, '') || 'body' });
    });
    if (problems.length) {
      const first = problems[0] as MessageProblem;
      throw new AppError('INVALID_INPUT', `${problems.length} invalid event(s), nothing stored; first: ${first.field} ${first.reason}`, { field: first.field, problems });
    }
    await ingestBatch(ingestDeps, workspaceId, messages);
    return { success: true as const };
  };

  const schema = (summary: string) => ({
    tags: ['tracking'],
    summary,
    description: 'Segment-compatible. Auth: Basic base64(writeKey + ":") or "writeKey" in the body. Answers 200 only once the data is committed.',
    security: [{ writeKeyBasic: [] }],
    response: { 200: z.object({ success: z.literal(true) }), 400: problemsSchema, 401: errorResponses[401], 413: problemsSchema, 429: problemsSchema },
  });

  app.register(async (scope) => {
    // Browsers post from any site (the SDK sends text/plain JSON, analytics.js JSON with a
    // preflight): the write key, not the origin, decides what may be written. No cookies are read.
    scope.addHook('onRequest', async (_request, reply) => {
      reply.header('access-control-allow-origin', '*');
    });
    scope.options('/v1/*', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .status(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'Authorization, Content-Type, Content-Encoding')
        .header('access-control-max-age', '86400')
        .send(),
    );
    // Decoded here whatever the content type claims (RudderStack: form content type + gzip; the SDK: text/plain).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BATCH_BYTES + 1024 }, (request, body, done) => {
      try {
        done(null, decodeBody(request, body as Buffer));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    for (const type of ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const) {
      scope.post(`/v1/${type}`, { schema: schema(`Segment ${type} call`) }, handle(type));
    }
    scope.post('/v1/batch', { schema: schema('A batch of Segment calls, stored all or nothing') }, handle(null));
  });
}

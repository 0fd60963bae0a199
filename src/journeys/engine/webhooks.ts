import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';

/** How a webhook is called (tests pass a fetch that reaches a local server). */
export type WebhookFetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ status: number }>;

const TIMEOUT_MS = 10_000;
const MAX_ATTEMPTS = 8;
/** A claimed call that has not been recorded by then is someone else's to make (its engine died). */
const LEASE_MS = 60_000;

/**
 * Delivers due webhook calls of webhook steps. Each call is claimed with a lease (`FOR UPDATE
 * SKIP LOCKED`, so engines share the work), made with the step's idempotency key in the
 * `Idempotency-Key` header, and recorded. 2xx = sent; otherwise retried with backoff (1 min × 2ⁿ,
 * ≤ 6 h) up to 8 attempts, then failed. An engine dying between the call and its record leaves the
 * lease to expire and the call is made again with the same key: at-least-once, deduplicable by
 * the receiver.
 */
export async function deliverWebhooks(db: Db, log: Logger, now: Date, fetcher: WebhookFetch, batch = 20): Promise<number> {
  const claimed = await sql<{ id: string; url: string; method: string; headers: Record<string, string>; body: Record<string, unknown>; idempotency_key: string; attempts: number }>`
    update journey_webhooks set locked_until = ${new Date(now.getTime() + LEASE_MS)}, attempts = attempts + 1
     where id in (select id from journey_webhooks where status = 'pending' and next_at <= ${now} and (locked_until is null or locked_until < ${now})
                   order by next_at limit ${batch} for update skip locked)
    returning id, url, method, headers, body, idempotency_key, attempts`.execute(db);
  await Promise.all(
    claimed.rows.map(async (w) => {
      let status: number | undefined;
      let error: string | undefined;
      try {
        const res = await fetcher(w.url, {
          method: w.method,
          headers: { ...w.headers, 'content-type': 'application/json', 'idempotency-key': w.idempotency_key, 'user-agent': 'Vafa-Journeys/1' },
          body: JSON.stringify(w.body),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        status = res.status;
      } catch (e) {
        error = String((e as Error).message ?? e);
      }
      const ok = status !== undefined && status >= 200 && status < 300;
      const giveUp = !ok && w.attempts >= MAX_ATTEMPTS;
      const retryAt = new Date(now.getTime() + Math.min(6 * 3_600_000, 60_000 * 2 ** (w.attempts - 1)));
      await db
        .updateTable('journey_webhooks')
        .set({
          status: ok ? 'sent' : giveUp ? 'failed' : 'pending',
          response_status: status ?? null,
          last_error: ok ? null : (error ?? `HTTP ${status}`),
          locked_until: null,
          ...(ok ? { sent_at: now } : { next_at: retryAt }),
        })
        .where('id', '=', w.id)
        .execute();
      if (!ok) log.warn({ webhookId: w.id, status, error }, 'journey webhook failed');
    }),
  );
  return claimed.rows.length;
}

export const defaultWebhookFetch: WebhookFetch = async (url, init) => {
  const res = await fetch(url, init);
  await res.arrayBuffer().catch(() => undefined);
  return { status: res.status };
};

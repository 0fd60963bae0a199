import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { AppError } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import type { Logger } from '../../platform/logger.ts';
import { setConsent } from '../../customers/service.ts';
import type { ConsentChannel } from '../../customers/schema.ts';
import type { ChannelKind, SuppressionReason } from '../channels/channel.ts';
import { recordEvent } from './outbox.ts';
import { consentChannelOf, probeDelayMs } from './policy.ts';

/** The pipeline acts as this actor when a provider or a customer's STOP changes consent. */
export const deliveryActor = (workspaceId: string): Actor => ({ workspaceId, role: 'admin', type: 'system', id: null, label: 'delivery' });

/**
 * Revokes the kind's consent through the customers service, so the change lands on the customer's
 * timeline and in the audit log like any other consent change. A customer merged or erased
 * meanwhile keeps no consent to revoke.
 */
export async function revokeConsent(db: Db, log: Logger, workspaceId: string, customerId: string, kind: ChannelKind, source: string): Promise<void> {
  const channel = consentChannelOf(kind);
  if (channel === null) return;
  try {
    await setConsent(db, deliveryActor(workspaceId), customerId, channel as ConsentChannel, { status: 'revoked', source });
  } catch (e) {
    if (!(e instanceof AppError) || (e.code !== 'CONFLICT' && e.code !== 'NOT_FOUND')) throw e;
    log.debug({ customerId, kind, reason: e.message }, 'consent not revoked: customer gone');
  }
}

/**
 * A provider said the address must not be used again: a suppression row (all categories), the
 * stored address marked invalid, and for unsubscribed/blacklisted the channel's consent revoked.
 */
export async function suppress(
  db: Db,
  log: Logger,
  p: { workspaceId: string; customerId: string; kind: ChannelKind; address: string; reason: SuppressionReason; messageId: string | null },
): Promise<void> {
  await db
    .insertInto('suppressions')
    .values({ workspace_id: p.workspaceId, customer_id: p.customerId, kind: p.kind, address: p.address, reason: p.reason, message_id: p.messageId })
    .onConflict((oc) => oc.columns(['customer_id', 'kind', 'address']).doNothing())
    .execute();
  if (p.reason === 'invalid-address' || p.reason === 'blocked') {
    await db.updateTable('customer_addresses').set({ status: 'invalid', updated_at: new Date() }).where('customer_id', '=', p.customerId).where('kind', '=', p.kind).where('address', '=', p.address).execute();
  }
  if (p.reason === 'unsubscribed' || p.reason === 'blacklisted') await revokeConsent(db, log, p.workspaceId, p.customerId, p.kind, `provider:${p.reason}`);
}

/** Wins the right to send the one probe of an open breaker (others keep waiting). */
export async function claimProbe(db: Db, configId: string, now: Date, baseMs: number): Promise<boolean> {
  // The winner pushes probe_at on by one base delay, so a probe lost in a crash is retried.
  const r = await sql<{ config_id: string }>`
    update channel_breakers set probe_at = ${new Date(now.getTime() + baseMs)}
     where config_id = ${configId} and opened_at is not null and probe_at <= ${now}
     returning config_id`.execute(db);
  return r.rows.length === 1;
}

/**
 * A retryable failure: after `threshold` in a row the breaker opens; each failed probe doubles the
 * wait. Returns when the next probe may go while the breaker is open (undefined: still closed).
 */
export async function recordChannelFailure(db: Db, p: { workspaceId: string; configId: string; error: string; now: Date; threshold: number; baseMs: number }): Promise<Date | undefined> {
  const row = await db
    .insertInto('channel_breakers')
    .values({ config_id: p.configId, workspace_id: p.workspaceId, failures: 1, last_error: p.error })
    .onConflict((oc) => oc.column('config_id').doUpdateSet({ failures: sql`channel_breakers.failures + 1`, last_error: p.error }))
    .returning(['failures', 'opened_at'])
    .executeTakeFirstOrThrow();
  if (row.failures < p.threshold) return undefined;
  const probeAt = new Date(p.now.getTime() + probeDelayMs(row.failures, p.threshold, p.baseMs));
  await db.updateTable('channel_breakers').set({ opened_at: row.opened_at ?? p.now, probe_at: probeAt }).where('config_id', '=', p.configId).execute();
  return probeAt;
}

/** A send the provider accepted (or delivered), as the worker buffers it until the next flush. */
export interface Success {
  messageId: string;
  configId: string;
  status: 'sent' | 'delivered';
  providerMessageId: string | null;
  channel: string;
  sentAt: Date;
}

/**
 * Records a batch of successes in one statement: each status with its history line, and the
 * breakers of their channels cleared. Only rows still `sending` under this worker's lease change
 * (a late answer after the lease ran out belongs to whoever took the message over): a worker's id
 * is in `locked_by` only while it holds the row `sending`. The filter says so on purpose without
 * naming the status: with it, the planner matched the partial `messages_leases` index, estimated
 * one row from stale statistics and hashed every `sending` row and its dead versions per flush
 * (0.2 ms a message, growing with the broadcast) instead of probing the primary key.
 */
export async function recordSuccesses(db: Db, workerId: string, successes: readonly Success[]): Promise<void> {
  if (successes.length === 0) return;
  const input = successes.map((s) => ({
    id: s.messageId,
    config_id: s.configId,
    status: s.status,
    provider_message_id: s.providerMessageId,
    sent_at: s.sentAt.toISOString(),
    detail: { channel: s.channel, providerMessageId: s.providerMessageId },
  }));
  await sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
        as x(id uuid, config_id uuid, status text, provider_message_id text, sent_at timestamptz, detail jsonb)),
    done as (
      update messages m set status = i.status, provider_message_id = i.provider_message_id, sent_at = i.sent_at, error = null, reason = null,
                            locked_until = null, locked_by = null, updated_at = clock_timestamp()
        from input i
       where m.id = i.id and m.locked_by = ${workerId}
      returning m.id, i.status, i.detail, i.config_id),
    history as (insert into message_events (message_id, status, detail) select id, status, detail from done)
    delete from channel_breakers where config_id in (select config_id from done)`.execute(db);
}

export { recordEvent };

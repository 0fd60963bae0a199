import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ChannelKind, DeliveryReceipt, InboundMessage } from '../channels/channel.ts';
import type { ChannelEventContext } from '../contracts.ts';
import { recordEvent } from './outbox.ts';
import { revokeConsent, suppress } from './outcomes.ts';
import { isStopKeyword, retryDelayMs } from './policy.ts';
import type { MessageStatus } from './tables.ts';

/** Which current statuses a receipt may move a message out of (status never goes backwards). */
const movesFrom: Record<DeliveryReceipt['status'], MessageStatus[]> = {
  delivered: ['sending', 'sent'],
  read: ['sending', 'sent', 'delivered'],
  'failed-permanent': ['sending', 'sent'],
  'failed-retryable': ['sending', 'sent'],
  suppressed: ['sending', 'sent', 'delivered'],
};

/**
 * Applies provider receipts (from webhooks or polling) to the messages they name, by (configured
 * channel, provider message id). A repeated receipt changes nothing and adds no history line.
 */
export async function applyReceipts(db: Db, log: Logger, ctx: ChannelEventContext, receipts: DeliveryReceipt[]): Promise<number> {
  let applied = 0;
  for (const receipt of receipts) {
    await db.transaction().execute(async (tx) => {
      const m = await tx
        .selectFrom('messages')
        .select(['id', 'workspace_id', 'customer_id', 'status', 'channel', 'address', 'attempts'])
        .where('config_id', '=', ctx.configId)
        .where('workspace_id', '=', ctx.workspaceId)
        .where('provider_message_id', '=', receipt.providerMessageId)
        .forUpdate()
        .executeTakeFirst();
      if (!m || !movesFrom[receipt.status].includes(m.status)) return;
      const detail = { receipt: true, at: receipt.at.toISOString(), providerMessageId: receipt.providerMessageId, ...(receipt.error ? { error: receipt.error } : {}) };
      const set = (status: MessageStatus, reason: string | null, extra: { error?: string | null; slot_at?: null; not_before?: Date } = {}) =>
        tx.updateTable('messages').set({ status, reason, updated_at: new Date(), ...extra }).where('id', '=', m.id).execute();
      switch (receipt.status) {
        case 'delivered':
        case 'read':
          await set(receipt.status, null);
          await recordEvent(tx, m.id, receipt.status, null, detail);
          break;
        case 'failed-permanent':
          await set('failed', 'provider-rejected', { error: receipt.error ?? null, slot_at: null });
          await recordEvent(tx, m.id, 'failed', 'provider-rejected', detail);
          break;
        case 'failed-retryable': {
          // The provider gave up after accepting: send again later (same key).
          const until = new Date(Date.now() + retryDelayMs(m.attempts, { baseMs: 30_000, maxMs: 3_600_000 }));
          await set('queued', 'retrying', { error: receipt.error ?? null, slot_at: null, not_before: until });
          await recordEvent(tx, m.id, 'queued', 'retrying', detail);
          break;
        }
        case 'suppressed': {
          const reason = receipt.reason ?? 'blocked';
          await set('suppressed', reason, { error: receipt.error ?? null, slot_at: null });
          await recordEvent(tx, m.id, 'suppressed', reason, detail);
          if (m.address && m.channel) {
            await suppress(tx, log, { workspaceId: m.workspace_id, customerId: m.customer_id, kind: m.channel as ChannelKind, address: m.address, reason, messageId: m.id });
          }
          break;
        }
      }
      applied++;
    });
  }
  return applied;
}

/** Live customers reached at this address on this kind (a phone may belong to several profiles). */
async function customersAt(db: Db, workspaceId: string, kind: ChannelKind, address: string): Promise<string[]> {
  const stored = await db.selectFrom('customer_addresses').select('customer_id').where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('address', '=', address).execute();
  const ids = new Set(stored.map((r) => r.customer_id));
  if (kind === 'sms' || kind === 'whatsapp') {
    const byPhone = await sql<{ id: string }>`select id from customers where workspace_id = ${workspaceId} and phones @> array[${address}]::text[]
                                               and merged_into is null and erased_at is null`.execute(db);
    for (const r of byPhone.rows) ids.add(r.id);
  }
  if (kind === 'email') {
    const byEmail = await sql<{ id: string }>`select id from customers where workspace_id = ${workspaceId} and emails @> array[${address.toLowerCase()}]::text[]
                                               and merged_into is null and erased_at is null`.execute(db);
    for (const r of byEmail.rows) ids.add(r.id);
  }
  return [...ids];
}

/**
 * Messages customers sent us. A STOP keyword (fa or en, any digits) revokes that channel's consent
 * for every customer at the sender's address; every message is kept for the timeline. A bot that
 * learns the sender's phone links the chat id to the customer with that phone.
 */
export async function applyInbound(db: Db, log: Logger, ctx: ChannelEventContext, messages: InboundMessage[]): Promise<void> {
  for (const message of messages) {
    await db.transaction().execute(async (tx) => {
      let customers = await customersAt(tx, ctx.workspaceId, ctx.kind, message.from);
      const phone = message.profile?.phone;
      if (customers.length === 0 && phone && ctx.kind !== 'sms') {
        customers = await customersAt(tx, ctx.workspaceId, 'sms', phone.startsWith('+') ? phone : `+${phone}`);
        const first = customers[0];
        if (first) {
          await tx
            .insertInto('customer_addresses')
            .values({ workspace_id: ctx.workspaceId, customer_id: first, kind: ctx.kind, address: message.from })
            .onConflict((oc) => oc.columns(['customer_id', 'kind']).doUpdateSet({ address: message.from, status: 'active', updated_at: new Date() }))
            .execute();
          customers = [first];
        }
      }
      const stop = isStopKeyword(message.text);
      const inserted = await tx
        .insertInto('inbound_messages')
        .values({
          workspace_id: ctx.workspaceId,
          customer_id: customers[0] ?? null,
          config_id: ctx.configId,
          kind: ctx.kind,
          sender: message.from,
          body: message.text,
          provider_message_id: message.providerMessageId ?? null,
          stop,
          received_at: message.at,
        })
        .onConflict((oc) => oc.columns(['config_id', 'provider_message_id']).where('provider_message_id', 'is not', null).doNothing())
        .returning('id')
        .executeTakeFirst();
      // A redelivered webhook (same provider id) was handled the first time.
      if (!inserted || !stop) return;
      for (const customerId of customers) await revokeConsent(tx, log, ctx.workspaceId, customerId, ctx.kind, `inbound:stop:${ctx.provider}`);
    });
  }
}

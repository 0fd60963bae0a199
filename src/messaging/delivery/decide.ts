import { sql, type Selectable } from 'kysely';
import type { Db } from '../../database.ts';
import type { Channel, ChannelDirectory, ChannelKind } from '../channels/channel.ts';
import { addressOf, channelScores, consentAllows, slotsLeft, topicAllows, type RecipientFacts } from './checks.ts';
import { loadDecision } from './facts.ts';
import { recordEvent } from './outbox.ts';
import { claimProbe } from './outcomes.ts';
import { quietHoursEnd, rankChannels } from './policy.ts';
import { timeZoneSchema, type MessagingSettings } from './settings.ts';
import type { MessageRow } from './tables.ts';

export type Message = Selectable<MessageRow>;

export interface DecideContext {
  workerId: string;
  /** Only `open` is used: the worker passes a per-pass memo of its directory. */
  channels: Pick<ChannelDirectory, 'open'>;
  settings: MessagingSettings;
  now: Date;
  leaseMs: number;
  yieldMs: number;
  breakerBaseMs: number;
}

/** What the decision step hands to the send step. */
export interface SendPlan {
  message: Message;
  kind: ChannelKind;
  address: string;
  configId: string;
  channel: Channel;
  recipient: RecipientFacts;
}

/** Why a channel was not used for this message. */
type ChannelRefusal = 'no-consent' | 'topic-opt-out' | 'no-address' | 'suppressed' | 'no-channel' | 'capped' | 'channel-outage';

/** Serialises every decision about one customer across all workers: caps count and reserve under it. */
export async function lockCustomer(tx: Db, customerId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`vafa.delivery.customer:${customerId}`}, 0))`.execute(tx);
}

async function settle(tx: Db, m: Message, status: 'skipped' | 'suppressed' | 'failed', reason: string, detail: Record<string, unknown> = {}) {
  await tx.updateTable('messages').set({ status, reason, locked_until: null, locked_by: null, updated_at: new Date() }).where('id', '=', m.id).execute();
  await recordEvent(tx, m.id, status, reason, detail);
}

async function wait(tx: Db, m: Message, status: 'queued' | 'scheduled', until: Date, reason: string, detail: Record<string, unknown> = {}) {
  await tx.updateTable('messages').set({ status, reason, not_before: until, locked_until: null, locked_by: null, updated_at: new Date() }).where('id', '=', m.id).execute();
  // A message waiting on the same thing again (an outage's next probe) adds no new history line.
  if (m.reason !== reason || m.status !== status) await recordEvent(tx, m.id, status, reason, { until: until.toISOString(), ...detail });
}

/**
 * Decides one claimed message inside a transaction that holds the customer's lock: consent,
 * quiet hours, caps (with priority), then the first allowed channel that passes consent, address,
 * suppression, its own cap and its breaker. Either reserves the cap slot and marks the message
 * `sending` (returning the plan), or settles/reschedules it (returning undefined).
 *
 * Quiet hours come before caps: a message delayed from 22:00 to 09:00 is counted against the
 * windows of 09:00, when it actually goes.
 */
export async function decide(tx: Db, claimed: Message, ctx: DecideContext): Promise<SendPlan | undefined> {
  const { now } = ctx;
  await lockCustomer(tx, claimed.customer_id);
  const { settings } = ctx;
  // The message (locked), its recipient, the cap state and open breakers in one round trip.
  const facts = await loadDecision(tx, claimed.id, settings.caps, now);
  const m = facts?.message;
  // Another worker took it after our lease ran out: it is theirs now.
  if (!facts || !m || m.locked_by !== ctx.workerId || (m.status !== 'queued' && m.status !== 'scheduled')) return undefined;
  const { recipient } = facts;
  if (!recipient) return void (await settle(tx, m, 'skipped', 'customer-gone'));
  const marketing = m.category === 'marketing';

  if (marketing && settings.quietHours.enabled) {
    const zone = recipient.timezone && timeZoneSchema.safeParse(recipient.timezone).success ? recipient.timezone : settings.timezone;
    const end = quietHoursEnd(now, zone, settings.quietHours);
    if (end) return void (await wait(tx, m, 'scheduled', end, 'quiet-hours', { timezone: zone }));
  }

  const { used, higher } = marketing && settings.caps.length ? facts : { used: [], higher: 0 };
  if (marketing) {
    const left = Math.min(...settings.caps.map((c) => slotsLeft(c, 'all', used, now)));
    if (left <= 0) return void (await settle(tx, m, 'skipped', 'capped'));
    // The last slots go to higher-priority messages that are due too: this one waits its turn and
    // is capped afterwards if they took the slots, or sent if they went elsewhere.
    if (higher > 0 && higher >= left) return void (await wait(tx, m, m.status, new Date(now.getTime() + ctx.yieldMs), 'priority-wait'));
  }

  const candidates = m.channels.length
    ? (m.channels as ChannelKind[])
    : rankChannels(settings.channelOrder, await channelScores(tx, m.customer_id, now));
  const refusals: Partial<Record<ChannelKind, ChannelRefusal>> = {};
  let outageUntil: Date | undefined;
  for (const kind of candidates) {
    if (!consentAllows(kind, m.category, settings, recipient)) {
      refusals[kind] = 'no-consent';
      continue;
    }
    if (!topicAllows(kind, m.category, recipient)) {
      refusals[kind] = 'topic-opt-out';
      continue;
    }
    const address = addressOf(kind, recipient);
    if (!address) {
      refusals[kind] = 'no-address';
      continue;
    }
    if (recipient.suppressed.has(`${kind} ${address}`)) {
      refusals[kind] = 'suppressed';
      continue;
    }
    if (marketing && Math.min(...settings.caps.map((c) => (c.channel === kind ? slotsLeft(c, kind, used, now) : Number.POSITIVE_INFINITY))) <= 0) {
      refusals[kind] = 'capped';
      continue;
    }
    const opened = await ctx.channels.open(m.workspace_id, kind);
    if (!opened) {
      refusals[kind] = 'no-channel';
      continue;
    }
    if (facts.openBreakers.has(opened.configId)) {
      const probeAt = facts.openBreakers.get(opened.configId) ?? now;
      const probe = probeAt.getTime() <= now.getTime() && (await claimProbe(tx, opened.configId, now, ctx.breakerBaseMs));
      if (!probe) {
        refusals[kind] = 'channel-outage';
        const until = probeAt.getTime() > now.getTime() ? probeAt : new Date(now.getTime() + ctx.breakerBaseMs);
        if (!outageUntil || until < outageUntil) outageUntil = until;
        continue;
      }
    }
    // The reservation and its history line in one statement (one round trip under the lock).
    const detail = { channel: kind, provider: opened.channel.provider, attempt: m.attempts + 1, ...(Object.keys(refusals).length ? { passedOver: refusals } : {}) };
    await sql`
      with reserved as (
        update messages set status = 'sending', reason = null, error = null, channel = ${kind}, address = ${address},
                            config_id = ${opened.configId}, provider = ${opened.channel.provider}, slot_at = ${marketing ? now : null},
                            attempts = attempts + 1, locked_until = ${new Date(now.getTime() + ctx.leaseMs)}, updated_at = clock_timestamp()
         where id = ${m.id}
        returning id)
      insert into message_events (message_id, status, detail) select id, 'sending', ${JSON.stringify(detail)}::jsonb from reserved`.execute(tx);
    return { message: { ...m, attempts: m.attempts + 1 }, kind, address, configId: opened.configId, channel: opened.channel, recipient };
  }

  if (outageUntil) return void (await wait(tx, m, 'queued', outageUntil, 'channel-outage', { channels: refusals }));
  const first = candidates[0];
  const reason = first ? (refusals[first] ?? 'no-channel') : 'no-channel';
  await settle(tx, m, reason === 'suppressed' ? 'suppressed' : 'skipped', reason, { channels: refusals });
  return undefined;
}

import { sql, type Selectable } from 'kysely';
import type { Db } from '../../database.ts';
import type { Channel, ChannelDirectory, ChannelKind } from '../channels/channel.ts';
import { addressOf, channelScores, consentAllows, slotsLeft, topicAllows, type RecipientFacts } from './checks.ts';
import { type DecisionFacts, loadDecisions } from './facts.ts';
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
  /** When the message's lease runs out (the worker renews it before a late send). */
  leaseUntil: Date;
}

/** Why a channel was not used for this message. */
type ChannelRefusal = 'no-consent' | 'topic-opt-out' | 'no-address' | 'suppressed' | 'no-channel' | 'capped' | 'channel-outage';

/**
 * Serialises every decision about these customers across all workers: caps count and reserve
 * under the locks. Taken in one ascending order of lock keys, so two batches that share customers
 * queue behind each other instead of deadlocking.
 */
export async function lockCustomers(tx: Db, customerIds: readonly string[]): Promise<void> {
  await sql`
    select count(pg_advisory_xact_lock(k))
      from (select distinct hashtextextended('vafa.delivery.customer:' || c, 0) as k from unnest(${[...customerIds]}::text[]) c order by k) keys`.execute(tx);
}

/** One message's new state and its history line, written with the rest of the batch in one statement. */
interface Write {
  id: string;
  status: 'queued' | 'scheduled' | 'sending' | 'skipped' | 'suppressed' | 'failed';
  reason: string | null;
  not_before: string | null;
  reserve: boolean;
  channel: string | null;
  address: string | null;
  config_id: string | null;
  provider: string | null;
  slot_at: string | null;
  locked_until: string | null;
  /** The history line (null: none, e.g. a message waiting on the same thing again). */
  h_status: string | null;
  h_reason: string | null;
  h_detail: Record<string, unknown>;
}

const keep = { not_before: null, reserve: false, channel: null, address: null, config_id: null, provider: null, slot_at: null, locked_until: null };

function settle(m: Message, status: 'skipped' | 'suppressed' | 'failed', reason: string, detail: Record<string, unknown> = {}): Write {
  return { ...keep, id: m.id, status, reason, h_status: status, h_reason: reason, h_detail: detail };
}

function wait(m: Message, status: 'queued' | 'scheduled', until: Date, reason: string, detail: Record<string, unknown> = {}): Write {
  // A message waiting on the same thing again (an outage's next probe) adds no new history line.
  const repeat = m.reason === reason && m.status === status;
  return { ...keep, id: m.id, status, reason, not_before: until.toISOString(), h_status: repeat ? null : status, h_reason: reason, h_detail: { until: until.toISOString(), ...detail } };
}

/** Every write of a batch and their history lines: one round trip under the locks. */
async function applyWrites(tx: Db, workerId: string, writes: readonly Write[]): Promise<void> {
  if (writes.length === 0) return;
  await sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(writes)}::jsonb) as x(
        id uuid, status text, reason text, not_before timestamptz, reserve boolean, channel text, address text, config_id uuid,
        provider text, slot_at timestamptz, locked_until timestamptz, h_status text, h_reason text, h_detail jsonb)),
    changed as (
      update messages m
         set status = i.status, reason = i.reason, not_before = coalesce(i.not_before, m.not_before),
             error = case when i.reserve then null else m.error end,
             channel = case when i.reserve then i.channel else m.channel end,
             address = case when i.reserve then i.address else m.address end,
             config_id = case when i.reserve then i.config_id else m.config_id end,
             provider = case when i.reserve then i.provider else m.provider end,
             slot_at = case when i.reserve then i.slot_at else m.slot_at end,
             attempts = m.attempts + case when i.reserve then 1 else 0 end,
             locked_until = i.locked_until,
             locked_by = case when i.reserve then ${workerId} end,
             updated_at = clock_timestamp()
        from input i where m.id = i.id
      returning m.id)
    insert into message_events (message_id, status, reason, detail)
    select i.id, i.h_status, i.h_reason, i.h_detail from input i where i.h_status is not null`.execute(tx);
}

/**
 * Decides a batch of messages of one workspace, at most one per customer, claimed (row-locked) in
 * the caller's transaction: the customers' locks, then every fact in one read, then per message consent,
 * quiet hours, caps (with priority), and the first allowed channel that passes consent, address,
 * suppression, its own cap and its breaker; then every outcome in one write. Returns the plans of
 * the messages now `sending` (their cap slots reserved); the others are settled or rescheduled.
 *
 * Quiet hours come before caps: a message delayed from 22:00 to 09:00 is counted against the
 * windows of 09:00, when it actually goes.
 */
/** What a claim reads of a message: enough to group it; the decision reads the rest under the locks. */
export type ClaimedMessage = Pick<Message, 'id' | 'workspace_id' | 'customer_id'>;

export async function decideBatch(tx: Db, claimed: readonly ClaimedMessage[], ctx: DecideContext): Promise<SendPlan[]> {
  if (claimed.length === 0) return [];
  await lockCustomers(tx, claimed.map((m) => m.customer_id));
  const facts = await loadDecisions(
    tx,
    (claimed[0] as ClaimedMessage).workspace_id,
    claimed.map((m) => m.id),
    ctx.settings.caps,
    ctx.now,
  );
  const auto = [...facts.values()].filter((f) => f.message.channels.length === 0).map((f) => f.message.customer_id);
  const scores = await channelScores(tx, auto, ctx.now);
  const writes: Write[] = [];
  const plans: SendPlan[] = [];
  for (const c of claimed) {
    const f = facts.get(c.id);
    // Claimed under a row lock in this transaction, so still waiting unless it is gone.
    if (!f || (f.message.status !== 'queued' && f.message.status !== 'scheduled')) continue;
    const decision = await decideOne(tx, f, scores.get(f.message.customer_id), ctx);
    writes.push(decision.write);
    if (decision.plan) plans.push(decision.plan);
  }
  await applyWrites(tx, ctx.workerId, writes);
  return plans;
}

async function decideOne(tx: Db, facts: DecisionFacts, scores: Map<string, number> | undefined, ctx: DecideContext): Promise<{ write: Write; plan?: SendPlan }> {
  const { now, settings } = ctx;
  const m = facts.message;
  const { recipient } = facts;
  if (!recipient) return { write: settle(m, 'skipped', 'customer-gone') };
  const marketing = m.category === 'marketing';

  if (marketing && settings.quietHours.enabled) {
    const zone = recipient.timezone && timeZoneSchema.safeParse(recipient.timezone).success ? recipient.timezone : settings.timezone;
    const end = quietHoursEnd(now, zone, settings.quietHours);
    if (end) return { write: wait(m, 'scheduled', end, 'quiet-hours', { timezone: zone }) };
  }

  const { used, higher } = marketing && settings.caps.length ? facts : { used: [], higher: 0 };
  if (marketing) {
    const left = Math.min(...settings.caps.map((c) => slotsLeft(c, 'all', used, now)));
    if (left <= 0) return { write: settle(m, 'skipped', 'capped') };
    // The last slots go to higher-priority messages that are due too: this one waits its turn and
    // is capped afterwards if they took the slots, or sent if they went elsewhere.
    if (higher > 0 && higher >= left) return { write: wait(m, m.status as 'queued' | 'scheduled', new Date(now.getTime() + ctx.yieldMs), 'priority-wait') };
  }

  const candidates = m.channels.length ? (m.channels as ChannelKind[]) : rankChannels(settings.channelOrder, scores ?? new Map());
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
      // This message is the probe. The batch's other messages read the breaker before the claim,
      // so they try to claim it too, lose (probe_at moved on) and wait for the outage to end.
    }
    const leaseUntil = new Date(now.getTime() + ctx.leaseMs);
    const detail = { channel: kind, provider: opened.channel.provider, attempt: m.attempts + 1, ...(Object.keys(refusals).length ? { passedOver: refusals } : {}) };
    return {
      write: {
        ...keep,
        id: m.id,
        status: 'sending',
        reason: null,
        reserve: true,
        channel: kind,
        address,
        config_id: opened.configId,
        provider: opened.channel.provider,
        slot_at: marketing ? now.toISOString() : null,
        locked_until: leaseUntil.toISOString(),
        h_status: 'sending',
        h_reason: null,
        h_detail: detail,
      },
      plan: { message: { ...m, attempts: m.attempts + 1 }, kind, address, configId: opened.configId, channel: opened.channel, recipient, leaseUntil },
    };
  }

  if (outageUntil) return { write: wait(m, 'queued', outageUntil, 'channel-outage', { channels: refusals }) };
  const first = candidates[0];
  const reason = first ? (refusals[first] ?? 'no-channel') : 'no-channel';
  return { write: settle(m, reason === 'suppressed' ? 'suppressed' : 'skipped', reason, { channels: refusals }) };
}

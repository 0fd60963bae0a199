import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { ChannelKind } from '../channels/channel.ts';
import { consentChannelOf, outcomeWeights, preferenceHalfLifeDays } from './policy.ts';
import type { Cap, MessagingSettings } from './settings.ts';
import type { MessageCategory } from './tables.ts';

/** What the pipeline needs to know about one recipient, read inside the per-customer lock. */
export interface RecipientFacts {
  id: string;
  name: string | undefined;
  language: string | null;
  timezone: string | null;
  emails: string[];
  phones: string[];
  consents: Map<string, 'granted' | 'revoked'>;
  addresses: Map<string, { address: string; status: 'active' | 'invalid' }>;
  /** `${kind} ${address}` of every suppressed address. */
  suppressed: Set<string>;
}

/** The recipient, or undefined when the customer is gone (erased, merged away, deleted). */
export async function loadRecipient(db: Db, workspaceId: string, customerId: string): Promise<RecipientFacts | undefined> {
  // One round trip: the profile with its consents, addresses and suppressions.
  const r = await sql<{
    id: string;
    first_name: string | null;
    last_name: string | null;
    language: string | null;
    timezone: string | null;
    emails: string[];
    phones: string[];
    live: boolean;
    consents: [string, 'granted' | 'revoked'][];
    addresses: [string, string, 'active' | 'invalid'][];
    suppressed: string[];
  }>`
    select c.id, c.first_name, c.last_name, c.language, c.timezone, c.emails, c.phones,
           (c.merged_into is null and c.erased_at is null) as live,
           coalesce((select jsonb_agg(jsonb_build_array(k.channel, k.status)) from customer_consents k where k.customer_id = c.id), '[]') as consents,
           coalesce((select jsonb_agg(jsonb_build_array(a.kind, a.address, a.status)) from customer_addresses a where a.customer_id = c.id), '[]') as addresses,
           coalesce((select jsonb_agg(s.kind || ' ' || s.address) from suppressions s where s.customer_id = c.id), '[]') as suppressed
      from customers c where c.workspace_id = ${workspaceId} and c.id = ${customerId}`.execute(db);
  const c = r.rows[0];
  if (!c?.live) return undefined;
  const name = [c.first_name, c.last_name].filter(Boolean).join(' ');
  return {
    id: c.id,
    name: name || undefined,
    language: c.language,
    timezone: c.timezone,
    emails: c.emails,
    phones: c.phones,
    consents: new Map(c.consents),
    addresses: new Map(c.addresses.map(([kind, address, status]) => [kind, { address, status }])),
    suppressed: new Set(c.suppressed),
  };
}

/**
 * Consent on every send. Opt-in: marketing needs a `granted` consent; opt-out: marketing unless
 * `revoked`. Transactional messages (receipts, OTPs) need no marketing consent.
 */
export function consentAllows(kind: ChannelKind, category: MessageCategory, settings: MessagingSettings, facts: RecipientFacts): boolean {
  if (category === 'transactional') return true;
  const channel = consentChannelOf(kind);
  if (channel === null) return true;
  const status = facts.consents.get(channel);
  return settings.consentModes[kind] === 'opt-in' ? status === 'granted' : status !== 'revoked';
}

/** email → emails[0]; sms → phones[0]; whatsapp → its own address, else phones[0]; others → the addresses table. */
export function addressOf(kind: ChannelKind, facts: RecipientFacts): string | undefined {
  const stored = facts.addresses.get(kind);
  const active = stored?.status === 'active' ? stored.address : undefined;
  if (kind === 'email') return facts.emails[0];
  if (kind === 'sms') return facts.phones[0];
  if (kind === 'whatsapp') return stored ? active : facts.phones[0];
  if (kind === 'webhook') return facts.id;
  return active;
}

/**
 * The customer's cap state in one round trip: the marketing slots used in the longest cap window
 * (channel, when), and how many marketing messages of theirs that are due now, wait to be decided
 * and outrank `m` — those get the last slots first.
 */
export async function capState(db: Db, m: { id: string; customer_id: string; priority: number }, caps: readonly Cap[], now: Date) {
  const longest = caps.length ? Math.max(...caps.map((c) => c.days)) : 0;
  const since = new Date(now.getTime() - longest * 86_400_000);
  const r = await sql<{ channel: string | null; at: Date | null; higher: number }>`
    select channel, slot_at as at, null::int as higher from messages where customer_id = ${m.customer_id} and slot_at > ${since}
    union all
    select null, null, count(*)::int from messages
     where customer_id = ${m.customer_id} and category = 'marketing' and status in ('queued', 'scheduled')
       and not_before <= ${now} and priority > ${m.priority} and id <> ${m.id}`.execute(db);
  const used = r.rows.flatMap((row) => (row.at ? [{ channel: row.channel, at: row.at }] : []));
  const higher = r.rows.find((row) => row.higher !== null)?.higher ?? 0;
  return { used, higher };
}

/** Slots left under a cap (Infinity when the cap does not apply to this channel). */
export function slotsLeft(cap: Cap, channel: ChannelKind | 'all', used: readonly { channel: string | null; at: Date }[], now: Date): number {
  if (cap.channel !== 'all' && cap.channel !== channel) return Number.POSITIVE_INFINITY;
  const since = now.getTime() - cap.days * 86_400_000;
  const count = used.filter((u) => u.at.getTime() > since && (cap.channel === 'all' || u.channel === cap.channel)).length;
  return cap.limit - count;
}

/**
 * The customer's learned channel scores: each past outcome weighted (read 2, delivered 1, reply 3,
 * failed −1, suppressed −2) and halved every 30 days, over the last 180 days.
 */
export async function channelScores(db: Db, customerId: string, now: Date): Promise<Map<string, number>> {
  const r = await sql<{ channel: string; score: number }>`
    with outcomes as (
      select m.channel, e.status, e.occurred_at
        from messages m join message_events e on e.message_id = m.id
       where m.customer_id = ${customerId} and m.channel is not null
         and e.status in ('delivered', 'read', 'failed', 'suppressed')
         and e.occurred_at > ${now}::timestamptz - interval '180 days'
      union all
      select i.kind, 'replied', i.received_at from inbound_messages i
       where i.customer_id = ${customerId} and not i.stop and i.received_at > ${now}::timestamptz - interval '180 days'
    )
    select channel, sum(
             case status when 'delivered' then ${outcomeWeights.delivered}::float8 when 'read' then ${outcomeWeights.read}::float8
                         when 'replied' then ${outcomeWeights.replied}::float8 when 'failed' then ${outcomeWeights.failed}::float8
                         else ${outcomeWeights.suppressed}::float8 end
             * power(0.5, greatest(0, extract(epoch from (${now}::timestamptz - occurred_at))) / 86400.0 / ${preferenceHalfLifeDays}::float8)
           )::float8 as score
      from outcomes group by channel`.execute(db);
  return new Map(r.rows.map((row) => [row.channel, Number(row.score)]));
}

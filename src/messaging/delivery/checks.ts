import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { ChannelKind } from '../channels/channel.ts';
import { ALL_CHANNELS } from '../preferences/tables.ts';
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
  /** The message template's topic (null: no template, or a template without a topic). */
  topic: string | null;
  /** Channels (a kind, or `*` for all) on which the customer opted out of `topic`. */
  topicOptOuts: Set<string>;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The columns of `recipientColumns`, prefixed so that they can sit beside a message row. */
export interface RecipientRow {
  r_id: string | null;
  r_first_name: string | null;
  r_last_name: string | null;
  r_language: string | null;
  r_timezone: string | null;
  r_emails: string[] | null;
  r_phones: string[] | null;
  r_live: boolean | null;
  r_consents: [string, 'granted' | 'revoked'][];
  r_addresses: [string, string, 'active' | 'invalid'][];
  r_suppressed: string[];
  r_topic: string | null;
  r_topic_opt_outs: string[];
}

/**
 * The recipient's facts over a customer `c` and its message's topic `tp.topic`: the profile with
 * its consents, addresses, suppressions and opt-outs of that topic (shared by loadRecipient and
 * the decision query of decide.ts, so both read the same facts the same way).
 */
export const recipientColumns = sql`
  c.id as r_id, c.first_name as r_first_name, c.last_name as r_last_name, c.language as r_language, c.timezone as r_timezone,
  c.emails as r_emails, c.phones as r_phones, (c.merged_into is null and c.erased_at is null) as r_live,
  coalesce((select jsonb_agg(jsonb_build_array(k.channel, k.status)) from customer_consents k where k.customer_id = c.id), '[]') as r_consents,
  coalesce((select jsonb_agg(jsonb_build_array(a.kind, a.address, a.status)) from customer_addresses a where a.customer_id = c.id), '[]') as r_addresses,
  coalesce((select jsonb_agg(s.kind || ' ' || s.address) from suppressions s where s.customer_id = c.id), '[]') as r_suppressed,
  tp.topic as r_topic,
  coalesce((select jsonb_agg(o.channel) from topic_opt_outs o where o.customer_id = c.id and o.topic = tp.topic), '[]') as r_topic_opt_outs`;

/** Facts from a `recipientColumns` row; undefined when the customer is gone. */
export function toRecipientFacts(c: RecipientRow): RecipientFacts | undefined {
  if (!c.r_live || !c.r_id) return undefined;
  const name = [c.r_first_name, c.r_last_name].filter(Boolean).join(' ');
  return {
    id: c.r_id,
    name: name || undefined,
    language: c.r_language,
    timezone: c.r_timezone,
    emails: c.r_emails ?? [],
    phones: c.r_phones ?? [],
    consents: new Map(c.r_consents),
    addresses: new Map(c.r_addresses.map(([kind, address, status]) => [kind, { address, status }])),
    suppressed: new Set(c.r_suppressed),
    topic: c.r_topic,
    topicOptOuts: new Set(c.r_topic_opt_outs),
  };
}

/**
 * The recipient, or undefined when the customer is gone (erased, merged away, deleted). With the
 * message's `templateId`, the template's topic and the customer's opt-outs of that topic come along.
 */
export async function loadRecipient(db: Db, workspaceId: string, customerId: string, templateId?: string | null): Promise<RecipientFacts | undefined> {
  // One round trip. Template ids are uuids; anything else (a test's symbolic id) has no topic.
  const topic = templateId && UUID.test(templateId) ? sql`(select t.topic from message_templates t where t.workspace_id = ${workspaceId} and t.id = ${templateId}::uuid)` : sql`null::text`;
  const r = await sql<RecipientRow>`
    select ${recipientColumns}
      from customers c cross join lateral (select ${topic} as topic) tp
     where c.workspace_id = ${workspaceId} and c.id = ${customerId}`.execute(db);
  const c = r.rows[0];
  return c ? toRecipientFacts(c) : undefined;
}

/** A marketing message with a topic skips channels on which (or on all of which) the customer opted out of it. */
export function topicAllows(kind: ChannelKind, category: MessageCategory, facts: RecipientFacts): boolean {
  if (category === 'transactional' || facts.topic === null) return true;
  return !facts.topicOptOuts.has(kind) && !facts.topicOptOuts.has(ALL_CHANNELS);
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

/** Slots left under a cap (Infinity when the cap does not apply to this channel). */
export function slotsLeft(cap: Cap, channel: ChannelKind | 'all', used: readonly { channel: string | null; at: Date }[], now: Date): number {
  if (cap.channel !== 'all' && cap.channel !== channel) return Number.POSITIVE_INFINITY;
  const since = now.getTime() - cap.days * 86_400_000;
  const count = used.filter((u) => u.at.getTime() > since && (cap.channel === 'all' || u.channel === cap.channel)).length;
  return cap.limit - count;
}

/**
 * The customers' learned channel scores: each past outcome weighted (read 2, delivered 1, reply 3,
 * failed −1, suppressed −2) and halved every 30 days, over the last 180 days. One query for a
 * whole batch; a customer without history maps to an empty map.
 */
export async function channelScores(db: Db, customerIds: readonly string[], now: Date): Promise<Map<string, Map<string, number>>> {
  const scores = new Map<string, Map<string, number>>(customerIds.map((id) => [id, new Map()]));
  if (customerIds.length === 0) return scores;
  const r = await sql<{ customer_id: string; channel: string; score: number }>`
    with outcomes as (
      select m.customer_id, m.channel, e.status, e.occurred_at
        from messages m join message_events e on e.message_id = m.id
       where m.customer_id = any(${customerIds}::uuid[]) and m.channel is not null
         and e.status in ('delivered', 'read', 'failed', 'suppressed')
         and e.occurred_at > ${now}::timestamptz - interval '180 days'
      union all
      select i.customer_id, i.kind, 'replied', i.received_at from inbound_messages i
       where i.customer_id = any(${customerIds}::uuid[]) and not i.stop and i.received_at > ${now}::timestamptz - interval '180 days'
    )
    select customer_id::text, channel, sum(
             case status when 'delivered' then ${outcomeWeights.delivered}::float8 when 'read' then ${outcomeWeights.read}::float8
                         when 'replied' then ${outcomeWeights.replied}::float8 when 'failed' then ${outcomeWeights.failed}::float8
                         else ${outcomeWeights.suppressed}::float8 end
             * power(0.5, greatest(0, extract(epoch from (${now}::timestamptz - occurred_at))) / 86400.0 / ${preferenceHalfLifeDays}::float8)
           )::float8 as score
      from outcomes group by customer_id, channel`.execute(db);
  for (const row of r.rows) scores.get(row.customer_id)?.set(row.channel, Number(row.score));
  return scores;
}

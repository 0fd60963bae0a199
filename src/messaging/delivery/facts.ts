import { sql, type Selectable } from 'kysely';
import type { Db } from '../../database.ts';
import { recipientColumns, type RecipientFacts, type RecipientRow, toRecipientFacts, UUID } from './checks.ts';
import type { Cap } from './settings.ts';
import type { MessageRow } from './tables.ts';

type Message = Selectable<MessageRow>;

/** Everything decide() reads about one message, read after the customer's lock is held. */
export interface DecisionFacts {
  /** The message, row-locked by the claim of this transaction. */
  message: Message;
  /** undefined: the customer is gone (erased, merged away). */
  recipient: RecipientFacts | undefined;
  /** Marketing slots the customer used in the longest cap window (empty for transactional messages). */
  used: { channel: string | null; at: Date }[];
  /** The customer's due, undecided marketing messages that outrank this one. */
  higher: number;
  /** Open breakers of the workspace's channels: config id → when the next probe may go. */
  openBreakers: Map<string, Date | null>;
}

/**
 * The facts of a whole batch of one workspace in one round trip (recipient, cap state, breakers —
 * four reads per message before). Must run in the transaction that claimed the messages (their
 * row locks) after it took the customers' advisory locks: the statement's snapshot then includes
 * every reservation committed before the locks were ours. Keyed by message id; a message gone is
 * absent.
 */
export async function loadDecisions(tx: Db, workspaceId: string, messageIds: readonly string[], caps: readonly Cap[], now: Date): Promise<Map<string, DecisionFacts>> {
  const found = new Map<string, DecisionFacts>();
  if (messageIds.length === 0) return found;
  const longest = caps.length ? Math.max(...caps.map((c) => c.days)) : 0;
  const since = new Date(now.getTime() - longest * 86_400_000);
  const r = await sql<Message & RecipientRow & { cap_used: [string | null, string][]; cap_higher: number; open_breakers: Record<string, string | null> }>`
    select m.*, ${recipientColumns},
           coalesce((select jsonb_agg(jsonb_build_array(u.channel, u.slot_at)) from messages u
                      where m.category = 'marketing' and u.customer_id = m.customer_id and u.slot_at > ${since}), '[]') as cap_used,
           (select count(*)::int from messages h
             where m.category = 'marketing' and h.customer_id = m.customer_id and h.category = 'marketing' and h.status in ('queued', 'scheduled')
               and h.not_before <= ${now} and h.priority > m.priority and h.id <> m.id) as cap_higher,
           coalesce((select jsonb_object_agg(b.config_id, b.probe_at) from channel_breakers b
                      where b.workspace_id = ${workspaceId} and b.opened_at is not null), '{}') as open_breakers
      from messages m
      left join customers c on c.id = m.customer_id and c.workspace_id = m.workspace_id
      left join lateral (select t.topic from message_templates t
                          where t.workspace_id = m.workspace_id and t.id = (case when m.template_id ~* ${UUID.source} then m.template_id::uuid end)) tp on true
     where m.id = any(${messageIds}::uuid[])`.execute(tx);
  for (const row of r.rows) {
    const { cap_used, cap_higher, open_breakers, ...rest } = row;
    const message = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('r_'))) as unknown as Message;
    // The ids come from this workspace's claim, so another workspace's row cannot occur; the check
    // stays, but here rather than in SQL: there, with statistics older than a large enqueue, the
    // planner walked the workspace's whole messages_list index (13 ms of 22 per chunk at 50,000
    // queued) instead of probing the primary key.
    if (message.workspace_id !== workspaceId) continue;
    found.set(message.id, {
      message,
      recipient: toRecipientFacts(row),
      used: cap_used.map(([channel, at]) => ({ channel, at: new Date(at) })),
      higher: cap_higher,
      openBreakers: new Map(Object.entries(open_breakers).map(([id, at]) => [id, at === null ? null : new Date(at)])),
    });
  }
  return found;
}

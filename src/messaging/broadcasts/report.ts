import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { decodeCursor, page } from '../../platform/http/pagination.ts';
import type { MessageStatus } from '../delivery/tables.ts';
import type { BroadcastReport, RecipientView, VariantReport } from './schemas.ts';
import { liftOver } from './stats.ts';
import type { Broadcast } from './store.ts';
import type { RecipientVariant } from './tables.ts';

/** Progress from the outbox (messages of the broadcast by status) and the snapshot. */
export async function progressOf(db: Db, b: Broadcast) {
  const byStatus = await sql<{ status: MessageStatus; reason: string | null; n: number }>`
    select status, reason, count(*)::int as n from messages where broadcast_id = ${b.id}::uuid group by status, reason`.execute(db);
  const outcomes = await sql<{ outcome: string | null; n: number }>`
    select outcome, count(*)::int as n from broadcast_recipients
     where broadcast_id = ${b.id}::uuid and message_id is null group by outcome`.execute(db);
  const statuses: Partial<Record<MessageStatus, number>> = {};
  const reasons: Record<string, number> = {};
  for (const r of byStatus.rows) {
    statuses[r.status] = (statuses[r.status] ?? 0) + r.n;
    if (r.reason && (r.status === 'skipped' || r.status === 'failed' || r.status === 'suppressed')) reasons[r.reason] = (reasons[r.reason] ?? 0) + r.n;
  }
  let pending = 0;
  for (const o of outcomes.rows) {
    if (o.outcome === null) pending += o.n;
    else if (o.outcome !== 'holdout') reasons[o.outcome] = (reasons[o.outcome] ?? 0) + o.n;
  }
  return { audience: b.audience_count, holdout: b.holdout_count, pending, byStatus: statuses, byReason: reasons };
}

/** Per recipient, by customer id (keyset), with the message's status. */
export async function listRecipients(db: Db, b: Broadcast, f: { status?: string | undefined; variant?: RecipientVariant | undefined; limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(f.cursor, 1) as [string] | undefined;
  const status = f.status;
  const rows = await sql<{ customer_id: string; variant: RecipientVariant; message_id: string | null; outcome: string | null; status: string | null; reason: string | null; channel: string | null; sent_at: Date | null }>`
    select r.customer_id, r.variant, r.message_id, r.outcome, m.status, m.reason, m.channel, m.sent_at
      from broadcast_recipients r left join messages m on m.id = r.message_id
     where r.broadcast_id = ${b.id}::uuid
       ${after ? sql`and r.customer_id > ${after[0]}::uuid` : sql``}
       ${f.variant ? sql`and r.variant = ${f.variant}` : sql``}
       ${
         status === 'holdout'
           ? sql`and r.outcome = 'holdout'`
           : status === 'pending'
             ? sql`and r.message_id is null and r.outcome is null`
             : status === 'skipped'
               ? sql`and (m.status = 'skipped' or r.outcome in ('topic-opt-out', 'broadcast-cancelled'))`
               : status
                 ? sql`and m.status = ${status}`
                 : sql``
       }
     order by r.customer_id limit ${f.limit + 1}`.execute(db);
  const result = page(rows.rows, f.limit, (last) => [last.customer_id]);
  const data: RecipientView[] = result.data.map((r) => ({
    customerId: r.customer_id,
    variant: r.variant,
    messageId: r.message_id,
    status: (r.status ?? (r.outcome === 'holdout' ? 'holdout' : r.outcome ? 'skipped' : 'pending')) as RecipientView['status'],
    reason: r.reason ?? (r.outcome && r.outcome !== 'holdout' ? r.outcome : null),
    channel: r.channel,
    sentAt: r.sent_at?.toISOString() ?? null,
  }));
  return { data, nextCursor: result.nextCursor };
}

interface ArmCounts {
  arm: RecipientVariant;
  recipients: number;
  sent: number;
  delivered: number;
  failed: number;
  suppressed: number;
  skipped: number;
  conversions: number;
}

/**
 * Per arm: what happened to its messages and how many of its recipients converted (did the goal
 * event within goal.days of the send's start). Every arm, the holdout included, is measured over
 * the same window, from the broadcast's start, so the comparison is fair.
 */
export async function broadcastReport(db: Db, b: Broadcast): Promise<BroadcastReport> {
  const start = b.started_at;
  const end = start ? new Date(start.getTime() + b.goal_days * 86_400_000) : null;
  const converted = start
    ? sql`exists (select 1 from events e where e.workspace_id = ${b.workspace_id}::uuid and e.customer_id = r.customer_id
                    and e.name = ${b.goal_event} and e.occurred_at >= ${start} and e.occurred_at < ${end})`
    : sql`false`;
  const arms = await sql<ArmCounts>`
    select r.variant as arm, count(*)::int as recipients,
           count(*) filter (where m.status in ('sent', 'delivered', 'read'))::int as sent,
           count(*) filter (where m.status in ('delivered', 'read'))::int as delivered,
           count(*) filter (where m.status = 'failed')::int as failed,
           count(*) filter (where m.status = 'suppressed')::int as suppressed,
           count(*) filter (where m.status = 'skipped' or r.outcome in ('topic-opt-out', 'broadcast-cancelled'))::int as skipped,
           count(*) filter (where ${converted})::int as conversions
      from broadcast_recipients r left join messages m on m.id = r.message_id
     where r.broadcast_id = ${b.id}::uuid
     group by r.variant`.execute(db);
  const reasons = await sql<{ arm: RecipientVariant; reason: string; n: number }>`
    select r.variant as arm, coalesce(m.reason, r.outcome) as reason, count(*)::int as n
      from broadcast_recipients r left join messages m on m.id = r.message_id
     where r.broadcast_id = ${b.id}::uuid
       and (m.status in ('skipped', 'failed', 'suppressed') or r.outcome in ('topic-opt-out', 'broadcast-cancelled'))
     group by 1, 2`.execute(db);
  const counts = new Map(arms.rows.map((a) => [a.arm, a]));
  const empty = (arm: RecipientVariant): ArmCounts => ({ arm, recipients: 0, sent: 0, delivered: 0, failed: 0, suppressed: 0, skipped: 0, conversions: 0 });
  const holdoutCounts = Number(b.holdout_percent) > 0 ? (counts.get('holdout') ?? empty('holdout')) : undefined;
  const toReport = (c: ArmCounts, templateId: string | null): VariantReport => ({
    key: c.arm,
    templateId,
    recipients: c.recipients,
    sent: c.sent,
    delivered: c.delivered,
    failed: c.failed,
    suppressed: c.suppressed,
    skipped: c.skipped,
    byReason: Object.fromEntries(reasons.rows.filter((r) => r.arm === c.arm).map((r) => [r.reason ?? 'unknown', r.n])),
    conversions: c.conversions,
    conversionRate: c.recipients ? c.conversions / c.recipients : 0,
    lift: c.arm !== 'holdout' && holdoutCounts ? liftOver(c.conversions, c.recipients, holdoutCounts.conversions, holdoutCounts.recipients) : null,
  });
  return {
    broadcastId: b.id,
    goal: { event: b.goal_event, days: b.goal_days },
    windowStart: start?.toISOString() ?? null,
    windowEnd: end?.toISOString() ?? null,
    confidenceMethod: 'newcombe-hybrid-score',
    variants: b.variants.map((v) => toReport(counts.get(v.key) ?? empty(v.key), v.templateId)),
    holdout: holdoutCounts ? toReport(holdoutCounts, null) : null,
  };
}

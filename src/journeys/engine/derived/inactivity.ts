import { sql } from 'kysely';
import type { Db } from '../../../database.ts';
import type { Trigger } from '../../model/schema.ts';
import type { ScanInput, ScanResult } from '../triggers.ts';
import { DAY_MS, isoText, keyUnused, momentsSince } from './common.ts';

/**
 * Inactivity trigger: customers whose last activity is N days old. The moment is the last
 * activity + N days; a scan looks at the moments since the last scan (after the activation), so
 * it reads only the activities of one scan interval N days ago — an index range — and checks each
 * customer has nothing later. Key `inactive:<customer>:<last activity time>`: once per spell of
 * silence; a new order (or event) ends the spell, and the silence after it is a new moment
 * (subject to the journey's re-entry rule).
 *
 * - order: the customer's last order (orders.placed_at; only customers who ordered).
 * - event: the customer's last tracked event of any type (occurred_at), found among the events
 *   received N days ago (events_received), the customer's latest through events_customer.
 */
export async function scanInactivity(tx: Db, trigger: Trigger, input: ScanInput): Promise<ScanResult> {
  if (trigger.kind !== 'inactivity') return { candidates: [], cursor: input.now };
  const n = trigger.days * DAY_MS;
  // Activities whose moment (activity + N days) is in (since, now] and came after the activation.
  const since = momentsSince(input);
  const lo = new Date(Math.max(since.getTime(), input.activatedAt.getTime()) - n);
  const hi = new Date(input.now.getTime() - n);
  if (hi <= lo) return { candidates: [], cursor: input.now };
  // An event can arrive late (an app's offline queue): its moment may be up to a day before this
  // window and still counts, if it came after the activation.
  const lateLo = new Date(Math.max(lo.getTime() - DAY_MS, input.activatedAt.getTime() - n));
  const rows =
    trigger.activity === 'order'
      ? await sql<{ customer_id: string; last_at: Date; key: string }>`
          select o.customer_id::text, o.placed_at as last_at, 'inactive:' || o.customer_id::text || ':' || ${isoText(sql`o.placed_at`)} as key
            from (select distinct on (customer_id) customer_id, placed_at from orders
                   where workspace_id = ${input.workspaceId}::uuid and placed_at > ${lo} and placed_at <= ${hi}
                   order by customer_id, placed_at desc) o
           where not exists (select 1 from orders later where later.customer_id = o.customer_id and later.placed_at > o.placed_at)
             and ${keyUnused(input.journeyId, sql`'inactive:' || o.customer_id::text || ':' || ${isoText(sql`o.placed_at`)}`)}`.execute(tx)
      : await sql<{ customer_id: string; last_at: Date; key: string }>`
          select x.customer_id::text, l.occurred_at as last_at, 'inactive:' || x.customer_id::text || ':' || ${isoText(sql`l.occurred_at`)} as key
            from (select distinct customer_id from events
                   where workspace_id = ${input.workspaceId}::uuid and received_at > ${lo} and received_at <= ${hi}) x
            cross join lateral (select e.occurred_at from events e where e.customer_id = x.customer_id order by e.occurred_at desc limit 1) l
           where l.occurred_at > ${lateLo} and l.occurred_at <= ${hi}
             and ${keyUnused(input.journeyId, sql`'inactive:' || x.customer_id::text || ':' || ${isoText(sql`l.occurred_at`)}`)}`.execute(tx);
  const candidates = rows.rows.map((r) => ({
    customerId: r.customer_id,
    key: r.key,
    context: { activity: trigger.activity, days: trigger.days, lastActivityAt: r.last_at.toISOString() },
  }));
  return { candidates, cursor: input.now };
}

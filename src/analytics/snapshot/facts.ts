import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { AnalyticsContext } from '../settings.ts';

/**
 * The first steps of a refresh, all inside its transaction: a temporary table of customer-days
 * (same-day orders of a customer merged, as the CLV models expect) and, from it, the per-customer
 * facts with RFM scores and named segments, and the daily rollup.
 *
 * An order counts unless it is cancelled or wholly refunded; its money is its total minus what was
 * refunded, and only orders in the display currency add money (others still count as orders).
 */
export async function buildCustomerDays(tx: Db, ctx: AnalyticsContext, asOf: Date): Promise<{ orders: number; excludedOrders: number }> {
  await sql`
    create temp table ana_days on commit drop as
    select customer_id, (placed_at at time zone ${ctx.timezone})::date as day,
           count(*)::int as orders,
           coalesce(sum(total_minor - refunded_minor) filter (where currency = ${ctx.currency}), 0)::bigint as revenue,
           (count(*) filter (where currency <> ${ctx.currency}))::int as excluded
      from orders
     where workspace_id = ${ctx.workspaceId} and status not in ('cancelled', 'refunded') and placed_at < ${asOf}
     group by 1, 2`.execute(tx);
  await sql`create index on ana_days (customer_id, day)`.execute(tx);
  await sql`analyze ana_days`.execute(tx);
  const totals = await sql<{ orders: number | null; excluded: number | null }>`
    select sum(orders)::int as orders, sum(excluded)::int as excluded from ana_days`.execute(tx);
  return { orders: totals.rows[0]?.orders ?? 0, excludedOrders: totals.rows[0]?.excluded ?? 0 };
}

/**
 * The standard RFM segment map on recency (r) and frequency (f) scores 1–5; every (r, f) cell
 * has exactly one segment. Kept as SQL `case` arms so the rule text the API shows is the rule run.
 */
export const rfmRules = [
  { segment: 'champions', when: 'r = 5 and f >= 4', rule: 'R 5, F 4–5' },
  { segment: 'loyal', when: 'r between 3 and 4 and f >= 4', rule: 'R 3–4, F 4–5' },
  { segment: 'potential_loyalists', when: 'r >= 4 and f between 2 and 3', rule: 'R 4–5, F 2–3' },
  { segment: 'new', when: 'r = 5 and f = 1', rule: 'R 5, F 1' },
  { segment: 'promising', when: 'r = 4 and f = 1', rule: 'R 4, F 1' },
  { segment: 'need_attention', when: 'r = 3 and f = 3', rule: 'R 3, F 3' },
  { segment: 'about_to_sleep', when: 'r = 3 and f <= 2', rule: 'R 3, F 1–2' },
  { segment: 'at_risk', when: 'r <= 2 and f between 3 and 4', rule: 'R 1–2, F 3–4' },
  { segment: 'cant_lose_them', when: 'r <= 2 and f = 5', rule: 'R 1–2, F 5' },
  { segment: 'lost', when: 'r = 1 and f = 1', rule: 'R 1, F 1' },
  { segment: 'hibernating', when: 'r <= 2 and f <= 2', rule: 'R 1–2, F 1–2 (but not R 1, F 1)' },
] as const;

const segmentCase = sql.raw(`case ${rfmRules.map((r) => `when ${r.when} then '${r.segment}'`).join(' ')} end`);

/**
 * Per-customer facts into the temporary `ana_cust`. Quintiles use ntile over a total order, so
 * ties are broken deterministically and meaningfully: equal recency goes to the more frequent,
 * then the bigger spender; equal frequency to the bigger spender, then the more recent; the
 * customer id settles what is left.
 */
export async function buildCustomerFacts(tx: Db, asOfDay: string): Promise<number> {
  await sql`
    create temp table ana_cust on commit drop as
    with per_customer as (
      select customer_id, min(day) as first_day, max(day) as last_day, sum(orders)::int as orders,
             count(*)::int as purchase_days, sum(revenue)::bigint as revenue
        from ana_days group by customer_id
    ), with_repeat as (
      select p.*, p.revenue - d.revenue as repeat_revenue
        from per_customer p join ana_days d on d.customer_id = p.customer_id and d.day = p.first_day
    ), scored as (
      select w.*,
             ntile(5) over (order by last_day, orders, revenue, customer_id)::smallint as r,
             ntile(5) over (order by orders, revenue, last_day, customer_id)::smallint as f,
             ntile(5) over (order by revenue, orders, last_day, customer_id)::smallint as m
        from with_repeat w
    )
    select s.*, ${segmentCase} as segment,
           purchase_days - 1 as x, last_day - first_day as t_x, ${asOfDay}::date - first_day as t_cal
      from scored s`.execute(tx);
  await sql`create index on ana_cust (x, t_x, t_cal)`.execute(tx);
  await sql`analyze ana_cust`.execute(tx);
  const n = await sql<{ n: number }>`select count(*)::int as n from ana_cust`.execute(tx);
  return n.rows[0]?.n ?? 0;
}

/**
 * Daily rollup: orders, money, purchasers and new customers per day, and the customers active at
 * the end of each day. A customer is active from a purchase day p until p + activeDays − 1; their
 * overlapping windows form spells, each adding 1 on its first day and removing it the day after
 * its last, so a running sum gives the active count of every day in one pass.
 */
export async function buildDaily(tx: Db, ctx: AnalyticsContext, asOfDay: string): Promise<void> {
  const w = ctx.activeDays;
  await sql`delete from analytics_daily where workspace_id = ${ctx.workspaceId}`.execute(tx);
  await sql`
    insert into analytics_daily (workspace_id, day, orders, revenue_minor, purchasers, new_customers, active_customers)
    with marked as (
      select day,
             (lag(day) over w is null or day - lag(day) over w >= ${w}::int)::int as spell_starts,
             (lead(day) over w is null or lead(day) over w - day >= ${w}::int)::int as spell_ends
        from ana_days window w as (partition by customer_id order by day)
    ), deltas as (
      select day, sum(spell_starts) as delta from marked group by day
      union all
      select day + ${w}::int, -sum(spell_ends) from marked where spell_ends = 1 group by day
    ), per_day as (
      select day, sum(orders)::int as orders, sum(revenue)::bigint as revenue, count(*)::int as purchasers from ana_days group by day
    ), firsts as (
      select first_day as day, count(*)::int as n from ana_cust group by first_day
    ), days as (
      select generate_series((select min(day) from ana_days), ${asOfDay}::date, interval '1 day')::date as day
    ), change as (
      select day, sum(delta)::int as delta from deltas group by day
    )
    select ${ctx.workspaceId}::uuid, days.day, coalesce(p.orders, 0), coalesce(p.revenue, 0), coalesce(p.purchasers, 0),
           coalesce(f.n, 0), (sum(coalesce(c.delta, 0)) over (order by days.day))::int
      from days
      left join per_day p on p.day = days.day
      left join firsts f on f.day = days.day
      left join change c on c.day = days.day
     where days.day is not null`.execute(tx);
}

/**
 * Segment and recency × frequency cell counts and revenue, stored with the snapshot: the RFM page
 * then reads one row instead of grouping a million customers per request.
 */
export async function storeRfmSummary(tx: Db, workspaceId: string): Promise<void> {
  const cells = await sql<{ r: number; f: number; segment: string; customers: number; revenue: number }>`
    select r, f, segment, count(*)::int as customers, coalesce(sum(revenue_minor), 0)::bigint as revenue
      from analytics_customers where workspace_id = ${workspaceId} group by 1, 2, 3`.execute(tx);
  await sql`delete from analytics_models where workspace_id = ${workspaceId} and kind = 'rfm'`.execute(tx);
  await tx
    .insertInto('analytics_models')
    .values({ workspace_id: workspaceId, kind: 'rfm', result: JSON.stringify({ cells: cells.rows.map((c) => ({ ...c, revenue: Number(c.revenue) })) }) })
    .execute();
}

import { sql } from 'kysely';
import { dayNumber, isoDay, periodIndex } from '../periods.ts';
import type { KpiQuery } from './registry.ts';

/** What the order KPIs of one period are made of. */
export interface PeriodFacts {
  start: number;
  end: number;
  newCustomers: number;
  orders: number;
  revenue: number;
  purchasers: number;
  returning: number;
  repeaters: number;
  revenueToDate: number;
  customersToDate: number;
}

/** null: the period starts after the snapshot; a running period is counted up to the snapshot's day. */
type Facts = (PeriodFacts | null)[];

const clampEnd = (end: string, asOfDay: string) => (end < asOfDay ? end : asOfDay);

/**
 * From the snapshot: daily rows give S, E, N, orders and revenue by summing; distinct purchasers,
 * returning and repeat ones come from the cohort cells of the same calendar and grain (column sums).
 */
export async function snapshotFacts(q: KpiQuery, asOfDay: string): Promise<Facts> {
  const ws = q.ctx.workspaceId;
  const daily = await q.db
    .selectFrom('analytics_daily')
    .select(['day', 'orders', 'revenue_minor', 'purchasers', 'new_customers', 'active_customers'])
    .where('workspace_id', '=', ws)
    .orderBy('day')
    .execute();
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const firstDay = daily[0]?.day;
  // Distinct purchasers: a day's are exact in the daily rows; calendar periods sum their cohort
  // cells; a custom range (focus, like-for-like comparison) is counted live over its own days.
  const distinct = q.custom ? await distinctForRanges(q, asOfDay) : q.grain === 'day' ? undefined : await purchasersByPeriod(q);

  let cursor = 0;
  let cumRevenue = 0;
  let cumCustomers = 0;
  return q.periods.map((p) => {
    if (p.start > asOfDay) return null;
    const end = clampEnd(p.end, asOfDay);
    const activeAt = (day: string) => byDay.get(day)?.active_customers ?? 0;
    const facts: PeriodFacts = {
      start: firstDay && p.start > firstDay ? activeAt(isoDay(dayNumber(p.start) - 1)) : 0,
      end: activeAt(end),
      newCustomers: 0,
      orders: 0,
      revenue: 0,
      purchasers: 0,
      returning: 0,
      repeaters: 0,
      revenueToDate: 0,
      customersToDate: 0,
    };
    for (; cursor < daily.length && (daily[cursor]?.day ?? '') <= end; cursor++) {
      const d = daily[cursor];
      if (!d) break;
      cumRevenue += d.revenue_minor;
      cumCustomers += d.new_customers;
      if (d.day < p.start) continue;
      facts.newCustomers += d.new_customers;
      facts.orders += d.orders;
      facts.revenue += d.revenue_minor;
      if (!distinct) {
        facts.purchasers += d.purchasers;
        facts.returning += d.purchasers - d.new_customers;
      }
    }
    // Same-day orders are one purchase day, so within a day "repeat" means "returning".
    if (!distinct) facts.repeaters = facts.returning;
    else {
      const key = q.custom ? q.periods.indexOf(p) : periodIndex(dayNumber(p.start), q.grain, q.calendar);
      Object.assign(facts, distinct.get(key) ?? { purchasers: 0, returning: 0, repeaters: 0 });
    }
    facts.revenueToDate = cumRevenue;
    facts.customersToDate = cumCustomers;
    return facts;
  });
}

interface Distinct {
  purchasers: number;
  returning: number;
  repeaters: number;
}

/** Distinct, returning and repeat purchasers of arbitrary day ranges, by the ranges' positions. */
async function distinctForRanges(q: KpiQuery, asOfDay: string): Promise<Map<number, Distinct>> {
  const all = q.periods.map((p, i) => ({ i, s: p.start, e: clampEnd(p.end, asOfDay) })).filter((r) => r.s <= r.e);
  // The refresh counted the ranges the dashboard asks for (like-for-like, focus): no scan then.
  const stored = await q.db.selectFrom('analytics_models').select('result').where('workspace_id', '=', q.ctx.workspaceId).where('kind', '=', 'ranges').executeTakeFirst();
  const known = new Map(((stored?.result.ranges as (Distinct & { start: string; end: string })[] | undefined) ?? []).map((r) => [`${r.start}:${r.end}`, r]));
  const found = new Map<number, Distinct>();
  for (const r of all) {
    const hit = known.get(`${r.s}:${r.e}`);
    if (hit) found.set(r.i, { purchasers: hit.purchasers, returning: hit.returning, repeaters: hit.repeaters });
  }
  const ranges = all.filter((r) => !found.has(r.i));
  if (!ranges.length) return found;
  const tz = q.ctx.timezone;
  const lower = ranges.map((r) => r.s).sort()[0] ?? asOfDay;
  const rows = await sql<Distinct & { idx: number }>`
    with periods as (
      select * from unnest(${ranges.map((r) => r.i)}::int[], ${ranges.map((r) => r.s)}::date[], ${ranges.map((r) => r.e)}::date[]) as t(idx, s, e)
    ), days as (
      select distinct customer_id, (placed_at at time zone ${tz})::date as day
        from orders
       where workspace_id = ${q.ctx.workspaceId} and status not in ('cancelled', 'refunded')
         and placed_at >= (${lower}::date::timestamp at time zone ${tz}) and placed_at < ${q.asOf ?? new Date().toISOString()}::timestamptz
    ), per_customer as (
      select p.idx, p.s, d.customer_id, count(*) as days
        from periods p join days d on d.day between p.s and p.e group by 1, 2, 3
    )
    select pc.idx, count(*)::int as purchasers, (count(*) filter (where ac.first_day < pc.s))::int as returning,
           (count(*) filter (where ac.first_day < pc.s or pc.days >= 2))::int as repeaters
      from per_customer pc join analytics_customers ac on ac.workspace_id = ${q.ctx.workspaceId} and ac.customer_id = pc.customer_id
     group by pc.idx`.execute(q.db);
  for (const { idx, ...d } of rows.rows) found.set(idx, d);
  return found;
}

async function purchasersByPeriod(q: KpiQuery) {
  const cells = await q.db
    .selectFrom('analytics_cohorts')
    .select(['cohort', 'period_offset', 'customers', 'repeat_customers'])
    .where('workspace_id', '=', q.ctx.workspaceId)
    .where('calendar', '=', q.calendar)
    .where('grain', '=', q.grain as 'week' | 'month' | 'quarter' | 'year')
    .execute();
  const out = new Map<number, Distinct>();
  for (const c of cells) {
    const index = periodIndex(dayNumber(c.cohort), q.grain, q.calendar) + c.period_offset;
    const agg = out.get(index) ?? { purchasers: 0, returning: 0, repeaters: 0 };
    agg.purchasers += c.customers;
    if (c.period_offset > 0) {
      agg.returning += c.customers;
      agg.repeaters += c.customers;
    } else agg.repeaters += c.repeat_customers;
    out.set(index, agg);
  }
  return out;
}

/**
 * Live, for a scope (RFM segment, tag, sales channel): the same facts computed by one SQL over the
 * scope's orders. Segment membership is today's; first purchases come from the snapshot.
 */
export async function liveFacts(q: KpiQuery, asOfDay: string): Promise<Facts> {
  const started = q.periods.filter((p) => p.start <= asOfDay);
  if (!started.length) return q.periods.map(() => null);
  const { segment, tag, channel } = q.scope;
  const ws = q.ctx.workspaceId;
  const tz = q.ctx.timezone;
  const w = q.ctx.activeDays;
  // Without a channel, only the days the periods and their active windows reach are scanned; the
  // revenue before them comes from the snapshot's per-customer totals (same orders, same cut-off).
  const bounded = !channel;
  const lower = isoDay(dayNumber(started[0]?.start ?? asOfDay) - w);
  const asOf = q.asOf ?? new Date().toISOString();
  const rows = await sql<PeriodFacts & { idx: number }>`
    with scope as (
      select ac.customer_id, ac.first_day, ac.revenue_minor from analytics_customers ac
       where ac.workspace_id = ${ws}
         ${segment ? sql`and ac.segment = ${segment}` : sql``}
         ${tag ? sql`and exists (select 1 from customers c where c.id = ac.customer_id and ${tag} = any(c.tags))` : sql``}
    ), days as materialized (
      select o.customer_id, (o.placed_at at time zone ${tz})::date as day, count(*)::int as orders,
             coalesce(sum(o.total_minor - o.refunded_minor) filter (where o.currency = ${q.ctx.currency}), 0)::bigint as revenue
        from orders o join scope s on s.customer_id = o.customer_id
       where o.workspace_id = ${ws} and o.status not in ('cancelled', 'refunded')
         and o.placed_at < ${asOf}::timestamptz
         ${bounded ? sql`and o.placed_at >= (${lower}::date::timestamp at time zone ${tz})` : sql``}
         ${channel ? sql`and coalesce(o.properties->>'channel', o.source) = ${channel}` : sql``}
       group by 1, 2
    ), periods as (
      select * from unnest(${started.map((_, i) => i)}::int[], ${started.map((p) => p.start)}::date[],
                           ${started.map((p) => clampEnd(p.end, asOfDay))}::date[]) as t(idx, s, e)
    )
    select p.idx,
      (select count(distinct customer_id) from days d where d.day between p.s - ${w}::int and p.s - 1)::int as start,
      (select count(distinct customer_id) from days d where d.day between p.e - ${w}::int + 1 and p.e)::int as end,
      (select count(*) from scope s where s.first_day between p.s and p.e)::int as "newCustomers",
      (select coalesce(sum(orders), 0) from days d where d.day between p.s and p.e)::int as orders,
      (select coalesce(sum(revenue), 0) from days d where d.day between p.s and p.e)::bigint as revenue,
      (select count(distinct customer_id) from days d where d.day between p.s and p.e)::int as purchasers,
      (select count(distinct d.customer_id) from days d join scope s using (customer_id)
        where d.day between p.s and p.e and s.first_day < p.s)::int as returning,
      (select count(*) from (select d.customer_id from days d join scope s using (customer_id) where d.day between p.s and p.e
        group by d.customer_id having min(s.first_day) < p.s or count(*) >= 2) r)::int as repeaters,
      ${
        bounded
          ? sql`((select coalesce(sum(revenue_minor), 0) from scope) - (select coalesce(sum(revenue), 0) from days d where d.day > p.e))::bigint`
          : sql`(select coalesce(sum(revenue), 0) from days d where d.day <= p.e)::bigint`
      } as "revenueToDate",
      (select count(*) from scope s where s.first_day <= p.e)::int as "customersToDate"
    from periods p order by p.idx`.execute(q.db);
  const byIndex = new Map(rows.rows.map((r) => [r.idx, r]));
  let i = 0;
  return q.periods.map((p) => (p.start <= asOfDay ? (byIndex.get(i++) ?? null) : null));
}

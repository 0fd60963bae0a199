import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { dayNumber, isoDay, periodIndex, periodStartOfIndex } from '../periods.ts';
import type { AnalyticsContext } from '../settings.ts';

export interface StoredRange {
  start: string;
  end: string;
  purchasers: number;
  returning: number;
  repeaters: number;
}

/**
 * Distinct purchasers of the day ranges the dashboard will ask for that no rollup holds: for
 * every calendar and grain, the days of the period before the running one that match its elapsed
 * days (the like-for-like comparison), and the focus range to date. Counted here from the
 * snapshot's customer-days so that the dashboard does not scan orders per request.
 */
export async function storeDistinctRanges(tx: Db, ctx: AnalyticsContext, asOfDay: string): Promise<void> {
  const today = dayNumber(asOfDay);
  const ranges = new Map<string, { start: string; end: string }>();
  for (const calendar of ['gregorian', 'jalali'] as const) {
    for (const grain of ['week', 'month', 'quarter', 'year'] as const) {
      const index = periodIndex(today, grain, calendar);
      const start = periodStartOfIndex(index, grain, calendar);
      const before = periodStartOfIndex(index - 1, grain, calendar);
      const end = Math.min(start - 1, before + (today - start));
      ranges.set(`${before}:${end}`, { start: isoDay(before), end: isoDay(end) });
    }
  }
  if (ctx.focus && ctx.focus.start <= asOfDay) {
    const end = ctx.focus.end < asOfDay ? ctx.focus.end : asOfDay;
    ranges.set(`${ctx.focus.start}:${end}`, { start: ctx.focus.start, end });
  }
  const list = [...ranges.values()];
  const rows = await sql<StoredRange>`
    with ranges as (
      select * from unnest(${list.map((r) => r.start)}::date[], ${list.map((r) => r.end)}::date[]) as t(s, e)
    ), per_customer as (
      select r.s, r.e, d.customer_id, count(*) as days
        from ranges r join ana_days d on d.day between r.s and r.e group by 1, 2, 3
    )
    select r.s::text as start, r.e::text as end, count(pc.customer_id)::int as purchasers,
           (count(*) filter (where c.first_day < r.s))::int as returning,
           (count(*) filter (where c.first_day < r.s or pc.days >= 2))::int as repeaters
      from ranges r
      left join per_customer pc on pc.s = r.s and pc.e = r.e
      left join ana_cust c on c.customer_id = pc.customer_id
     group by r.s, r.e`.execute(tx);
  await sql`delete from analytics_models where workspace_id = ${ctx.workspaceId} and kind = 'ranges'`.execute(tx);
  await tx.insertInto('analytics_models').values({ workspace_id: ctx.workspaceId, kind: 'ranges', result: JSON.stringify({ ranges: rows.rows }) }).execute();
}

import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { dayNumber, isoDay, periodIndex, periodStartOfIndex } from '../periods.ts';
import type { Calendar, Grain } from '../routes/schemas.ts';

export type StoredGrain = Exclude<Grain, 'day'>;

const variants: { calendar: Calendar; grain: StoredGrain; column: string }[] = (['gregorian', 'jalali'] as const).flatMap((calendar) =>
  (['week', 'month', 'quarter', 'year'] as const).map((grain) => ({ calendar, grain, column: `${calendar[0]}_${grain}` })),
);

/**
 * Acquisition cohorts × periods since acquisition for both calendars and every grain from week to
 * year. Besides the cohort heat map, the cells give each period's distinct purchasers (the column
 * sums), returning ones (offsets > 0) and repeat ones (also offset-0 customers who came back within
 * their first period: `repeat_customers`), which are not additive over days. Jalali
 * months have no SQL function, so a small day → period-index table (one row per day in the data's
 * range) is built here and joined; the heavy part (customer-days) stays in PostgreSQL.
 */
export async function buildCohorts(tx: Db, workspaceId: string): Promise<void> {
  await sql`delete from analytics_cohorts where workspace_id = ${workspaceId}`.execute(tx);
  const range = await sql<{ first: string | null; last: string | null }>`
    select min(day)::text as first, max(day)::text as last from ana_days`.execute(tx);
  const { first, last } = range.rows[0] ?? {};
  if (!first || !last) return;
  const days: string[] = [];
  const columns: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.column, []]));
  for (let d = dayNumber(first); d <= dayNumber(last); d++) {
    days.push(isoDay(d));
    for (const v of variants) columns[v.column]?.push(periodIndex(d, v.grain, v.calendar));
  }
  await sql`
    create temp table ana_cal on commit drop as
    select * from unnest(${days}::date[], ${sql.join(variants.map((v) => sql`${columns[v.column]}::int[]`))})
      as t(day, ${sql.join(variants.map((v) => sql.raw(v.column)))})`.execute(tx);
  for (const v of variants) {
    const column = sql.ref(`cal.${v.column}`);
    const rows = await sql<{ cohort: number; period_offset: number; customers: number; revenue: number; repeaters: number }>`
      with per_period as (
        select d.customer_id, ${column} as p, sum(d.revenue) as revenue, count(*) as days
          from ana_days d join ana_cal cal on cal.day = d.day
         group by 1, 2
      ), firsts as (
        select customer_id, min(p) as cohort from per_period group by 1
      )
      select f.cohort, pp.p - f.cohort as period_offset, count(*)::int as customers, sum(pp.revenue)::bigint as revenue,
             (count(*) filter (where pp.days >= 2))::int as repeaters
        from per_period pp join firsts f using (customer_id)
       group by 1, 2`.execute(tx);
    if (!rows.rows.length) continue;
    const cohorts = rows.rows.map((r) => isoDay(periodStartOfIndex(r.cohort, v.grain, v.calendar)));
    await sql`
      insert into analytics_cohorts (workspace_id, calendar, grain, cohort, period_offset, customers, revenue_minor, repeat_customers)
      select ${workspaceId}::uuid, ${v.calendar}, ${v.grain}, c, o, n, r, rc
        from unnest(${cohorts}::date[], ${rows.rows.map((r) => r.period_offset)}::int[], ${rows.rows.map((r) => r.customers)}::int[],
                    ${rows.rows.map((r) => r.revenue)}::bigint[], ${rows.rows.map((r) => r.repeaters)}::int[]) as t(c, o, n, r, rc)`.execute(tx);
  }
}

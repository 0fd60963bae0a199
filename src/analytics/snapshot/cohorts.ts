import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../database.ts';
import { dayNumber, isoDay, periodIndex, periodStartOfIndex } from '../periods.ts';
import type { Calendar, Grain } from '../routes/schemas.ts';

export type StoredGrain = Exclude<Grain, 'day'>;

const calendars = ['gregorian', 'jalali'] as const;
const column = (calendar: Calendar, grain: 'week' | 'month') => `${calendar[0]}_${grain}`;

/**
 * Acquisition cohorts × periods since acquisition for both calendars and every grain from week to
 * year. Besides the cohort heat map, the cells give each period's distinct purchasers (the column
 * sums), returning ones (offsets > 0) and repeat ones (also offset-0 customers who came back within
 * their first period: `repeat_customers`), which are not additive over days.
 *
 * Jalali months have no SQL function, so a small day → period-index table (one row per day in the
 * data's range) is built here and joined. Customer-days are grouped once per calendar into
 * customer-months, and quarters and years are grouped from those (a quarter is three consecutive
 * month indexes), so the big table is read four times, not eight.
 */
export async function buildCohorts(tx: Db, workspaceId: string): Promise<void> {
  await sql`delete from analytics_cohorts where workspace_id = ${workspaceId}`.execute(tx);
  const range = await sql<{ first: string | null; last: string | null }>`
    select min(day)::text as first, max(day)::text as last from ana_days`.execute(tx);
  const { first, last } = range.rows[0] ?? {};
  if (!first || !last) return;
  const days: string[] = [];
  const indexes: Record<string, number[]> = { g_week: [], g_month: [], j_week: [], j_month: [] };
  for (let d = dayNumber(first); d <= dayNumber(last); d++) {
    days.push(isoDay(d));
    for (const calendar of calendars)
      for (const grain of ['week', 'month'] as const) indexes[column(calendar, grain)]?.push(periodIndex(d, grain, calendar));
  }
  await sql`
    create temp table ana_cal on commit drop as
    select * from unnest(${days}::date[], ${indexes.g_week}::int[], ${indexes.g_month}::int[], ${indexes.j_week}::int[], ${indexes.j_month}::int[])
      as t(day, g_week, g_month, j_week, j_month)`.execute(tx);
  await sql`create unique index on ana_cal (day)`.execute(tx);

  for (const calendar of calendars) {
    const week = sql.ref(`cal.${column(calendar, 'week')}`);
    const month = sql.ref(`cal.${column(calendar, 'month')}`);
    await store(tx, workspaceId, calendar, 'week', await cells(tx, sql`select d.customer_id, ${week} as p, d.revenue, 1 as days from ana_days d join ana_cal cal on cal.day = d.day`, week));
    await sql`drop table if exists ana_cm`.execute(tx);
    await sql`
      create temp table ana_cm on commit drop as
      select d.customer_id, ${month} as p, sum(d.revenue) as revenue, count(*)::int as days
        from ana_days d join ana_cal cal on cal.day = d.day group by 1, 2`.execute(tx);
    await store(tx, workspaceId, calendar, 'month', await cells(tx, sql`select customer_id, p, revenue, days from ana_cm`, month, true));
    for (const [grain, months] of [['quarter', 3], ['year', 12]] as const) {
      const per = sql`select customer_id, p / ${months}::int as p, revenue, days from ana_cm`;
      await store(tx, workspaceId, calendar, grain, await cells(tx, per, sql`${month} / ${months}::int`));
    }
  }
}

interface Cell {
  cohort: number;
  period_offset: number;
  customers: number;
  revenue: number;
  repeaters: number;
}

/**
 * Cohort cells from rows (customer, period index, revenue, purchase days) — `grouped` when there is
 * already one row per customer and period; a customer's cohort is the period of their first
 * purchase day (`cohortOf`, an expression over `cal` at that day).
 */
async function cells(tx: Db, rows: RawBuilder<unknown>, cohortOf: RawBuilder<unknown>, grouped = false): Promise<Cell[]> {
  const result = await sql<Cell>`
    with per_period as (
      ${grouped ? rows : sql`select customer_id, p, sum(revenue) as revenue, sum(days) as days from (${rows}) r group by 1, 2`}
    )
    select ${cohortOf} as cohort, pp.p - ${cohortOf} as period_offset, count(*)::int as customers,
           sum(pp.revenue)::bigint as revenue, (count(*) filter (where pp.days >= 2))::int as repeaters
      from per_period pp
      join ana_cust c on c.customer_id = pp.customer_id
      join ana_cal cal on cal.day = c.first_day
     group by 1, 2`.execute(tx);
  return result.rows;
}

async function store(tx: Db, workspaceId: string, calendar: Calendar, grain: StoredGrain, rows: Cell[]) {
  if (!rows.length) return;
  const cohorts = rows.map((r) => isoDay(periodStartOfIndex(r.cohort, grain, calendar)));
  await sql`
    insert into analytics_cohorts (workspace_id, calendar, grain, cohort, period_offset, customers, revenue_minor, repeat_customers)
    select ${workspaceId}::uuid, ${calendar}, ${grain}, c, o, n, r, rc
      from unnest(${cohorts}::date[], ${rows.map((r) => r.period_offset)}::int[], ${rows.map((r) => r.customers)}::int[],
                  ${rows.map((r) => r.revenue)}::bigint[], ${rows.map((r) => r.repeaters)}::int[]) as t(c, o, n, r, rc)`.execute(tx);
}

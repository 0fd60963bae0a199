import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { dayNumber, isoDay, periodIndex, periodStartOfIndex } from '../periods.ts';
import type { Calendar, Grain } from '../routes/schemas.ts';

export type StoredGrain = Exclude<Grain, 'day'>;

const variants = (['gregorian', 'jalali'] as const).flatMap((calendar) =>
  (['week', 'month', 'quarter', 'year'] as const).map((grain) => ({ calendar, grain, column: `${calendar[0]}_${grain}` })),
);

/**
 * Acquisition cohorts × periods since acquisition for both calendars and every grain from week to
 * year. Besides the cohort heat map, the cells give each period's distinct purchasers (the column
 * sums), returning ones (offsets > 0) and repeat ones (also offset-0 customers who came back within
 * their first period: `repeat_customers`), which are not additive over days.
 *
 * One ordered pass over every customer's purchase days computes all eight tables: for each
 * calendar and grain, a day's period, the customer's first period (the cohort), whether the day
 * opens a period for the customer (counts them once there) and whether it is their second day in
 * it (a repeat); `grouping sets` then sum the eight (cohort, offset) tables at once. Jalali months
 * have no SQL function, so a small day → period-index table (one row per day of the data) is
 * built here and joined.
 */
export async function buildCohorts(tx: Db, workspaceId: string): Promise<void> {
  await sql`delete from analytics_cohorts where workspace_id = ${workspaceId}`.execute(tx);
  const range = await sql<{ first: string | null; last: string | null }>`
    select min(day)::text as first, max(day)::text as last from ana_days`.execute(tx);
  const { first, last } = range.rows[0] ?? {};
  if (!first || !last) return;
  const days: string[] = [];
  const indexes: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.column, []]));
  for (let d = dayNumber(first); d <= dayNumber(last); d++) {
    days.push(isoDay(d));
    for (const v of variants) indexes[v.column]?.push(periodIndex(d, v.grain, v.calendar));
  }
  await sql`
    create temp table ana_cal on commit drop as
    select * from unnest(${days}::date[], ${sql.join(variants.map((v) => sql`${indexes[v.column]}::int[]`))})
      as t(day, ${sql.join(variants.map((v) => sql.raw(v.column)))})`.execute(tx);

  const perDay = variants.map(({ column: c }) =>
    sql.raw(`first_value(cal.${c}) over w as ${c}_c, cal.${c} - first_value(cal.${c}) over w as ${c}_o,
             (lag(cal.${c}) over w is distinct from cal.${c}) as ${c}_new,
             (lag(cal.${c}) over w = cal.${c} and lag(cal.${c}, 2) over w is distinct from cal.${c}) as ${c}_rep`),
  );
  const sums = variants.map(({ column: c }) =>
    sql.raw(`grouping(${c}_c, ${c}_o) = 0 as ${c}_is, ${c}_c, ${c}_o,
             (count(*) filter (where ${c}_new))::int as ${c}_n, (count(*) filter (where ${c}_rep))::int as ${c}_r`),
  );
  const sets = variants.map(({ column: c }) => sql.raw(`(${c}_c, ${c}_o)`));
  const rows = await sql<Record<string, number | boolean | null>>`
    with per_day as (
      select d.revenue, ${sql.join(perDay)}
        from ana_days d join ana_cal cal on cal.day = d.day
      window w as (partition by d.customer_id order by d.day)
    )
    select sum(revenue)::bigint as revenue, ${sql.join(sums)}
      from per_day
     group by grouping sets (${sql.join(sets)})`.execute(tx);

  for (const v of variants) {
    const c = v.column;
    const cells = rows.rows.filter((r) => r[`${c}_is`] === true);
    if (!cells.length) continue;
    const num = (r: Record<string, number | boolean | null>, key: string) => Number(r[key] ?? 0);
    await store(tx, workspaceId, v.calendar, v.grain, {
      cohorts: cells.map((r) => isoDay(periodStartOfIndex(num(r, `${c}_c`), v.grain, v.calendar))),
      offsets: cells.map((r) => num(r, `${c}_o`)),
      customers: cells.map((r) => num(r, `${c}_n`)),
      revenue: cells.map((r) => num(r, 'revenue')),
      repeaters: cells.map((r) => num(r, `${c}_r`)),
    });
  }
}

async function store(
  tx: Db,
  workspaceId: string,
  calendar: Calendar,
  grain: StoredGrain,
  cells: { cohorts: string[]; offsets: number[]; customers: number[]; revenue: number[]; repeaters: number[] },
) {
  await sql`
    insert into analytics_cohorts (workspace_id, calendar, grain, cohort, period_offset, customers, revenue_minor, repeat_customers)
    select ${workspaceId}::uuid, ${calendar}, ${grain}, c, o, n, r, rc
      from unnest(${cells.cohorts}::date[], ${cells.offsets}::int[], ${cells.customers}::int[], ${cells.revenue}::bigint[], ${cells.repeaters}::int[])
        as t(c, o, n, r, rc)`.execute(tx);
}

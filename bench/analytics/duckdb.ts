/**
 * The same-run baseline of bench/analytics: hand-written DuckDB queries (`@duckdb/node-api`)
 * doing from scratch what Vafa's refresh does in PostgreSQL — customer-days, per-customer facts
 * with RFM quintiles and segments, and the acquisition cohorts — over the orders exported to
 * Parquet. The SQL follows src/analytics/snapshot/{facts,cohorts}.ts clause for clause (DuckDB
 * speaks the same dialect here); the segment rules are Vafa's own `rfmRules`.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { dayNumber, isoDay, periodIndex } from '../../src/analytics/periods.ts';
import { rfmRules } from '../../src/analytics/snapshot/facts.ts';

const variants = (['gregorian', 'jalali'] as const).flatMap((calendar) =>
  (['week', 'month', 'quarter', 'year'] as const).map((grain) => ({ calendar, grain, column: `${calendar[0]}_${grain}` })),
);
const segmentCase = `case ${rfmRules.map((r) => `when ${r.when} then '${r.segment}'`).join(' ')} end`;

export interface DuckRun {
  /** ms per step */
  days: number;
  facts: number;
  rfmReport: number;
  cohorts8: number;
  cohortMonth: number;
}

export interface DuckResults {
  version: string;
  threads: number;
  runs: DuckRun[];
  monthCells: { cohort: string; offset: number; customers: number; revenue: number }[];
  segments: { segment: string; customers: number; revenue: number }[];
  customers: number;
}

/** CSV (from psql \copy) → Parquet, timed by the caller; not part of the comparison. */
export async function csvToParquet(csv: string, parquet: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  await c.run(`
    copy (select * from read_csv('${csv}', header = false,
                                  columns = {'customer_id': 'UUID', 'placed_at': 'TIMESTAMP', 'net_minor': 'BIGINT', 'status': 'VARCHAR', 'currency': 'VARCHAR'}))
      to '${parquet}' (format parquet)`);
  c.closeSync();
  instance.closeSync();
}

const ms = (t0: number) => Math.round(performance.now() - t0);

export async function runDuck(o: { parquet: string; threads: number; runs: number; asOf: Date; asOfDay: string; currency: string }): Promise<DuckResults> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(o.threads) });
  const c = await instance.connect();
  const version = String((await c.runAndReadAll(`select version() as v`)).getRowObjects()[0]?.v);
  const asOfTs = o.asOf.toISOString().replace('T', ' ').replace('Z', '');
  const runs: DuckRun[] = [];
  let monthCells: DuckResults['monthCells'] = [];
  let segments: DuckResults['segments'] = [];
  let customers = 0;
  for (let run = 0; run < o.runs; run++) {
    let t0 = performance.now();
    // Customer-days: same-day orders of a customer merged (src/analytics/snapshot/facts.ts).
    await c.run(`
      create or replace temp table ana_days as
      select customer_id, placed_at::date as day, count(*)::int as orders,
             coalesce(sum(net_minor) filter (where currency = '${o.currency}'), 0)::bigint as revenue,
             (count(*) filter (where currency <> '${o.currency}'))::int as excluded
        from read_parquet('${o.parquet}')
       where status not in ('cancelled', 'refunded') and placed_at < '${asOfTs}'::timestamp
       group by 1, 2`);
    const days = ms(t0);

    t0 = performance.now();
    await c.run(`
      create or replace temp table ana_cust as
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
             purchase_days - 1 as x, last_day - first_day as t_x, '${o.asOfDay}'::date - first_day as t_cal
        from scored s`);
    const facts = ms(t0);

    // What GET /analytics/rfm shows: segments and the recency × frequency grid.
    t0 = performance.now();
    const seg = (await c.runAndReadAll(`select segment, count(*)::int as customers, sum(revenue)::bigint as revenue from ana_cust group by 1`)).getRowObjects();
    await c.runAndReadAll(`select r, f, count(*)::int as customers, sum(revenue)::bigint as revenue from ana_cust group by 1, 2 order by 1 desc, 2 desc`);
    const rfmReport = ms(t0);
    segments = seg.map((s) => ({ segment: String(s.segment), customers: Number(s.customers), revenue: Number(s.revenue) }));
    customers = segments.reduce((n, s) => n + s.customers, 0);

    // All eight cohort tables (2 calendars × week/month/quarter/year) through the same
    // day → period-index table Vafa builds (Jalali has no SQL function), one query each.
    t0 = performance.now();
    const range = (await c.runAndReadAll(`select min(day)::varchar as first, max(day)::varchar as last from ana_days`)).getRowObjects()[0];
    const rows: string[] = [];
    for (let d = dayNumber(String(range?.first)); d <= dayNumber(String(range?.last)); d++) {
      rows.push(`('${isoDay(d)}'::date, ${variants.map((v) => periodIndex(d, v.grain, v.calendar)).join(', ')})`);
    }
    await c.run(`create or replace temp table ana_cal as select * from (values ${rows.join(', ')}) as t(day, ${variants.map((v) => v.column).join(', ')})`);
    for (const v of variants) {
      await c.runAndReadAll(`
        with per_period as (
          select d.customer_id, cal.${v.column} as p, sum(d.revenue) as revenue, count(*) as days
            from ana_days d join ana_cal cal on cal.day = d.day
           group by 1, 2
        ), firsts as (
          select customer_id, min(p) as cohort from per_period group by 1
        )
        select f.cohort, pp.p - f.cohort as period_offset, count(*)::int as customers, sum(pp.revenue)::bigint as revenue,
               (count(*) filter (where pp.days >= 2))::int as repeaters
          from per_period pp join firsts f using (customer_id)
         group by 1, 2`);
    }
    const cohorts8 = ms(t0);

    // The monthly (Gregorian) cohort table as one would write it by hand in DuckDB.
    t0 = performance.now();
    const month = (
      await c.runAndReadAll(`
        with per_period as (
          select customer_id, date_trunc('month', day) as p, sum(revenue) as revenue, count(*) as days
            from ana_days group by 1, 2
        ), firsts as (
          select customer_id, min(p) as cohort from per_period group by 1
        )
        select f.cohort::varchar as cohort, datediff('month', f.cohort, pp.p)::int as period_offset, count(*)::int as customers,
               sum(pp.revenue)::bigint as revenue, (count(*) filter (where pp.days >= 2))::int as repeaters
          from per_period pp join firsts f using (customer_id)
         group by 1, 2`)
    ).getRowObjects();
    const cohortMonth = ms(t0);
    monthCells = month.map((m) => ({ cohort: String(m.cohort).slice(0, 10), offset: Number(m.period_offset), customers: Number(m.customers), revenue: Number(m.revenue) }));
    runs.push({ days, facts, rfmReport, cohorts8, cohortMonth });
  }
  c.closeSync();
  instance.closeSync();
  return { version, threads: o.threads, runs, monthCells, segments, customers };
}

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

/**
 * The baseline's statements, written once for both engines: DuckDB reads the Parquet file,
 * PostgreSQL (bench/analytics/pg-baseline.ts) an unlogged copy of the same rows. Only the
 * source relation and "create or replace" differ; the month offset avoids DuckDB's datediff.
 */
export function baselineSql(o: { source: string; currency: string; asOf: Date; asOfDay: string; replace: (table: string) => string }) {
  const asOfTs = o.asOf.toISOString().replace('T', ' ').replace('Z', '');
  return {
    // Customer-days: same-day orders of a customer merged (src/analytics/snapshot/facts.ts).
    days: `
      ${o.replace('ana_days')} as
      select customer_id, placed_at::date as day, count(*)::int as orders,
             coalesce(sum(net_minor) filter (where currency = '${o.currency}'), 0)::bigint as revenue,
             (count(*) filter (where currency <> '${o.currency}'))::int as excluded
        from ${o.source}
       where status not in ('cancelled', 'refunded') and placed_at < '${asOfTs}'::timestamp
       group by 1, 2`,
    facts: `
      ${o.replace('ana_cust')} as
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
        from scored s`,
    // What GET /analytics/rfm shows: segments and the recency × frequency grid.
    segments: `select segment, count(*)::int as customers, sum(revenue)::bigint as revenue from ana_cust group by 1`,
    grid: `select r, f, count(*)::int as customers, sum(revenue)::bigint as revenue from ana_cust group by 1, 2 order by 1 desc, 2 desc`,
    range: `select min(day)::varchar as first, max(day)::varchar as last from ana_days`,
    /** The day → period-index table Vafa builds (Jalali has no SQL function). */
    calendar(first: string, last: string) {
      const rows: string[] = [];
      for (let d = dayNumber(first); d <= dayNumber(last); d++) {
        rows.push(`('${isoDay(d)}'::date, ${variants.map((v) => periodIndex(d, v.grain, v.calendar)).join(', ')})`);
      }
      return `${o.replace('ana_cal')} as select * from (values ${rows.join(', ')}) as t(day, ${variants.map((v) => v.column).join(', ')})`;
    },
    /** One of the eight cohort tables (2 calendars × week/month/quarter/year). */
    cohorts: variants.map(
      (v) => `
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
         group by 1, 2`,
    ),
    // The monthly (Gregorian) cohort table as one would write it by hand.
    month: `
        with per_period as (
          select customer_id, date_trunc('month', day) as p, sum(revenue) as revenue, count(*) as days
            from ana_days group by 1, 2
        ), firsts as (
          select customer_id, min(p) as cohort from per_period group by 1
        )
        select f.cohort::date::varchar as cohort,
               ((extract(year from pp.p) - extract(year from f.cohort)) * 12 + extract(month from pp.p) - extract(month from f.cohort))::int as period_offset,
               count(*)::int as customers, sum(pp.revenue)::bigint as revenue, (count(*) filter (where pp.days >= 2))::int as repeaters
          from per_period pp join firsts f using (customer_id)
         group by 1, 2`,
  };
}

/** Runs the baseline's statements in order on one engine; `exec` runs one, `rows` reads one. */
export async function runBaseline(
  q: ReturnType<typeof baselineSql>,
  engine: { exec(statement: string): Promise<void>; rows(statement: string): Promise<Record<string, unknown>[]> },
  runs: number,
): Promise<Omit<DuckResults, 'version' | 'threads'>> {
  const out: DuckRun[] = [];
  let monthCells: DuckResults['monthCells'] = [];
  let segments: DuckResults['segments'] = [];
  for (let run = 0; run < runs; run++) {
    let t0 = performance.now();
    await engine.exec(q.days);
    const days = ms(t0);
    t0 = performance.now();
    await engine.exec(q.facts);
    const facts = ms(t0);
    t0 = performance.now();
    const seg = await engine.rows(q.segments);
    await engine.rows(q.grid);
    const rfmReport = ms(t0);
    segments = seg.map((s) => ({ segment: String(s.segment), customers: Number(s.customers), revenue: Number(s.revenue) }));
    t0 = performance.now();
    const range = (await engine.rows(q.range))[0];
    await engine.exec(q.calendar(String(range?.first), String(range?.last)));
    for (const cohort of q.cohorts) await engine.rows(cohort);
    const cohorts8 = ms(t0);
    t0 = performance.now();
    const month = await engine.rows(q.month);
    const cohortMonth = ms(t0);
    monthCells = month.map((m) => ({ cohort: String(m.cohort).slice(0, 10), offset: Number(m.period_offset), customers: Number(m.customers), revenue: Number(m.revenue) }));
    out.push({ days, facts, rfmReport, cohorts8, cohortMonth });
  }
  return { runs: out, monthCells, segments, customers: segments.reduce((n, s) => n + s.customers, 0) };
}

export async function runDuck(o: { parquet: string; threads: number; runs: number; asOf: Date; asOfDay: string; currency: string }): Promise<DuckResults> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(o.threads) });
  const c = await instance.connect();
  const version = String((await c.runAndReadAll(`select version() as v`)).getRowObjects()[0]?.v);
  const q = baselineSql({ ...o, source: `read_parquet('${o.parquet}')`, replace: (table) => `create or replace temp table ${table}` });
  const results = await runBaseline(q, { exec: async (s) => void (await c.run(s)), rows: async (s) => (await c.runAndReadAll(s)).getRowObjects() }, o.runs);
  c.closeSync();
  instance.closeSync();
  return { version, threads: o.threads, ...results };
}

/**
 * Where the refresh's time goes, and what would make it faster — measured on the data a run of
 * bench/analytics/bench.ts left behind with --keep. Nothing here changes src/: the refresh steps
 * are called as they are (their exported functions) inside a transaction that is rolled back,
 * and alternatives are copies of their SQL.
 *
 *   npx tsx bench/analytics/experiments.ts --data-dir /tmp/vafa-bench-XXXX [--work-mem 64MB,512MB]
 *
 * Prints, per work_mem: the time of customer-days, RFM facts, daily rollup and the 8 cohort tables;
 * then the cohort tables computed in one pass (window + grouping sets) with their totals checked
 * against the stored snapshot; the plans of customer-days and of GET /analytics/rfm's queries.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { fitGammaGamma } from '../../src/analytics/models/gamma-gamma.ts';
import { dayNumber, isoDay, periodIndex, todayIn } from '../../src/analytics/periods.ts';
import { loadAnalyticsContext } from '../../src/analytics/settings.ts';
import { buildCohorts } from '../../src/analytics/snapshot/cohorts.ts';
import { buildCustomerDays, buildCustomerFacts, buildDaily } from '../../src/analytics/snapshot/facts.ts';
import { startVafa } from '../../src/app.ts';
import type { Db } from '../../src/database.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { freePort } from '../../src/testing/processes.ts';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'work-mem': { type: 'string', default: '64MB,512MB' },
    skip: { type: 'string', default: '' },
  },
});
if (!args['data-dir'] || !fs.existsSync(args['data-dir'])) throw new Error('--data-dir: the directory a --keep run of bench/analytics/bench.ts printed');
const skip = new Set(args.skip.split(',').filter(Boolean));
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const variants = (['gregorian', 'jalali'] as const).flatMap((calendar) =>
  (['week', 'month', 'quarter', 'year'] as const).map((grain) => ({ calendar, grain, column: `${calendar[0]}_${grain}` })),
);

class Rollback extends Error {}

/** Runs `work` in a transaction set up as the refresh sets its own, then rolls it back. */
async function inRefreshTx(db: Db, workMem: string, work: (tx: Db) => Promise<void>) {
  try {
    await db.transaction().execute(async (tx) => {
      await sql`set local max_parallel_workers_per_gather = 0`.execute(tx);
      await sql.raw(`set local work_mem = '${workMem}'`).execute(tx);
      await work(tx);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
}

const timed = async (label: string, out: Record<string, number>, work: () => Promise<unknown>) => {
  const t0 = performance.now();
  await work();
  out[label] = Math.round(performance.now() - t0);
  log(`  ${label}: ${out[label]} ms`);
};

/** All eight cohort tables in one pass: a window over each customer's days, then grouping sets. */
function onePassCohorts() {
  const cols = variants.map((v) => v.column);
  const perRow = cols
    .map(
      (c) => `first_value(cal.${c}) over w as ${c}_c, cal.${c} - first_value(cal.${c}) over w as ${c}_o,
              (lag(cal.${c}) over w is distinct from cal.${c}) as ${c}_new,
              (lag(cal.${c}) over w = cal.${c} and lag(cal.${c}, 2) over w is distinct from cal.${c}) as ${c}_rep`,
    )
    .join(',\n');
  const aggs = cols.map((c) => `count(*) filter (where ${c}_new) as ${c}_n, count(*) filter (where ${c}_rep) as ${c}_r`).join(', ');
  return `
    with w as (
      select d.revenue, ${perRow}
        from ana_days d join bench_cal cal on cal.day = d.day
      window w as (partition by d.customer_id order by d.day)
    )
    select ${cols.map((c) => `grouping(${c}_c) = 0 as is_${c}`).join(', ')},
           ${cols.map((c) => `${c}_c, ${c}_o`).join(', ')}, sum(revenue)::bigint as revenue, ${aggs}
      from w
     group by grouping sets (${cols.map((c) => `(${c}_c, ${c}_o)`).join(', ')})`;
}

async function main() {
  const env = {
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    VAFA_ANALYTICS_CHECK_SECONDS: '0',
    VAFA_DATA_DIR: args['data-dir']!,
    VAFA_EMBEDDED_PG_PORT: String(await freePort()),
  };
  const vafa = await startVafa(loadConfig(env), createLogger('warn'));
  try {
    const ws = await vafa.db.selectFrom('workspaces').select('id').where('name', '=', 'Bench (analytics)').executeTakeFirstOrThrow();
    const ctx = await loadAnalyticsContext(vafa.db, ws.id);
    const asOf = new Date();
    const asOfDay = todayIn(ctx.timezone, asOf);
    const results: Record<string, Record<string, number>> = {};

    for (const workMem of args['work-mem'].split(',')) {
      log(`refresh steps with work_mem ${workMem}`);
      const r: Record<string, number> = {};
      results[`work_mem ${workMem}`] = r;
      await inRefreshTx(vafa.db, workMem, async (tx) => {
        await timed('customerDays', r, () => buildCustomerDays(tx, ctx, asOf));
        await timed('customers', r, () => buildCustomerFacts(tx, asOfDay));
        await timed('daily', r, () => buildDaily(tx, ctx, asOfDay));
        await timed('cohorts', r, () => buildCohorts(tx, ctx.workspaceId));
        if (!skip.has('onepass')) {
          let rows: Record<string, unknown>[] = [];
          await timed('cohorts one pass (8 tables)', r, async () => {
            // Its own day → period table with all eight columns (as ana_cal had before 4c4575b).
            const range = (await sql<{ first: string; last: string }>`select min(day)::text as first, max(day)::text as last from ana_days`.execute(tx)).rows[0]!;
            const days: string[] = [];
            const cols: number[][] = variants.map(() => []);
            for (let d = dayNumber(range.first); d <= dayNumber(range.last); d++) {
              days.push(isoDay(d));
              for (const [i, v] of variants.entries()) cols[i]!.push(periodIndex(d, v.grain, v.calendar));
            }
            await sql`
              create temp table bench_cal on commit drop as
              select * from unnest(${days}::date[], ${sql.join(cols.map((c) => sql`${c}::int[]`))})
                as t(day, ${sql.raw(variants.map((v) => v.column).join(', '))})`.execute(tx);
            rows = (await sql.raw<Record<string, unknown>>(onePassCohorts()).execute(tx)).rows;
          });
          // Totals per table against what buildCohorts just wrote (same transaction).
          const stored = await sql<{ calendar: string; grain: string; cells: number; customers: number; revenue: number; repeaters: number }>`
            select calendar, grain, count(*)::int as cells, sum(customers)::bigint as customers, sum(revenue_minor)::bigint as revenue,
                   sum(repeat_customers)::bigint as repeaters
              from analytics_cohorts where workspace_id = ${ctx.workspaceId} group by 1, 2`.execute(tx);
          let mismatches = 0;
          for (const v of variants) {
            const mine = rows.filter((x) => x[`is_${v.column}`] === true);
            const totals = {
              cells: mine.length,
              customers: mine.reduce((n, x) => n + Number(x[`${v.column}_n`]), 0),
              revenue: mine.reduce((n, x) => n + Number(x.revenue), 0),
              repeaters: mine.reduce((n, x) => n + Number(x[`${v.column}_r`]), 0),
            };
            const s = stored.rows.find((x) => x.calendar === v.calendar && x.grain === v.grain);
            const same = s && s.cells === totals.cells && Number(s.customers) === totals.customers && Number(s.revenue) === totals.revenue && Number(s.repeaters) === totals.repeaters;
            if (!same) {
              mismatches++;
              log(`  ${v.column}: one pass ${JSON.stringify(totals)} vs stored ${JSON.stringify(s)}`);
            }
          }
          r['one pass: tables differing from buildCohorts'] = mismatches;
        }
      });
    }

    log('plans');
    const plans: Record<string, string[]> = {};
    await inRefreshTx(vafa.db, '64MB', async (tx) => {
      const explain = async (label: string, text: string) => {
        const rows = (await sql.raw<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`).execute(tx)).rows;
        plans[label] = rows.map((x) => x['QUERY PLAN']);
      };
      await explain(
        'customer-days',
        `select customer_id, (placed_at at time zone 'UTC')::date as day, count(*)::int as orders,
                coalesce(sum(total_minor - refunded_minor) filter (where currency = 'USD'), 0)::bigint as revenue,
                (count(*) filter (where currency <> 'USD'))::int as excluded
           from orders where workspace_id = '${ctx.workspaceId}' and status not in ('cancelled', 'refunded') and placed_at < now() group by 1, 2`,
      );
    });
    for (const [label, text] of [
      ['rfm segments (GET /analytics/rfm)', `select segment, count(*), coalesce(sum(revenue_minor), 0)::bigint from analytics_customers where workspace_id = '${ctx.workspaceId}' group by segment`],
      ['rfm grid (GET /analytics/rfm)', `select r, f, count(*), coalesce(sum(revenue_minor), 0)::bigint from analytics_customers where workspace_id = '${ctx.workspaceId}' group by r, f order by r desc, f desc`],
    ] as const) {
      const rows = (await sql.raw<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`).execute(vafa.db)).rows;
      plans[label] = rows.map((x) => x['QUERY PLAN']);
    }
    // Gamma-Gamma on the repeat buyers, as scores.ts fits it (in Node, on the API's event loop).
    const repeaters = await sql<{ x: number; mbar: number }>`
      select purchase_days - 1 as x, repeat_revenue_minor::float8 / (purchase_days - 1) as mbar
        from analytics_customers where workspace_id = ${ctx.workspaceId} and purchase_days > 1 and repeat_revenue_minor > 0`.execute(vafa.db);
    const gg = { x: Float64Array.from(repeaters.rows, (r) => r.x), mbar: Float64Array.from(repeaters.rows, (r) => r.mbar) };
    fitGammaGamma({ x: gg.x.subarray(0, 20_000), mbar: gg.mbar.subarray(0, 20_000) });
    const g: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      fitGammaGamma(gg);
      g.push(Math.round(performance.now() - t0));
    }
    results['gamma-gamma fit (ms, 3 runs)'] = Object.fromEntries(g.map((ms, i) => [`run ${i + 1}`, ms]));
    results['gamma-gamma fit (ms, 3 runs)']!.repeaters = gg.x.length;
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    for (const [label, lines] of Object.entries(plans)) process.stdout.write(`\n-- ${label}\n${lines.join('\n')}\n`);
  } finally {
    await vafa.close();
  }
}

await main();

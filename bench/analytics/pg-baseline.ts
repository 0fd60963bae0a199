/**
 * How close can PostgreSQL itself come to DuckDB on the cohort and RFM work? Runs the very
 * statements of the DuckDB baseline (bench/analytics/duckdb.ts `baselineSql`) in PostgreSQL over an
 * unlogged copy of the same order rows, next to DuckDB over the same rows in Parquet, in one run,
 * on the data a `--keep` run of bench/analytics/bench.ts left behind. This is the floor for any
 * PostgreSQL implementation of these tables: Vafa's refresh does at least this work.
 *
 *   npx tsx bench/analytics/pg-baseline.ts --data-dir /tmp/vafa-bench-XXXX [--runs 3]
 *
 * PostgreSQL runs with 0 and with 2 parallel workers per query (the machine's 2 cores), DuckDB
 * with 1 and 2 threads; results (the 11 segment counts and the month cohort cells) are checked
 * to be identical across all four.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { todayIn } from '../../src/analytics/periods.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openStorage } from '../../src/platform/db/storage.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { freePort } from '../../src/testing/processes.ts';
import { baselineSql, csvToParquet, runBaseline, runDuck, type DuckResults } from './duckdb.ts';

const { values: args } = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '3' } } });
if (!args['data-dir'] || !fs.existsSync(args['data-dir'])) throw new Error('--data-dir: the directory a --keep run of bench/analytics/bench.ts printed');
const RUNS = Number(args.runs);
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main() {
  const config = loadConfig({ LOG_LEVEL: 'warn', VAFA_DATA_DIR: args['data-dir'], VAFA_EMBEDDED_PG_PORT: String(await freePort()) });
  const storage = await openStorage(config, createLogger('warn'));
  const client = new pg.Client({ connectionString: storage.url });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-pg-baseline-'));
  try {
    await client.connect();
    const ws = (await client.query<{ id: string }>(`select id from workspaces where name = 'Bench (analytics)'`)).rows[0];
    if (!ws) throw new Error('no "Bench (analytics)" workspace in this data directory');
    const asOf = (await client.query<{ as_of: Date }>(`select as_of from analytics_runs where workspace_id = $1`, [ws.id])).rows[0]!.as_of;
    const asOfDay = todayIn('UTC', asOf);
    const flat = `select customer_id, placed_at at time zone 'UTC' as placed_at, total_minor - refunded_minor as net_minor, status, currency from orders where workspace_id = '${ws.id}'`;

    log('copying the order rows into an unlogged table (PostgreSQL input) and to Parquet (DuckDB input)');
    await client.query(`drop table if exists bench_flat_orders`);
    await client.query(`create unlogged table bench_flat_orders as ${flat}`);
    await client.query(`vacuum analyze bench_flat_orders`);
    const csv = path.join(workDir, 'orders.csv');
    const parquet = path.join(workDir, 'orders.parquet');
    fs.chmodSync(workDir, 0o777);
    execFileSync('psql', [storage.url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy (select * from bench_flat_orders) to '${csv}' with (format csv)`]);
    await csvToParquet(csv, parquet);
    fs.rmSync(csv);

    const results: { engine: string; r: Omit<DuckResults, 'version' | 'threads'> }[] = [];
    for (const workers of [2, 0]) {
      log(`PostgreSQL, ${workers} parallel workers per query, ${RUNS} runs`);
      await client.query(`set max_parallel_workers_per_gather = ${workers}`);
      await client.query(`set work_mem = '256MB'`);
      const q = baselineSql({ source: 'bench_flat_orders', currency: 'USD', asOf, asOfDay, replace: (t) => `drop table if exists ${t}; create temp table ${t}` });
      const r = await runBaseline(
        q,
        {
          exec: async (s) => {
            await client.query(s);
            // A fresh temp table has no statistics; DuckDB needs none, PostgreSQL plans better with them.
            const table = /create temp table (\w+)/.exec(s)?.[1];
            if (table) await client.query(`analyze ${table}`);
          },
          rows: async (s) => (await client.query(s)).rows,
        },
        RUNS,
      );
      results.push({ engine: `PostgreSQL ${workers} workers`, r });
    }
    const version = (await client.query<{ v: string }>(`show server_version`)).rows[0]!.v;
    for (const threads of [2, 1]) {
      log(`DuckDB, ${threads} thread(s), ${RUNS} runs`);
      results.push({ engine: `DuckDB ${threads} threads`, r: await runDuck({ parquet, threads, runs: RUNS, asOf, asOfDay, currency: 'USD' }) });
    }

    const key = (r: Omit<DuckResults, 'version' | 'threads'>) =>
      JSON.stringify([[...r.segments].sort((a, b) => a.segment.localeCompare(b.segment)), [...r.monthCells].sort((a, b) => a.cohort.localeCompare(b.cohort) || a.offset - b.offset)]);
    const same = results.every((x) => key(x.r) === key(results[0]!.r));
    const table = results.map(({ engine, r }) => {
      const m = (f: (x: (typeof r.runs)[number]) => number) => median(r.runs.map(f));
      return { engine, days: m((x) => x.days), facts: m((x) => x.facts), cohorts8: m((x) => x.cohorts8), rfmFromScratch: m((x) => x.days + x.facts), cohortsFromScratch: m((x) => x.days + x.cohorts8) };
    });
    const duck2 = table.find((t) => t.engine === 'DuckDB 2 threads')!;
    const out = {
      date: new Date().toISOString(),
      postgres: version,
      orders: Number((await client.query(`select count(*) from bench_flat_orders`)).rows[0].count),
      resultsIdentical: same,
      medianMs: table,
      ratioToDuckDb2Threads: table.map((t) => ({ engine: t.engine, rfm: Math.round((t.rfmFromScratch / duck2.rfmFromScratch) * 10) / 10, cohorts: Math.round((t.cohortsFromScratch / duck2.cohortsFromScratch) * 10) / 10 })),
    };
    console.log(JSON.stringify(out, null, 2));
    await client.query(`drop table if exists bench_flat_orders`);
  } finally {
    await client.end().catch(() => {});
    fs.rmSync(workDir, { recursive: true, force: true });
    await storage.stop();
  }
}

await main();

/**
 * Benchmark: analytics over a generated shop of 1,000,000 customers and 10,000,000 orders
 * (bench/analytics/data.ts, generated inside PostgreSQL; reported, not a Vafa figure):
 *   refresh   — refreshWorkspace, the background full recompute (customer-days, RFM facts,
 *               daily rollup, 8 cohort tables, BG/NBD + Gamma-Gamma + scores + holdout check,
 *               product pairs): wall time, per-step timings, the slowest SQL statements (a Kysely
 *               log on the refresh's own pool) and the longest event-loop stall it caused.
 *   dashboard — the requests the console's overview makes at once (KPIs 12 months, cohorts,
 *               RFM, status, settings, the at-risk list, the last order), all in parallel:
 *               the first time after the refresh and the median of --dashboard-runs more;
 *               GET /analytics/cohorts and /analytics/rfm alone.
 *   latency   — --clients clients (each --think-ms between requests) on GET /analytics/kpis and
 *               GET /customers?limit=20 (--load picks others): p50/p99 idle for --idle-seconds, then while a second
 *               full recompute runs (asked for through POST /analytics/refresh, run by Vafa's own
 *               worker in this process, as in production).
 *   model     — fitTransactionModel (compress + BG/NBD fit, the app's path) on the snapshot's
 *               (x, t_x, T) of every customer.
 *   duckdb    — same-run baseline: orders exported (psql \copy → CSV → Parquet, timed apart),
 *               then hand-written DuckDB queries computing customer-days, RFM and the cohort
 *               tables from scratch (bench/analytics/duckdb.ts), with 2 threads and with 1;
 *               results checked against Vafa's snapshot.
 *   memory    — peak RSS (and PSS) of this Node process plus every PostgreSQL process, per phase.
 *
 *   npx tsx bench/analytics/bench.ts                       # 1,000,000 customers / 10,000,000 orders
 *   npx tsx bench/analytics/bench.ts --scale 0.1           # 100,000 / 1,000,000 (quick)
 *   npx tsx bench/analytics/bench.ts --customers 200000 --orders 2000000 [--database-url postgres://…/postgres] [--keep]
 *   npx tsx bench/analytics/bench.ts --data-dir /tmp/vafa-bench-XXXX   # rerun on the data a --keep run left
 *
 * Vafa runs in this process (startVafa, VAFA_ANALYTICS_CHECK_SECONDS=0) on an embedded PostgreSQL
 * in a temporary data directory unless --database-url is given (then a database of its own is
 * created there and dropped). Writes bench/.out/analytics-<date>.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { prepareStorage, runThenCleanUp } from '../lib/lifecycle.ts';
import { compressRf } from '../../src/analytics/models/data.ts';
import { fitBgNbd } from '../../src/analytics/models/bgnbd-fit.ts';
import { discountedExpectedTransactions } from '../../src/analytics/models/clv.ts';
import { fitTransactionModel } from '../../src/analytics/models/fit.ts';
import { conditionalExpectedTransactions, probabilityAlive } from '../../src/analytics/models/transaction-model.ts';
import { todayIn } from '../../src/analytics/periods.ts';
import { refreshWorkspace, type RefreshStats } from '../../src/analytics/snapshot/refresh.ts';
import { startVafa, type RunningVafa } from '../../src/app.ts';
import type { Database } from '../../src/database.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createApiKey } from '../../src/workspaces/keys.ts';
import { createWorkspace } from '../../src/workspaces/team.ts';
import { MemorySampler, postmasterPid, type MemoryPeak } from '../customers/memory.ts';
import { latency, percentile } from '../lib/stats.ts';
import { generateShop, type Generated } from './data.ts';
import { csvToParquet, runDuck, type DuckResults, type DuckRun } from './duckdb.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    customers: { type: 'string' },
    orders: { type: 'string' },
    days: { type: 'string', default: '1095' },
    products: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '4' },
    'think-ms': { type: 'string', default: '50' },
    /** Endpoints the latency clients alternate over (names of LOAD_ENDPOINTS). */
    load: { type: 'string', default: 'kpis,customers' },
    'idle-seconds': { type: 'string', default: '15' },
    'dashboard-runs': { type: 'string', default: '5' },
    'duckdb-runs': { type: 'string', default: '3' },
    seed: { type: 'string', default: '1405' },
    'database-url': { type: 'string' },
    /** Reuse the data a --keep run left in this embedded data directory: no generation. */
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const REUSE = args['data-dir'];
const SCALE = Number(args.scale);
const CUSTOMERS = Number(args.customers ?? Math.round(1_000_000 * SCALE));
const ORDERS = Number(args.orders ?? Math.round(10_000_000 * SCALE));
const DAYS = Number(args.days);
const CLIENTS = Number(args.clients);
const THINK_MS = Number(args['think-ms']);
const IDLE_SECONDS = Number(args['idle-seconds']);
const DASHBOARD_RUNS = Number(args['dashboard-runs']);
const DUCK_RUNS = Number(args['duckdb-runs']);
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sec = (ms: number) => Math.round(ms) / 1000;
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** The requests the console's analytics overview makes when it opens (console/src/analytics). */
const DASHBOARD = [
  '/api/v1/analytics/kpis?grain=month&periods=12',
  '/api/v1/analytics/cohorts?grain=month&cohorts=12',
  '/api/v1/analytics/rfm',
  '/api/v1/analytics/status',
  '/api/v1/analytics/settings',
  '/api/v1/analytics/customers?sort=clv_at_risk&limit=50',
  '/api/v1/analytics/customers?sort=last_order&limit=1',
];
const LOAD_ENDPOINTS: Record<string, string> = {
  kpis: '/api/v1/analytics/kpis?grain=month&periods=12',
  customers: '/api/v1/customers?limit=20',
  status: '/api/v1/analytics/status',
  atrisk: '/api/v1/analytics/customers?sort=clv_at_risk&limit=20',
  cohorts: '/api/v1/analytics/cohorts?grain=month&cohorts=12',
};
const LOAD = args.load.split(',').map((name) => {
  const url = LOAD_ENDPOINTS[name];
  if (!url) throw new Error(`--load: unknown endpoint ${name} (one of ${Object.keys(LOAD_ENDPOINTS).join(', ')})`);
  return url;
});

async function main() {
  const started = new Date();
  const storage = await prepareStorage({ databaseUrl: args['database-url'], reuseDir: REUSE });
  const { external, dataDir } = storage;
  const env: Record<string, string> = { LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', VAFA_ANALYTICS_CHECK_SECONDS: '0', ...storage.env };
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-bench-duck-'));
  if (dataDir) log(`embedded PostgreSQL data directory: ${dataDir}${args.keep ? ' (kept at the end: --keep)' : ''}`);
  const vafa: RunningVafa = await startVafa(loadConfig(env), createLogger('warn'));
  const direct = new pg.Pool({ connectionString: vafa.storage.url, max: 2, application_name: 'bench-direct' });
  direct.on('error', () => {}); // connections ended by the server's shutdown at the end
  await runThenCleanUp({ vafa, direct, remove: [workDir, args.keep || REUSE ? undefined : dataDir], external: args.keep ? undefined : external, log }, () => run(vafa, direct, started, dataDir, workDir));
}

/** GET over a keep-alive agent (node:http: the lightest client; it shares the cores with Vafa). */
function getter(base: string, key: string, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(base);
  const get = (url: string) =>
    new Promise<{ status: number; ms: number; bytes: number }>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request({ agent, hostname, port, path: url, method: 'GET', headers: { authorization: `Bearer ${key}` } }, (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, bytes }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  return { get, close: () => agent.destroy() };
}

type Get = ReturnType<typeof getter>['get'];

/** Closed-loop clients with think time, each alternating over `urls`, until `done()`. */
async function hammer(get: Get, urls: string[], until: () => boolean) {
  const byUrl = new Map<string, number[]>(urls.map((u) => [u, []]));
  const failures: Record<string, number> = {};
  const t0 = performance.now();
  const client = async (c: number) => {
    for (let i = c; !until(); i++) {
      const url = urls[i % urls.length]!;
      const res = await get(url);
      if (res.status === 200) byUrl.get(url)!.push(res.ms);
      else failures[`${res.status} ${url}`] = (failures[`${res.status} ${url}`] ?? 0) + 1;
      if (THINK_MS > 0) await new Promise((r) => setTimeout(r, THINK_MS));
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const seconds = (performance.now() - t0) / 1000;
  const all = [...byUrl.values()].flat();
  return {
    seconds: Math.round(seconds * 10) / 10,
    requests: all.length,
    perSecond: Math.round(all.length / seconds),
    all: latency(all),
    byUrl: Object.fromEntries([...byUrl].map(([u, ms]) => [u, latency(ms)])),
    failures,
  };
}

/** A Kysely on its own pool whose log keeps every statement's duration: where a refresh's time goes. */
function instrumentedDb(url: string) {
  const statements: Statement[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'vafa' });
  pool.on('error', () => {});
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query') statements.push({ sql: e.query.sql, ms: e.queryDurationMillis, end: performance.now() });
    },
  });
  return { db, statements };
}

interface Statement {
  sql: string;
  ms: number;
  end: number;
}

const labelOf = (sql: string) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  // Cohort statements name their calendar column; quarters and years divide the month index.
  const cal = /"cal"\."(\w+)"( \/ \$\d+)?/.exec(flat);
  return (cal ? `[${cal[1]}${cal[2] ? ' ÷' : ''}] ` : '') + flat.slice(0, 110);
};

/**
 * Time between one statement's end and the next one's start: work in Node (the fit, predictions,
 * building parameters), which blocks this process's event loop. Labelled by the statement after it.
 */
function nodeGaps(statements: Statement[], minMs = 20) {
  const gaps: { ms: number; before: string }[] = [];
  for (let i = 1; i < statements.length; i++) {
    const s = statements[i]!;
    const gap = s.end - s.ms - statements[i - 1]!.end;
    if (gap >= minMs) gaps.push({ ms: Math.round(gap), before: labelOf(s.sql) });
  }
  return gaps.sort((a, b) => b.ms - a.ms);
}

/** Statement durations summed by a short label (cohort queries keep their calendar/grain column). */
function slowest(statements: Statement[], n = 16) {
  const sum = new Map<string, { ms: number; count: number }>();
  for (const s of statements) {
    const label = labelOf(s.sql);
    const cur = sum.get(label) ?? { ms: 0, count: 0 };
    cur.ms += s.ms;
    cur.count++;
    sum.set(label, cur);
  }
  return [...sum]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, n)
    .map(([sql, v]) => ({ ms: Math.round(v.ms), count: v.count, sql }));
}

/** Runs `work` while watching the event loop: the longest stall tells what API requests waited. */
async function withLoopDelay<T>(work: () => Promise<T>): Promise<[T, { p99Ms: number; maxMs: number }]> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const value = await work();
  h.disable();
  return [value, { p99Ms: Math.round(h.percentile(99) / 1e6), maxMs: Math.round(h.max / 1e6) }];
}

async function psql(url: string, command: string): Promise<void> {
  const child = spawn('/usr/bin/psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`psql exited with ${code}: ${output}`);
}

async function run(vafa: RunningVafa, direct: pg.Pool, started: Date, dataDir: string | undefined, workDir: string) {
  const startLoad = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const git = gitState();
  const settings = await direct.query<{ name: string; setting: string }>(
    `select name, setting from pg_settings where name in ('server_version', 'shared_buffers', 'work_mem', 'max_wal_size', 'synchronous_commit', 'data_directory', 'max_parallel_workers_per_gather')`,
  );
  const setting = (name: string) => settings.rows.find((r) => r.name === name)?.setting ?? '?';
  const pgDir = dataDir ? path.join(dataDir, 'pg') : setting('data_directory');
  const sampler = new MemorySampler(postmasterPid(pgDir), 250, 5000, 5000).start();

  const workspace = REUSE
    ? await vafa.db.selectFrom('workspaces').selectAll().where('name', '=', 'Bench (analytics)').executeTakeFirstOrThrow()
    : (await createWorkspace(vafa.db, { name: 'Bench (analytics)', ownerEmail: 'bench@example.com', ownerPassword: 'bench-password-1405' })).workspace;
  const { key } = await createApiKey(vafa.db, workspace.id, { kind: 'secret', name: 'bench', role: 'owner' });
  const idle = sampler.takePeak();

  // 1. Data.
  if (!REUSE) log(`generating ${CUSTOMERS.toLocaleString('en')} customers / ${ORDERS.toLocaleString('en')} orders over ${DAYS} days in PostgreSQL`);
  const t0 = performance.now();
  const gen: Generated = REUSE ? await existingShop(direct, workspace.id) : await generate(vafa.storage.url, workspace.id);
  const generateSeconds = REUSE ? null : sec(performance.now() - t0);
  const shape = (
    await direct.query<{ one_time: number; p50: number; p90: number; p99: number; max: number; counted: number; lines_orders: number }>(
      `with per as (select customer_id, count(*)::int as n from orders where workspace_id = $1 group by 1)
       select (count(*) filter (where n = 1))::float8 / count(*) as one_time,
              percentile_disc(0.5) within group (order by n) as p50, percentile_disc(0.9) within group (order by n) as p90,
              percentile_disc(0.99) within group (order by n) as p99, max(n) as max,
              (select count(*) from orders where workspace_id = $1 and status not in ('cancelled', 'refunded')) as counted,
              (select count(distinct order_id) from order_lines where workspace_id = $1) as lines_orders
         from per`,
      [workspace.id],
    )
  ).rows[0]!;
  const sizes = await direct.query<{ table: string; mb: number }>(
    `select relname as table, round(pg_total_relation_size(oid) / 1048576.0)::int as mb from pg_class where relname in ('customers', 'orders', 'order_lines') order by 1`,
  );
  log(`${REUSE ? 'reused' : `generated in ${generateSeconds} s`}: ${gen.customers.toLocaleString('en')} customers, ${gen.orders.toLocaleString('en')} orders, ${gen.orderLines.toLocaleString('en')} lines; one-time buyers ${Math.round(shape.one_time * 100)} %, orders per customer p50 ${shape.p50} p90 ${shape.p90} p99 ${shape.p99} max ${shape.max}`);
  const generateMemory = sampler.takePeak();

  // 2. First full recompute, instrumented.
  log('refresh 1: refreshWorkspace (instrumented pool)');
  const refreshLog = createLogger('warn');
  const inst = instrumentedDb(vafa.storage.url);
  const r1Start = performance.now();
  const [stats1, loop1] = await withLoopDelay(() => refreshWorkspace(inst.db, workspace.id, refreshLog));
  const refresh1Ms = performance.now() - r1Start;
  await inst.db.destroy();
  if (stats1 === 'busy') throw new Error('refresh was busy');
  const refresh1 = summarizeRefresh(stats1, refresh1Ms, loop1);
  const statements1 = slowest(inst.statements);
  const gaps1 = nodeGaps(inst.statements);
  log(`refresh 1: ${sec(refresh1Ms)} s ${JSON.stringify(stats1.timings)}; event loop max stall ${loop1.maxMs} ms`);
  const refreshMemory = sampler.takePeak();

  // 3. Dashboard.
  const client = getter(vafa.url, key, Math.max(CLIENTS, DASHBOARD.length));
  const dashboardOnce = async () => {
    const t = performance.now();
    const results = await Promise.all(DASHBOARD.map((u) => client.get(u)));
    const bad = results.findIndex((r) => r.status !== 200);
    if (bad >= 0) throw new Error(`${DASHBOARD[bad]}: ${results[bad]!.status}`);
    return { wall: performance.now() - t, each: results.map((r) => r.ms), bytes: results.reduce((n, r) => n + r.bytes, 0) };
  };
  const firstDashboard = await dashboardOnce();
  const warm: Awaited<ReturnType<typeof dashboardOnce>>[] = [];
  for (let i = 0; i < DASHBOARD_RUNS; i++) warm.push(await dashboardOnce());
  const alone = async (url: string) => {
    const ms: number[] = [];
    for (let i = 0; i < DASHBOARD_RUNS; i++) {
      const r = await client.get(url);
      if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
      ms.push(r.ms);
    }
    return Math.round(median(ms) * 10) / 10;
  };
  const dashboard = {
    requests: DASHBOARD,
    firstMs: Math.round(firstDashboard.wall),
    firstEachMs: firstDashboard.each.map(Math.round),
    warmMedianMs: Math.round(median(warm.map((w) => w.wall))),
    warmRunsMs: warm.map((w) => Math.round(w.wall)),
    warmEachMedianMs: DASHBOARD.map((_, i) => Math.round(median(warm.map((w) => w.each[i]!)) * 10) / 10),
    responseKb: Math.round(firstDashboard.bytes / 1024),
    cohortsAloneMs: await alone('/api/v1/analytics/cohorts?grain=month&cohorts=12'),
    rfmAloneMs: await alone('/api/v1/analytics/rfm'),
  };
  log(`dashboard: first ${dashboard.firstMs} ms, warm median ${dashboard.warmMedianMs} ms; cohorts ${dashboard.cohortsAloneMs} ms, rfm ${dashboard.rfmAloneMs} ms`);

  // 4. API latency idle, then during a full recompute run by Vafa's worker.
  log(`latency idle: ${CLIENTS} clients, ${THINK_MS} ms think time, ${IDLE_SECONDS} s`);
  const idleEnd = performance.now() + IDLE_SECONDS * 1000;
  const latencyIdle = await hammer(client.get, LOAD, () => performance.now() > idleEnd);
  const dashboardMemory = sampler.takePeak();
  log(`latency idle: p50 ${latencyIdle.all.p50} ms, p99 ${latencyIdle.all.p99} ms (${latencyIdle.perSecond} req/s)`);

  const before = await direct.query<{ finished_at: Date | null }>(`select finished_at from analytics_runs where workspace_id = $1`, [workspace.id]);
  const finishedBefore = before.rows[0]?.finished_at?.getTime() ?? 0;
  let refreshDone = false;
  const refresh2Start = performance.now();
  const [latencyRefresh, loop2] = await withLoopDelay(async () => {
    const res = await fetch(`${vafa.url}/api/v1/analytics/refresh`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    if (res.status !== 202) throw new Error(`POST /analytics/refresh: ${res.status} ${await res.text()}`);
    const watcher = (async () => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 200));
        const row = await direct.query<{ finished_at: Date | null; error: string | null }>(`select finished_at, error from analytics_runs where workspace_id = $1`, [workspace.id]);
        const f = row.rows[0];
        if (f?.finished_at && f.finished_at.getTime() > finishedBefore) {
          if (f.error) throw new Error(`refresh 2 failed: ${f.error}`);
          refreshDone = true;
          return;
        }
      }
    })();
    const [load] = await Promise.all([hammer(client.get, LOAD, () => refreshDone), watcher]);
    return load;
  });
  const refresh2Ms = performance.now() - refresh2Start;
  const run2 = (await direct.query<{ stats: RefreshStats; started_at: Date; finished_at: Date }>(`select stats, started_at, finished_at from analytics_runs where workspace_id = $1`, [workspace.id])).rows[0]!;
  const refresh2 = summarizeRefresh(run2.stats, run2.finished_at.getTime() - run2.started_at.getTime(), loop2);
  client.close();
  const loadMemory = sampler.takePeak();
  log(`latency during refresh (${sec(refresh2Ms)} s): p50 ${latencyRefresh.all.p50} ms, p99 ${latencyRefresh.all.p99} ms, max ${latencyRefresh.all.max} ms; event loop max stall ${loop2.maxMs} ms`);

  // 5. BG/NBD on every customer's (x, t_x, T) from the snapshot.
  const asOf = (await direct.query<{ as_of: Date }>(`select as_of from analytics_runs where workspace_id = $1`, [workspace.id])).rows[0]!.as_of;
  const asOfDay = todayIn('UTC', asOf);
  const rf = await direct.query<[number, number, number]>({
    text: `select purchase_days - 1, last_day - first_day, $2::date - first_day from analytics_customers where workspace_id = $1`,
    values: [workspace.id, asOfDay],
    rowMode: 'array',
  });
  const data = {
    x: Float64Array.from(rf.rows, (r) => r[0]),
    tx: Float64Array.from(rf.rows, (r) => r[1]),
    T: Float64Array.from(rf.rows, (r) => r[2]),
  };
  const n = data.x.length;
  // Warm-up on a slice so the timed fit runs JIT-compiled code (as it does in a long-lived server).
  const slice = Math.min(n, 20_000);
  fitTransactionModel({ x: data.x.subarray(0, slice), tx: data.tx.subarray(0, slice), T: data.T.subarray(0, slice) });
  const fitRuns: number[] = [];
  const tFirst = performance.now();
  let fitted = fitTransactionModel(data, { prefer: 'bgnbd' });
  const firstFitMs = performance.now() - tFirst;
  for (let i = 0; i < 3; i++) {
    const t1 = performance.now();
    fitted = fitTransactionModel(data, { prefer: 'bgnbd' });
    fitRuns.push(performance.now() - t1);
  }
  if (!fitted.ok) throw new Error(fitted.error);
  const fitMs = median(fitRuns);
  let t = performance.now();
  t = performance.now();
  const compressed = compressRf(data);
  const compressMs = performance.now() - t;
  t = performance.now();
  const bg = fitBgNbd(compressed);
  const bgMs = performance.now() - t;
  if (!bg.ok) throw new Error(bg.error);
  // What scores.ts then does in Node per distinct (x, t_x, T): P(alive), E[X(horizon)], discounted E.
  const fit = fitted.value;
  t = performance.now();
  let checksum = 0;
  for (let i = 0; i < compressed.x.length; i++) {
    const cu = { x: compressed.x[i]!, tx: compressed.tx[i]!, T: compressed.T[i]! };
    checksum += probabilityAlive(fit, cu) + conditionalExpectedTransactions(fit, cu, 365);
    checksum += discountedExpectedTransactions(fit, cu, { steps: 12, unitsPerStep: 30, discountRate: 1.1 ** (30 / 365) - 1 });
  }
  const predictMs = performance.now() - t;
  const model = {
    customers: n,
    repeatBuyers: data.x.reduce((k, x) => k + (x > 0 ? 1 : 0), 0),
    distinctTuples: compressed.x.length,
    fitTransactionModelSeconds: sec(fitMs),
    fitTransactionModelRunsSeconds: fitRuns.map(sec),
    fitTransactionModelFirstCallSeconds: sec(firstFitMs),
    predictionsSeconds: sec(predictMs),
    predictionsChecksum: checksum,
    compressSeconds: sec(compressMs),
    fitBgNbdSeconds: sec(bgMs),
    model: fitted.value.model,
    params: fitted.value.params,
    logLikelihood: Math.round(fitted.value.logLikelihood * 10) / 10,
    iterations: fitted.value.iterations,
    converged: fitted.value.converged,
    boundary: fitted.value.boundary,
    lifetimesSecondsQuoted: 12.0,
  };
  log(`BG/NBD on ${n} customers: ${model.fitTransactionModelSeconds} s (compress ${model.compressSeconds} s + fit ${model.fitBgNbdSeconds} s, ${model.distinctTuples} tuples) ${JSON.stringify(model.params)}`);
  const modelMemory = sampler.takePeak();

  // 6. DuckDB baseline.
  const csv = path.join(workDir, 'orders.csv');
  const parquet = path.join(workDir, 'orders.parquet');
  fs.chmodSync(workDir, 0o777);
  log('exporting orders for DuckDB (psql \\copy → CSV → Parquet)');
  t = performance.now();
  await psql(
    vafa.storage.url,
    `\\copy (select customer_id, placed_at at time zone 'UTC', total_minor - refunded_minor, status, currency from orders where workspace_id = '${workspace.id}') to '${csv}' with (format csv)`,
  );
  const exportCsvMs = performance.now() - t;
  t = performance.now();
  await csvToParquet(csv, parquet);
  const parquetMs = performance.now() - t;
  const exportInfo = { csvSeconds: sec(exportCsvMs), csvMb: Math.round(fs.statSync(csv).size / 2 ** 20), parquetSeconds: sec(parquetMs), parquetMb: Math.round(fs.statSync(parquet).size / 2 ** 20) };
  fs.rmSync(csv);
  const duck: DuckResults[] = [];
  for (const threads of [2, 1]) {
    log(`DuckDB, ${threads} thread(s), ${DUCK_RUNS} runs`);
    duck.push(await runDuck({ parquet, threads, runs: DUCK_RUNS, asOf, asOfDay, currency: 'USD' }));
  }
  const duckMemory = sampler.takePeak();
  sampler.stop();
  const duckMedian = (d: DuckResults) => Object.fromEntries((Object.keys(d.runs[0]!) as (keyof DuckRun)[]).map((k) => [k, Math.round(median(d.runs.map((r) => r[k])))])) as unknown as DuckRun;
  const duck2 = duckMedian(duck[0]!);
  const duck1 = duckMedian(duck[1]!);

  // Same answers? Vafa's snapshot (refresh 2, same as-of day) against DuckDB's.
  const vafaMonth = await direct.query<{ cohort: string; offset: number; customers: number; revenue: number }>(
    `select cohort::text as cohort, period_offset as offset, customers, revenue_minor as revenue from analytics_cohorts where workspace_id = $1 and calendar = 'gregorian' and grain = 'month'`,
    [workspace.id],
  );
  const vafaSegments = await direct.query<{ segment: string; customers: number; revenue: number }>(
    `select segment, count(*)::int as customers, sum(revenue_minor)::bigint as revenue from analytics_customers where workspace_id = $1 group by 1`,
    [workspace.id],
  );
  const cellKey = (c: { cohort: string; offset: number }) => `${c.cohort}+${c.offset}`;
  const vafaCells = new Map(vafaMonth.rows.map((c) => [cellKey(c), c]));
  const cellDiffs = duck[0]!.monthCells.filter((c) => {
    const v = vafaCells.get(cellKey(c));
    return !v || v.customers !== c.customers || Number(v.revenue) !== c.revenue;
  }).length;
  const vafaSeg = new Map(vafaSegments.rows.map((s) => [s.segment, s]));
  const segmentDiffs = duck[0]!.segments.map((s) => ({ segment: s.segment, duckdb: s.customers, vafa: vafaSeg.get(s.segment)?.customers ?? 0 })).filter((s) => s.duckdb !== s.vafa);
  const check = {
    monthCells: { vafa: vafaMonth.rows.length, duckdb: duck[0]!.monthCells.length, differing: cellDiffs + Math.abs(vafaMonth.rows.length - duck[0]!.monthCells.length) },
    rfmCustomers: { vafa: vafaSegments.rows.reduce((k, s) => k + s.customers, 0), duckdb: duck[0]!.customers },
    segmentDiffs,
  };

  // Like for like: customer-days are shared by both tables, so each "from scratch" figure includes them.
  const tm = stats1.timings;
  const vafaCohortScratch = (tm.customerDays ?? 0) + (tm.cohorts ?? 0);
  const vafaRfmScratch = (tm.customerDays ?? 0) + (tm.customers ?? 0);
  // The Gregorian month table alone: its statements (per-customer months and the cells).
  const monthStatements = statements1.filter((s) => s.sql.startsWith('[g_month] '));
  const monthQuery = monthStatements.length ? monthStatements.reduce((n, s) => n + s.ms, 0) : null;
  const comparison = {
    note: 'Vafa: refresh 1 step timings (PostgreSQL, one backend, parallel query off). DuckDB: median of runs, from the Parquet file.',
    customerDays: { vafaMs: tm.customerDays, duckdb2Ms: duck2.days, duckdb1Ms: duck1.days },
    rfmFacts: { vafaMs: tm.customers, duckdb2Ms: duck2.facts + duck2.rfmReport, duckdb1Ms: duck1.facts + duck1.rfmReport },
    cohorts8: { vafaMs: tm.cohorts, duckdb2Ms: duck2.cohorts8, duckdb1Ms: duck1.cohorts8 },
    cohortMonthOnly: { vafaQueryMs: monthQuery, duckdb2Ms: duck2.cohortMonth, duckdb1Ms: duck1.cohortMonth },
    cohortFromScratch: { vafaMs: vafaCohortScratch, duckdb2Ms: duck2.days + duck2.cohorts8, duckdb1Ms: duck1.days + duck1.cohorts8 },
    rfmFromScratch: { vafaMs: vafaRfmScratch, duckdb2Ms: duck2.days + duck2.facts + duck2.rfmReport, duckdb1Ms: duck1.days + duck1.facts + duck1.rfmReport },
    ratios: {
      cohortVsDuckdb2: ratio(vafaCohortScratch, duck2.days + duck2.cohorts8),
      cohortVsDuckdb1: ratio(vafaCohortScratch, duck1.days + duck1.cohorts8),
      rfmVsDuckdb2: ratio(vafaRfmScratch, duck2.days + duck2.facts + duck2.rfmReport),
      rfmVsDuckdb1: ratio(vafaRfmScratch, duck1.days + duck1.facts + duck1.rfmReport),
      apiCohortsVsDuckdb2: ratio(dashboard.cohortsAloneMs, duck2.days + duck2.cohortMonth),
      apiRfmVsDuckdb2: ratio(dashboard.rfmAloneMs, duck2.days + duck2.facts + duck2.rfmReport),
    },
  };

  const out = {
    benchmark: 'analytics',
    date: started.toISOString(),
    command: `npx tsx bench/analytics/bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
    git,
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAverageAtStart: startLoad,
      loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    postgres: {
      mode: vafa.storage.mode,
      version: setting('server_version'),
      settings: Object.fromEntries(['shared_buffers', 'work_mem', 'max_wal_size', 'synchronous_commit', 'max_parallel_workers_per_gather'].map((k) => [k, setting(k)])),
    },
    data: { ...gen, generateSeconds, shape, sizes: sizes.rows },
    refresh1,
    refresh1Statements: statements1,
    refresh1NodeGaps: gaps1,
    refresh2,
    dashboard,
    latency: { clients: CLIENTS, thinkMs: THINK_MS, endpoints: LOAD, idle: latencyIdle, duringRefresh: { ...latencyRefresh, refreshSeconds: sec(refresh2Ms) } },
    model,
    duckdb: { version: duck[0]!.version, export: exportInfo, runs: duck.map((d) => ({ threads: d.threads, runs: d.runs })), median2: duck2, median1: duck1, check },
    comparison,
    memory: { idle, generate: generateMemory, refresh: refreshMemory, dashboard: dashboardMemory, refreshUnderLoad: loadMemory, model: modelMemory, duckdb: duckMemory } satisfies Record<string, MemoryPeak>,
    totalSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  };
  const outFile = path.resolve(import.meta.dirname, `../.out/analytics-${started.toISOString().slice(0, 10)}.json`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(out, null, 2)}\n`);
  printTables(out);
  process.stdout.write(`\nwritten to ${path.relative(process.cwd(), outFile)}\n`);
}

async function generate(url: string, workspaceId: string): Promise<Generated> {
  const genClient = new pg.Client({ connectionString: url, application_name: 'bench-generate' });
  await genClient.connect();
  try {
    return await generateShop(genClient, { workspaceId, customers: CUSTOMERS, orders: ORDERS, days: DAYS, seed: Number(args.seed), products: Number(args.products), log });
  } finally {
    await genClient.end();
  }
}

/** --data-dir: what an earlier run generated (its generation time is in that run's output). */
async function existingShop(direct: pg.Pool, workspaceId: string): Promise<Generated> {
  const count = async (table: string) => Number((await direct.query(`select count(*) as n from ${table} where workspace_id = $1`, [workspaceId])).rows[0].n);
  const range = (await direct.query(`select min(placed_at)::date::text as first, max(placed_at)::date::text as last from orders where workspace_id = $1`, [workspaceId])).rows[0];
  return {
    customers: await count('customers'),
    orders: await count('orders'),
    orderLines: await count('order_lines'),
    products: await count('products'),
    candidates: 0,
    keepShare: 0,
    seconds: {},
    firstDay: range.first,
    lastDay: range.last,
    foreignKeyChecks: false,
  };
}

/** The code measured: commit, and the source files that differed from it when the run started. */
function gitState() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    return { commit, dirtySrc: dirty };
  } catch {
    return null;
  }
}

function summarizeRefresh(stats: RefreshStats, ms: number, loop: { p99Ms: number; maxMs: number }) {
  const stepSum = Object.values(stats.timings).reduce((a, b) => a + b, 0);
  return {
    seconds: sec(ms),
    stepsSeconds: sec(stepSum),
    timingsMs: stats.timings,
    customers: stats.customers,
    orders: stats.orders,
    pairs: stats.pairs,
    model: stats.model,
    eventLoop: loop,
  };
}

function printTables(r: {
  data: Generated & { generateSeconds: number | null; shape: Record<string, number> };
  postgres: { mode: string; version: string };
  refresh1: ReturnType<typeof summarizeRefresh>;
  refresh1Statements: { ms: number; count: number; sql: string }[];
  refresh1NodeGaps: { ms: number; before: string }[];
  refresh2: ReturnType<typeof summarizeRefresh>;
  dashboard: { firstMs: number; warmMedianMs: number; cohortsAloneMs: number; rfmAloneMs: number; warmEachMedianMs: number[]; requests: string[] };
  latency: { idle: Awaited<ReturnType<typeof hammer>>; duringRefresh: Awaited<ReturnType<typeof hammer>> & { refreshSeconds: number } };
  model: { customers: number; distinctTuples: number; fitTransactionModelSeconds: number; compressSeconds: number; fitBgNbdSeconds: number; predictionsSeconds: number; params: object; iterations: number };
  duckdb: { version: string; export: { csvSeconds: number; parquetSeconds: number; csvMb: number; parquetMb: number }; check: object };
  comparison: {
    customerDays: { vafaMs?: number; duckdb2Ms: number; duckdb1Ms: number };
    rfmFacts: { vafaMs?: number; duckdb2Ms: number; duckdb1Ms: number };
    cohorts8: { vafaMs?: number; duckdb2Ms: number; duckdb1Ms: number };
    cohortMonthOnly: { vafaQueryMs: number | null; duckdb2Ms: number; duckdb1Ms: number };
    cohortFromScratch: { vafaMs: number; duckdb2Ms: number; duckdb1Ms: number };
    rfmFromScratch: { vafaMs: number; duckdb2Ms: number; duckdb1Ms: number };
    ratios: Record<string, number>;
  };
  memory: Record<string, MemoryPeak>;
  totalSeconds: number;
}) {
  const c = r.comparison;
  const row = (label: string, v: { vafaMs?: number | null; vafaQueryMs?: number | null; duckdb2Ms: number; duckdb1Ms: number }) => {
    const vafa = v.vafaMs ?? v.vafaQueryMs ?? null;
    return `| ${label} | ${vafa ?? 'n/a'} | ${v.duckdb2Ms} | ${v.duckdb1Ms} | ${vafa === null ? '' : ratio(vafa, v.duckdb2Ms)}× | ${vafa === null ? '' : ratio(vafa, v.duckdb1Ms)}× |`;
  };
  const li = r.latency.idle.all;
  const lr = r.latency.duringRefresh.all;
  const lines = [
    `analytics benchmark: ${r.data.customers} customers, ${r.data.orders} orders (${r.data.orderLines} lines), PostgreSQL ${r.postgres.version} (${r.postgres.mode}), ${r.totalSeconds} s in all`,
    r.data.generateSeconds === null ? 'data reused from an earlier run (--data-dir)' : `data generated in ${r.data.generateSeconds} s (not a Vafa figure): ${JSON.stringify(r.data.seconds)}`,
    '',
    '| figure | value | target |',
    '|---|---|---|',
    `| full recompute (refreshWorkspace, wall) | ${r.refresh1.seconds} s | |`,
    `| full recompute under API load (worker) | ${r.refresh2.seconds} s | |`,
    `| dashboard, first after refresh (7 requests in parallel) | ${r.dashboard.firstMs} ms | < 2 s |`,
    `| dashboard, warm median | ${r.dashboard.warmMedianMs} ms | < 2 s |`,
    `| GET /analytics/cohorts (median) | ${r.dashboard.cohortsAloneMs} ms | |`,
    `| GET /analytics/rfm (median) | ${r.dashboard.rfmAloneMs} ms | |`,
    `| API p50 / p99 idle | ${li.p50} / ${li.p99} ms | |`,
    `| API p50 / p99 during full recompute | ${lr.p50} / ${lr.p99} ms (max ${lr.max}) | p99 < 100 ms |`,
    `| BG/NBD fitTransactionModel, ${r.model.customers} customers | ${r.model.fitTransactionModelSeconds} s | ≤ 1.2 s (lifetimes 12.0 s) |`,
    '',
    '| latency by endpoint (ms) | idle p50 | idle p99 | during recompute p50 | p99 | max |',
    '|---|---|---|---|---|---|',
    ...Object.keys(r.latency.idle.byUrl).map((u) => {
      const a = r.latency.idle.byUrl[u]!;
      const b = r.latency.duringRefresh.byUrl[u]!;
      return `| ${u} | ${a.p50} | ${a.p99} | ${b.p50} | ${b.p99} | ${b.max} |`;
    }),
    '',
    `refresh 1 steps (ms): ${JSON.stringify(r.refresh1.timingsMs)}; event loop max stall ${r.refresh1.eventLoop.maxMs} ms`,
    `refresh 2 steps (ms): ${JSON.stringify(r.refresh2.timingsMs)}; event loop max stall ${r.refresh2.eventLoop.maxMs} ms`,
    '',
    'slowest statements of refresh 1 (ms, count):',
    ...r.refresh1Statements.map((s) => `  ${String(s.ms).padStart(7)} ×${s.count} ${s.sql}`),
    '',
    'time in Node between statements of refresh 1 (ms, before statement):',
    ...r.refresh1NodeGaps.slice(0, 8).map((g) => `  ${String(g.ms).padStart(7)} ${g.before}`),
    '',
    `DuckDB ${r.duckdb.version}: export CSV ${r.duckdb.export.csvSeconds} s (${r.duckdb.export.csvMb} MB), → Parquet ${r.duckdb.export.parquetSeconds} s (${r.duckdb.export.parquetMb} MB)`,
    '| from scratch (ms) | Vafa (PostgreSQL) | DuckDB 2 threads | DuckDB 1 thread | ratio vs 2 | ratio vs 1 |',
    '|---|---|---|---|---|---|',
    row('customer-days', c.customerDays),
    row('RFM facts (+ report)', c.rfmFacts),
    row('cohorts, 8 tables', c.cohorts8),
    row('cohorts, Gregorian month only (its statements)', c.cohortMonthOnly),
    row('**cohorts from scratch** (days + 8 tables)', c.cohortFromScratch),
    row('**RFM from scratch** (days + facts)', c.rfmFromScratch),
    `check: ${JSON.stringify(r.duckdb.check)}`,
    `BG/NBD: compress ${r.model.compressSeconds} s → ${r.model.distinctTuples} tuples, fit ${r.model.fitBgNbdSeconds} s, ${r.model.iterations} iterations, ${JSON.stringify(r.model.params)}; predictions per tuple ${r.model.predictionsSeconds} s`,
    '',
    '| peak memory (MB) | Node RSS | PostgreSQL RSS | total RSS | total PSS |',
    '|---|---|---|---|---|',
    ...Object.entries(r.memory).map(([phase, m]) => `| ${phase} | ${m.nodeRssMb} | ${m.postgresRssMb} (${m.postgresProcesses} procs) | ${m.totalRssMb} | ${m.totalPssMb ?? 'n/a'} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();

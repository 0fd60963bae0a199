/**
 * Benchmark: `vafa import orders` of a 1,000,000-row CSV (one row per order line), as a real CLI
 * process on an embedded PostgreSQL in a temporary VAFA_DATA_DIR, against a baseline in the same
 * run on the same server: `psql \copy` of the same rows, already parsed and converted (customer
 * and order ids assigned, Jalali dates → UTC, toman → rials, totals summed), straight into
 * customers, orders and order_lines of a second workspace.
 *
 *   npx tsx bench/imports/bench.ts [--rows 1000000] [--keep]
 *
 * Writes bench/.out/imports.json; the generated CSV stays in bench/.out/ for the next run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { normalizeFields, searchTextOf } from '../../src/customers/service.ts';
import { jalaliToGregorian } from '../../src/platform/calendar/jalali.ts';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { freePort } from '../../src/testing/processes.ts';
import { customerId, emailOf, type GeneratedLine, generateLines, orderId, productId, productName, writeCsv } from './data.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '100000' },
    products: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1405' },
    keep: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const shape = { customers: Number(args.customers), products: Number(args.products), seed: Number(args.seed) };
const root = path.resolve(import.meta.dirname, '../..');
const out = path.join(root, 'bench/.out');
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** Peak resident memory of a process, read from /proc while it runs. */
function peakRss(child: ChildProcess): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
    } catch {
      // exited
    }
  }, 200);
  child.once('exit', () => clearInterval(timer));
  return () => peak;
}

async function vafa(argv: string[], env: Record<string, string>, opts: { echo?: boolean } = {}) {
  const child = spawn(process.execPath, [path.join(root, 'bin/vafa.mjs'), ...argv], { cwd: root, env: { ...process.env, ...env } });
  const peak = peakRss(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (opts.echo) process.stderr.write(String(d).replace(/^/gm, '    '));
  });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`vafa ${argv.join(' ')} exited ${code}:\n${stderr}`);
  return { stdout, stderr, peakRss: peak() };
}

/** The same rows, parsed and converted as the import does, as three CSV files for \copy. */
function baselineFiles(workspaceId: string) {
  const files = { customers: path.join(out, 'imports-baseline-customers.csv'), orders: path.join(out, 'imports-baseline-orders.csv'), lines: path.join(out, 'imports-baseline-lines.csv') };
  const fds = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, fs.openSync(f, 'w')])) as Record<keyof typeof files, number>;
  const buffers: Record<keyof typeof files, string[]> = { customers: [], orders: [], lines: [] };
  const write = (k: keyof typeof files, line: string) => {
    buffers[k].push(line);
    if (buffers[k].length >= 20_000) {
      fs.writeSync(fds[k], buffers[k].join(''));
      buffers[k] = [];
    }
  };
  const customers = new Map<number, string>();
  let order: { no: number; id: string; lines: GeneratedLine[] } | undefined;
  const flushOrder = () => {
    if (!order) return;
    const first = order.lines[0] as GeneratedLine;
    let customer = customers.get(first.customerNo);
    if (!customer) {
      customer = randomUUID();
      customers.set(first.customerNo, customer);
      const values = normalizeFields({ externalId: customerId(first.customerNo), emails: [emailOf(first.customerNo)] }, 'IR');
      write('customers', `${customer},${workspaceId},${customerId(first.customerNo)},{${emailOf(first.customerNo)}},${searchTextOf(values)}\n`);
    }
    const g = jalaliToGregorian(first.jy, first.jm, first.jd);
    const placed = new Date(Date.UTC(g.year, g.month - 1, g.day, first.hour, first.minute)).toISOString();
    const total = order.lines.reduce((s, l) => s + l.priceToman * 10 * l.quantity, 0);
    write('orders', `${order.id},${workspaceId},${customer},${orderId(order.no)},completed,IRR,${total},${placed},import\n`);
    for (const [i, l] of order.lines.entries()) {
      write('lines', `${order.id},${i + 1},${workspaceId},${productId(l.productNo)},${productName(l.productNo)},${l.quantity},${l.priceToman * 10}\n`);
    }
  };
  for (const line of generateLines(ROWS, shape)) {
    if (order?.no !== line.orderNo) {
      flushOrder();
      order = { no: line.orderNo, id: randomUUID(), lines: [] };
    }
    order.lines.push(line);
  }
  flushOrder();
  for (const k of Object.keys(files) as (keyof typeof files)[]) {
    fs.writeSync(fds[k], buffers[k].join(''));
    fs.closeSync(fds[k]);
  }
  return { files, customers: customers.size };
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const csv = path.join(out, `imports-orders-${ROWS}-${shape.seed}.csv`);
  if (!fs.existsSync(csv)) {
    log(`generating ${csv}`);
    writeCsv(csv, ROWS, shape);
  }
  const csvBytes = fs.statSync(csv).size;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-bench-imports-'));
  const env = { VAFA_DATA_DIR: dataDir, VAFA_EMBEDDED_PG_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
  log(`data dir ${dataDir}; CSV ${(csvBytes / 1e6).toFixed(1)} MB, ${ROWS.toLocaleString('en-US')} rows`);
  try {
    await vafa(['init', '--workspace', 'Bench Shop', '--email', 'bench@example.com', '--password', 'bench-password'], env);

    log('vafa import orders (a real CLI process: embedded PostgreSQL start, file check, import)');
    const started = performance.now();
    const run = await vafa(['import', 'orders', csv, '--date-format', 'jalali', '--currency', 'IRT'], env, { echo: true });
    const vafaSeconds = (performance.now() - started) / 1000;
    const summary = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
    log(`vafa: ${vafaSeconds.toFixed(1)} s, ${summary.rowsPerSecond} rows/s while importing, peak RSS ${(run.peakRss / 1e6).toFixed(0)} MB`);

    const embedded = await startEmbeddedPostgres({ dataDir, port: Number(env.VAFA_EMBEDDED_PG_PORT), log: createLogger('warn') });
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    try {
      const counted = async (ws: string) =>
        (await client.query(`select (select count(*) from orders where workspace_id = $1) as orders, (select count(*) from order_lines where workspace_id = $1) as lines,
                                  (select count(*) from customers where workspace_id = $1) as customers, (select sum(total_minor) from orders where workspace_id = $1) as revenue`, [ws])).rows[0];
      const vafaCounts = await counted(summary.workspaceId);
      const { rows: [ws] } = await client.query(`insert into workspaces (name) values ('Baseline') returning id`);
      log('baseline: converting the same rows for \\copy (not timed)');
      const { files } = baselineFiles(ws.id);
      await client.query('checkpoint');
      log('baseline: psql \\copy into customers, orders, order_lines');
      const copyStarted = performance.now();
      const psql = spawn('psql', [
        embedded.url, '-v', 'ON_ERROR_STOP=1', '-q',
        '-c', `\\copy customers (id, workspace_id, external_id, emails, search_text) from '${files.customers}' with (format csv)`,
        '-c', `\\copy orders (id, workspace_id, customer_id, external_id, status, currency, total_minor, placed_at, source) from '${files.orders}' with (format csv)`,
        '-c', `\\copy order_lines (order_id, line_no, workspace_id, product_id, name, quantity, price_minor) from '${files.lines}' with (format csv)`,
      ], { stdio: ['ignore', 'inherit', 'inherit'] });
      const [code] = (await once(psql, 'exit')) as [number];
      if (code !== 0) throw new Error(`psql exited ${code}`);
      const copySeconds = (performance.now() - copyStarted) / 1000;
      const baselineCounts = await counted(ws.id);
      log(`baseline: ${copySeconds.toFixed(1)} s`);

      const result = {
        date: new Date().toISOString(),
        machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
        data: { rows: ROWS, csvBytes, ...shape },
        vafa: {
          seconds: Math.round(vafaSeconds * 10) / 10,
          rowsPerSecond: Math.round(ROWS / vafaSeconds),
          importPhaseRowsPerSecond: summary.rowsPerSecond,
          peakRssMB: Math.round(run.peakRss / 1e6),
          counts: summary.counts,
          stored: vafaCounts,
        },
        baseline: { seconds: Math.round(copySeconds * 10) / 10, rowsPerSecond: Math.round(ROWS / copySeconds), stored: baselineCounts },
        ratio: Math.round((vafaSeconds / copySeconds) * 100) / 100,
      };
      fs.writeFileSync(path.join(out, 'imports.json'), JSON.stringify(result, null, 2));
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if (String(vafaCounts.orders) !== String(baselineCounts.orders) || String(vafaCounts.revenue) !== String(baselineCounts.revenue)) {
        throw new Error(`Vafa and the baseline stored different data: ${JSON.stringify({ vafaCounts, baselineCounts })}`);
      }
    } finally {
      await client.end();
      await embedded.stop();
    }
  } finally {
    if (!args.keep) fs.rmSync(dataDir, { recursive: true, force: true });
    for (const f of fs.readdirSync(out)) if (f.startsWith('imports-baseline-')) fs.rmSync(path.join(out, f));
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createDb } from '../database.ts';
import { cloneTestDatabase } from '../testing/database.ts';
import { repoRoot, runVafa } from '../testing/processes.ts';

/** `vafa import` as a person runs it: a real process, a generated file, the database it names. */
const database = await cloneTestDatabase();
const db = createDb(database.url, 2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-import-cli-'));
after(async () => {
  await db.destroy();
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});
const env = { DATABASE_URL: database.url, LOG_LEVEL: 'warn' };

/** `orders` orders of 1–3 line rows each, with a Persian header, Jalali dates and toman prices; every 97th row is bad. */
function writeOrders(file: string, orders: number): { rows: number; badRows: number; goodOrders: number } {
  const out = ['شماره سفارش,کد مشتری,موبایل,تاریخ,کد کالا,نام کالا,تعداد,قیمت'];
  let rows = 0;
  let badRows = 0;
  let goodOrders = 0;
  for (let i = 1; i <= orders; i++) {
    const size = (i % 3) + 1;
    const first = rows + 1;
    const bad = Array.from({ length: size }, (_, l) => (first + l) % 97 === 0).some(Boolean);
    if (bad) badRows += size;
    else goodOrders++;
    for (let l = 0; l < size; l++) {
      rows++;
      const day = String((i % 29) + 1).padStart(2, '0');
      const price = rows % 97 === 0 ? 'N/A' : `${(l + 1) * 25},000`;
      out.push(`ord-${i},cust-${i % 50},09${String(120000000 + (i % 50)).padStart(9, '0')},۱۴۰۳/۰۶/${day},sku-${l},"کالا ${l}",${l + 1},"${price}"`);
    }
  }
  fs.writeFileSync(file, `${out.join('\n')}\n`);
  return { rows, badRows, goodOrders };
}

const summaryOf = (stdout: string) => JSON.parse(stdout.slice(stdout.indexOf('{')));
const count = async (table: 'orders' | 'order_lines' | 'customers') => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]?.n);

describe('vafa import (CLI)', () => {
  test('given no workspace, then it says to run vafa init; given one, --workspace may be left out', async () => {
    const file = path.join(dir, 'tiny.csv');
    fs.writeFileSync(file, 'email\nx@example.com\n');
    const none = await runVafa(['import', 'customers', file], env);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /vafa init/);
    const init = await runVafa(['init', '--workspace', 'CLI Shop', '--email', 'cli@example.com', '--password', 'password-cli'], env);
    assert.equal(init.code, 0, init.stderr);
    const bad = await runVafa(['import', 'customers', file, '--date-format', 'someday'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--date-format/);
    const missing = await runVafa(['import', 'orders', path.join(dir, 'nope.csv')], env);
    assert.match(missing.stderr, /no file/);
  });

  test('given a generated orders file, when imported, dry-run first, then it shows progress, prints a summary, writes the error report, and a re-run adds nothing', async () => {
    const file = path.join(dir, 'orders.csv');
    const { rows, badRows, goodOrders } = writeOrders(file, 1500);

    const dry = await runVafa(['import', 'orders', file, '--date-format', 'jalali', '--currency', 'IRT', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual([summaryOf(dry.stdout).rowsDone, summaryOf(dry.stdout).rowsFailed, summaryOf(dry.stdout).importId], [rows - badRows, badRows, null]);
    assert.equal(await count('orders'), 0, 'a dry run writes nothing');
    assert.ok(fs.existsSync(file.replace('.csv', '.errors.csv')));

    const run = await runVafa(['import', 'orders', file, '--date-format', 'jalali', '--currency', 'IRT'], env);
    assert.equal(run.code, 0, run.stderr);
    const summary = summaryOf(run.stdout);
    assert.deepEqual([summary.status, summary.rowsTotal, summary.rowsDone, summary.rowsFailed], ['completed', rows, rows - badRows, badRows]);
    assert.equal(summary.counts.ordersCreated, goodOrders);
    assert.equal(summary.counts.customersCreated, 50);
    assert.match(run.stderr, /orders\s+100\.0 %\s+3,000\/3,000 rows\s+[\d,]+ rows\/s\s+ETA/, 'plain progress lines when stderr is not a terminal');
    const report = fs.readFileSync(summary.errorsFile, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(report.length - 1, badRows);
    assert.match(report[1] ?? '', /^97,98,قیمت,N\/A,is not an amount$/);
    const total = await sql<{ total: string }>`select total_minor::text as total from orders where external_id = 'ord-2'`.execute(db);
    assert.equal(total.rows[0]?.total, String((25_000 * 1 + 50_000 * 2 + 75_000 * 3) * 10), 'line totals in toman, stored in rials');

    const again = await runVafa(['import', 'orders', file, '--date-format', 'jalali', '--currency', 'IRT'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(summaryOf(again.stdout).counts, { ordersCreated: 0, ordersExisting: goodOrders, linesCreated: 0, customersCreated: 0 });
    assert.equal(await count('orders'), goodOrders);
  });

  test('given an import killed with SIGKILL mid-way, when the same command runs again, then it resumes and every row is imported exactly once', async () => {
    const file = path.join(dir, 'killed.csv');
    const { rows, badRows, goodOrders } = writeOrders(file, 20_000);
    const [{ id: workspaceId }] = await db.selectFrom('workspaces').select('id').execute() as [{ id: string }];
    await sql`delete from orders where workspace_id = ${workspaceId}`.execute(db);
    const args = ['import', 'orders', file, '--date-format', 'jalali', '--currency', 'IRT'];
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/vafa.mjs'), ...args], { cwd: repoRoot, env: { ...process.env, ...env, NODE_TEST_CONTEXT: '' } });
    const exited = once(child, 'exit');
    for (let i = 0; i < 600; i++) {
      const progress = await db.selectFrom('imports').select(['next_row']).where('file_name', '=', 'killed.csv').executeTakeFirst();
      if (progress && progress.next_row >= 5000) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const cut = await db.selectFrom('imports').selectAll().where('file_name', '=', 'killed.csv').executeTakeFirstOrThrow();
    assert.equal(cut.status, 'running', 'killed: nobody marked it');
    assert.ok(cut.next_row >= 5000 && cut.next_row < rows, `stopped mid-way (${cut.next_row} of ${rows})`);

    const resumed = await runVafa(args, env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = summaryOf(resumed.stdout);
    assert.equal(summary.importId, cut.id);
    assert.equal(summary.resumed, true);
    assert.match(resumed.stderr, /resuming import/);
    assert.deepEqual([summary.rowsDone, summary.rowsFailed], [rows - badRows, badRows]);
    assert.equal(summary.counts.ordersCreated, goodOrders);
    assert.equal(await count('orders'), goodOrders);
    const lines = Number((await sql<{ n: string }>`select count(*) as n from order_lines where workspace_id = ${workspaceId}`.execute(db)).rows[0]?.n);
    assert.equal(lines, rows - badRows, 'one line per good row, none twice');
    const reportLines = fs.readFileSync(summary.errorsFile, 'utf8').trim().split('\r\n').length - 1;
    assert.equal(reportLines, badRows, 'the error report has each bad row once');
  });
});

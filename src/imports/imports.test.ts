import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../testing/harness.ts';
import { type RunOptions, runImport } from './engine.ts';
import { applyMapChanges, type ColumnMapping, type ImportKind, suggestMapping } from './fields.ts';
import { inspectFile } from './file.ts';
import type { ImportOptions } from './options.ts';
import { createImport, errorReport, findResumable, getImport, type NewImport } from './store.ts';

const t = await createTestApp();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-imports-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;

interface Run {
  kind: ImportKind;
  csv: string;
  map?: Record<string, ColumnMapping | null>;
  options?: Partial<ImportOptions>;
  dryRun?: boolean;
  run?: RunOptions;
  /** Re-use a file written earlier (a re-run of the same file). */
  file?: string;
}

/** Imports `csv` into `workspaceId` the way `vafa import` does: resumes an unfinished import of the same file. */
async function importCsv(workspaceId: string, r: Run) {
  const file = r.file ?? path.join(dir, `f${++files}.csv`);
  if (!r.file) fs.writeFileSync(file, r.csv);
  const facts = await inspectFile(file);
  const mapping = applyMapChanges(suggestMapping(r.kind, facts.header), r.map ?? {});
  const spec: NewImport = {
    workspaceId,
    kind: r.kind,
    source: 'cli',
    fileName: path.basename(file),
    sha256: facts.sha256,
    bytes: facts.bytes,
    rowsTotal: facts.rowsTotal,
    mapping,
    options: { dateFormat: 'iso', ...r.options, delimiter: facts.delimiter },
    dryRun: Boolean(r.dryRun),
    createdBy: 'test',
  };
  const tracked = (await findResumable(t.db, spec)) ?? (await createImport(t.db, spec));
  const actor = { workspaceId, role: 'owner' as const, type: 'system' as const, id: null, label: 'test import' };
  const job = { workspaceId, kind: r.kind, file, facts, mapping, options: spec.options, dryRun: spec.dryRun, actor, defaultCountry: 'IR', importId: tracked.id };
  const result = await runImport(t.db, job, r.run);
  const row = await getImport(t.db, workspaceId, tracked.id);
  let report = '';
  for await (const chunk of errorReport(t.db, tracked.id)) report += chunk;
  return { result, row: row as NonNullable<typeof row>, report: report.trim().split('\r\n'), file, id: tracked.id };
}

const count = async (table: 'customers' | 'orders' | 'order_lines' | 'customer_activity', workspaceId: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where workspace_id = ${workspaceId}`.execute(t.db)).rows[0]?.n);

const customersCsv = [
  'شناسه,نام,نام خانوادگی,موبایل,ایمیل,تاریخ تولد,شهر,جنسیت,برچسب,attribute:tier',
  'c1,علی,کریمی,۰۹۱۲۱۲۳۴۵۶۷,Ali@Example.com,۱۳۷۰/۰۵/۲۰,تهران,مرد,"vip, وفادار",gold',
  'c2,سارا,احمدی,09351112233,sara@example.com,1375/13/01,شیراز,زن,,',
  'c3,Bad,Phone,not-a-phone,,,,,,',
  ',,,,,,,,,',
  ',Reza,,,reza@example.com,,Tabriz,m,new,silver',
  'c5,Tier,Wrong,,,,,,,platinum',
].join('\n');

describe('imports: customers', async () => {
  const ws = await t.workspace();
  await ws.api.post('/api/v1/attribute-definitions', { key: 'tier', label: 'Tier', type: 'enum', options: ['gold', 'silver'] });

  test('given a file with good and bad rows, when run dry, then it reports counts and errors and writes nothing', async () => {
    const before = await count('customers', ws.id);
    const { result, row, report } = await importCsv(ws.id, { kind: 'customers', csv: customersCsv, options: { dateFormat: 'jalali' }, dryRun: true });
    assert.equal(result.status, 'completed');
    assert.deepEqual([row.rows_total, row.rows_done, row.rows_failed], [5, 2, 3]);
    assert.equal(report.length, 4, report.join('\n'));
    assert.equal(await count('customers', ws.id), before);
    assert.equal(await count('customer_activity', ws.id), 0);
  });

  test('given the same file for real, then good rows land normalised, and every bad row is in the report with row, column and reason', async () => {
    const { row, report } = await importCsv(ws.id, { kind: 'customers', csv: customersCsv, options: { dateFormat: 'jalali' } });
    assert.equal(row.status, 'completed');
    assert.deepEqual([row.rows_done, row.rows_failed], [2, 3]);
    assert.deepEqual(row.counts, { created: 2, updated: 0, unchanged: 0 });
    assert.deepEqual(report, [
      'row,line,column,value,reason',
      '2,3,تاریخ تولد,1375/13/01,is not a day of the Jalali calendar (1375/13/1)',
      '3,4,موبایل,not-a-phone,is not a phone number',
      '5,7,attribute:tier,platinum,"must be one of gold, silver"',
    ]);
    const ali = await t.db.selectFrom('customers').selectAll().where('workspace_id', '=', ws.id).where('external_id', '=', 'c1').executeTakeFirstOrThrow();
    assert.deepEqual([ali.phones, ali.emails, ali.birthday, ali.gender, ali.tags, ali.attributes], [['+989121234567'], ['ali@example.com'], '1991-08-11', 'male', ['vip', 'وفادار'], { tier: 'gold' }]);
    const found = await ws.api.get(`/api/v1/customers?q=${encodeURIComponent('0912 123 4567')}`);
    assert.equal(found.json().data[0].id, ali.id, 'imported customers are searchable');
  });

  test('given the same file again with a change, then nobody is created twice and matched customers are updated (by externalId, else email)', async () => {
    const changed = customersCsv.replace('c1,علی,کریمی,۰۹۱۲۱۲۳۴۵۶۷', 'c1,علی,کریمی,۰۹۱۲۱۲۳۴۵۶۷;09120000000').replace(',Reza,,,reza@example.com,,Tabriz', ',Reza,Rezaei,,REZA@example.com,,Tabriz');
    const before = await count('customers', ws.id);
    const { row } = await importCsv(ws.id, { kind: 'customers', csv: changed, options: { dateFormat: 'jalali' } });
    assert.deepEqual(row.counts, { created: 0, updated: 2, unchanged: 0 });
    assert.equal(await count('customers', ws.id), before);
    const ali = (await ws.api.get(`/api/v1/customers?q=c1`)).json().data[0];
    assert.deepEqual(ali.phones, ['+989121234567', '+989120000000'], 'phones are added, none removed');
    const reza = (await ws.api.get('/api/v1/customers?q=reza%40example.com')).json().data;
    assert.equal(reza.length, 1);
    assert.equal(reza[0].lastName, 'Rezaei');
    const timeline = (await ws.api.get(`/api/v1/customers/${reza[0].id}/timeline`)).json().data;
    assert.deepEqual(timeline[0].data.changes.lastName, { from: null, to: 'Rezaei' }, 'the update is on the timeline');
    const again = await importCsv(ws.id, { kind: 'customers', csv: changed, options: { dateFormat: 'jalali' } });
    assert.deepEqual(again.row.counts, { created: 0, updated: 0, unchanged: 2 });
  });
});

/** Orders as line rows: order o<i> has i % 3 + 1 lines, prices in toman. */
function ordersCsv(orders: number, opts: { badEvery?: number } = {}): { csv: string; rows: number; badOrders: Set<string>; badRows: number } {
  const lines = ['order_id,customer_id,email,date,currency,product_id,product_name,qty,price'];
  const badOrders = new Set<string>();
  let row = 0;
  let badRows = 0;
  for (let i = 1; i <= orders; i++) {
    const size = (i % 3) + 1;
    for (let l = 0; l < size; l++) {
      row++;
      const bad = Boolean(opts.badEvery && row % opts.badEvery === 0);
      if (bad && !badOrders.has(`o${i}`)) {
        badOrders.add(`o${i}`);
        badRows += size;
      }
      lines.push(`o${i},cust${i % 7},,۱۴۰۲/۰۷/${String((i % 28) + 1).padStart(2, '0')} 10:00,IRT,p${l},Product ${l},${l + 1},${bad ? 'free' : 10_000 * (l + 1)}`);
    }
  }
  return { csv: `${lines.join('\n')}\n`, rows: row, badOrders, badRows };
}

describe('imports: orders', async () => {
  test('given line rows in toman, then orders are grouped with lines and totals in rials, customers found or created', async () => {
    const ws = await t.workspace();
    await ws.api.post('/api/v1/customers', { externalId: 'cust1', firstName: 'Existing' });
    const csv = [
      'شماره سفارش;کد مشتری;ایمیل;تاریخ;مبلغ;کد کالا;نام کالا;تعداد;قیمت',
      '1001;cust1;;۱۴۰۲/۰۷/۱۵ ۱۴:۳۰;;p1;کتاب;2;150,000',
      '1001;cust1;;;;p2;دفتر;1;۵۰٬۰۰۰',
      '1002;;new@example.com;1402/07/16;1,000,000;;;;',
      '1003;cust1;;1402/07/17;;p1;کتاب;1;free',
      '1003;cust1;;1402/07/17;;p2;دفتر;1;10',
    ].join('\n');
    const { row, report } = await importCsv(ws.id, { kind: 'orders', csv, options: { dateFormat: 'jalali', currency: 'IRT', timeZone: 'Asia/Tehran' } });
    assert.deepEqual([row.rows_total, row.rows_done, row.rows_failed], [5, 3, 2]);
    assert.deepEqual(row.counts, { ordersCreated: 2, ordersExisting: 0, linesCreated: 2, customersCreated: 1 });
    assert.deepEqual(report.slice(1), ['4,5,قیمت,free,is not an amount', '5,6,شماره سفارش,1003,"order ""1003"" has a bad row (row 4)"']);
    const orders = await sql<{ external_id: string; total_minor: number; currency: string; placed_at: Date; source: string; customer: string; lines: string }>`
      select o.external_id, o.total_minor, o.currency, o.placed_at, o.source, coalesce(c.external_id, c.emails[1]) as customer,
             (select string_agg(l.product_id || 'x' || l.quantity || '@' || l.price_minor, ' ' order by l.line_no) from order_lines l where l.order_id = o.id) as lines
      from orders o join customers c on c.id = o.customer_id where o.workspace_id = ${ws.id} order by o.external_id`.execute(t.db);
    assert.deepEqual(
      orders.rows.map((o) => [o.external_id, o.total_minor, o.currency, o.placed_at.toISOString(), o.source, o.customer, o.lines]),
      [
        ['1001', 3_500_000, 'IRR', '2023-10-07T11:00:00.000Z', 'import', 'cust1', 'p1x2@1500000 p2x1@500000'],
        ['1002', 10_000_000, 'IRR', '2023-10-07T20:30:00.000Z', 'import', 'new@example.com', null],
      ],
    );
    const products = await t.db.selectFrom('products').select(['id', 'name']).where('workspace_id', '=', ws.id).orderBy('id').execute();
    assert.deepEqual(products, [{ id: 'p1', name: 'کتاب' }, { id: 'p2', name: 'دفتر' }]);
  });

  test('given an import that crashes after its second chunk, when run again, then it resumes there and the totals are exact, without duplicates', async () => {
    const ws = await t.workspace();
    const { csv, rows, badOrders, badRows } = ordersCsv(60, { badEvery: 17 });
    const crash: RunOptions = {
      chunkRows: 10,
      afterChunk: (n) => {
        if (n === 2) throw new Error('simulated crash');
      },
    };
    await assert.rejects(importCsv(ws.id, { kind: 'orders', csv, options: { dateFormat: 'jalali' }, run: crash }), /simulated crash/);
    const [stopped] = await t.db.selectFrom('imports').selectAll().where('workspace_id', '=', ws.id).execute();
    assert.equal(stopped?.status, 'interrupted');
    assert.ok((stopped?.next_row ?? 0) >= 20 && (stopped?.next_row ?? 0) < 30, `two chunks of ≥ 10 rows committed, an order never split (${stopped?.next_row})`);
    const ordersAfterCrash = await count('orders', ws.id);
    assert.ok(ordersAfterCrash > 0);

    const { row, report, result } = await importCsv(ws.id, { kind: 'orders', csv, options: { dateFormat: 'jalali' }, run: { chunkRows: 10 } });
    assert.equal(row.id, stopped?.id, 'the same import resumed');
    assert.equal(result.status, 'completed');
    assert.deepEqual([row.rows_total, row.rows_done, row.rows_failed], [rows, rows - badRows, badRows]);
    assert.equal(report.length - 1, badRows, 'one report line per bad row');
    const orders = await count('orders', ws.id);
    assert.equal(orders, 60 - badOrders.size);
    assert.equal(row.counts.ordersCreated, orders, 'created across both runs = orders stored');
    assert.equal(await count('customers', ws.id), 7);
    const lines = Number((await sql<{ n: string }>`select count(*) as n from order_lines where workspace_id = ${ws.id}`.execute(t.db)).rows[0]?.n);
    assert.equal(lines, row.rows_done, 'each good row is one line, stored once');

    const again = await importCsv(ws.id, { kind: 'orders', csv, options: { dateFormat: 'jalali' }, run: { chunkRows: 10 } });
    assert.notEqual(again.id, row.id, 'a finished import is not resumed: the file runs again');
    assert.deepEqual(again.row.counts, { ordersCreated: 0, ordersExisting: orders, linesCreated: 0, customersCreated: 0 });
    assert.equal(await count('orders', ws.id), orders);
  });

  test('given an import running in one process, when another tries to run it, then it is refused', async () => {
    const ws = await t.workspace();
    let second: Promise<unknown> | undefined;
    const { row } = await importCsv(ws.id, {
      kind: 'orders',
      csv: ordersCsv(5).csv,
      options: { dateFormat: 'jalali' },
      run: {
        chunkRows: 2,
        afterChunk: async (n) => {
          if (n !== 1) return;
          const file = path.join(dir, `f${files}.csv`);
          second = importCsv(ws.id, { kind: 'orders', csv: '', file, options: { dateFormat: 'jalali' } });
          await assert.rejects(second, /being run by another process/);
        },
      },
    });
    assert.ok(second);
    assert.equal(row.status, 'completed');
    assert.equal(await count('orders', ws.id), 5);
  });
});

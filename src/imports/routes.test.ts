import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { buildApp } from '../app.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestApp } from '../testing/harness.ts';
import { type HttpClient, loginSession } from '../testing/session.ts';
import { inspectFile } from './file.ts';
import { suggestMapping } from './fields.ts';
import { createImport } from './store.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-imports-api-'));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
const t = await createTestApp({ VAFA_DATA_DIR: dataDir });
const ws = await t.workspace();

const persianCsv = [
  'نام,نام خانوادگی,موبایل,ایمیل,شهر,تاریخ تولد,یادداشت',
  'مریم,رضایی,۰۹۱۲۳۳۳۴۴۵۵,maryam@example.com,اصفهان,۱۳۶۸/۱۱/۲۲,خوش‌قول',
  'حسین,,09124445566,,مشهد,1402/12/30,',
  'نازنین,,,,یزد,,',
].join('\r\n');

function upload(query: string, body: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/imports?${query}`,
    headers: { authorization: `Bearer ${ws.secretKey}`, 'content-type': 'text/csv', ...headers },
    payload: body,
  });
}

async function finished(id: string, client: HttpClient = ws.api) {
  for (let i = 0; i < 200; i++) {
    const res = await client.get(`/api/v1/imports/${id}`);
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json();
    if (view.status !== 'queued' && view.status !== 'running') return view;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${id} did not finish`);
}

describe('imports API', () => {
  test('given a CSV with Persian headers, when previewed, then columns, first rows and a suggested mapping come back', async () => {
    await ws.api.post('/api/v1/attribute-definitions', { key: 'vip_level', label: 'VIP level', type: 'number' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports/preview?kind=customers&partial=true',
      headers: { authorization: `Bearer ${ws.secretKey}`, 'content-type': 'text/csv' },
      payload: `${persianCsv.slice(0, persianCsv.lastIndexOf('\r\n'))}\r\nنازن`,
    });
    assert.equal(res.statusCode, 200, res.body);
    const preview = res.json();
    assert.equal(preview.delimiter, ',');
    assert.equal(preview.columns.length, 7);
    assert.equal(preview.rows.length, 2, 'the cut last record is dropped');
    assert.equal(preview.rows[0][0], 'مریم');
    assert.deepEqual(preview.suggestedMapping, {
      'نام': { field: 'firstName' },
      'نام خانوادگی': { field: 'lastName' },
      'موبایل': { field: 'phone' },
      'ایمیل': { field: 'email' },
      'شهر': { field: 'city' },
      'تاریخ تولد': { field: 'birthday' },
    });
    assert.ok(preview.fields.includes('attribute:vip_level'));
  });

  test('given an upload with a Jalali birthday column, then it completes in the background, and the bad row is in the downloadable report', async () => {
    const mapping = JSON.stringify({ 'نام': 'firstName', 'نام خانوادگی': 'lastName', 'موبایل': 'phone', 'ایمیل': 'email', 'شهر': 'city', 'تاریخ تولد': { field: 'birthday', dateFormat: 'jalali' } });
    const res = await upload(`kind=customers&fileName=${encodeURIComponent('مشتریان.csv')}&mapping=${encodeURIComponent(mapping)}`, persianCsv);
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json().rowsTotal, 3);
    const view = await finished(res.json().id);
    assert.equal(view.status, 'completed');
    assert.deepEqual([view.rowsDone, view.rowsFailed, view.percent, view.etaSeconds], [2, 1, 100, 0]);
    assert.deepEqual(view.counts, { created: 2, updated: 0, unchanged: 0 });
    const maryam = (await ws.api.get('/api/v1/customers?q=maryam%40example.com')).json().data[0];
    assert.equal(maryam.birthday, '1990-02-11');
    assert.deepEqual(maryam.phones, ['+989123334455']);

    const report = await ws.api.get(`/api/v1/imports/${view.id}/errors`);
    assert.equal(report.statusCode, 200);
    assert.match(String(report.headers['content-type']), /text\/csv/);
    assert.match(String(report.headers['content-disposition']), /attachment;.*filename\*=UTF-8''%D9%85/);
    assert.equal(report.body, '\uFEFFrow,line,column,value,reason\r\n2,3,تاریخ تولد,1402/12/30,is not a day of the Jalali calendar (1402/12/30)\r\n');
    assert.equal(fs.readdirSync(path.join(dataDir, 'imports')).length, 0, 'a completed upload is not kept');

    const list = (await ws.api.get('/api/v1/imports')).json();
    assert.equal(list.data[0].id, view.id);
    assert.equal(list.data[0].fileName, 'مشتریان.csv');
  });

  test('given a dry run, then it reports counts and errors and writes no customer', async () => {
    const before = (await ws.api.get('/api/v1/customers?limit=200')).json().data.length;
    const res = await upload('kind=orders&dryRun=true&dateFormat=jalali&currency=IRT', 'order,email,date,total\nA1,a@example.com,1402/07/15,"1,000"\nA2,,1402/07/15,5\nA3,b@example.com,1402/07/40,5\n');
    assert.equal(res.statusCode, 202, res.body);
    const view = await finished(res.json().id);
    assert.deepEqual([view.status, view.dryRun, view.rowsDone, view.rowsFailed], ['completed', true, 1, 2]);
    assert.deepEqual(view.counts, { orders: 1, lines: 0 });
    assert.equal((await ws.api.get('/api/v1/customers?limit=200')).json().data.length, before);
  });

  test('given bad requests, then each is refused naming the problem', async () => {
    const badMapping = await upload(`kind=customers&mapping=${encodeURIComponent('{"Nope":"email"}')}`, persianCsv);
    assert.equal(badMapping.statusCode, 400);
    assert.equal(badMapping.json().error.field, 'mapping.Nope');
    const notJson = await upload('kind=customers&mapping=%7B', persianCsv);
    assert.equal(notJson.json().error.field, 'mapping');
    const nothingMapped = await upload('kind=orders', persianCsv);
    assert.equal(nothingMapped.statusCode, 400);
    assert.match(nothingMapped.json().error.message, /orderId/);
    const empty = await upload('kind=customers', '');
    assert.equal(empty.statusCode, 400);
    const asJson = await ws.api.post('/api/v1/imports?kind=customers', { csv: 'a,b' });
    assert.equal(asJson.statusCode, 415);
    const badKind = await upload('kind=products', persianCsv);
    assert.equal(badKind.json().error.field, 'kind');
    const analyst = await ws.keyFor('analyst');
    assert.equal((await analyst.get('/api/v1/imports')).statusCode, 403);
    assert.equal((await ws.api.get('/api/v1/imports/00000000-0000-0000-0000-000000000000')).statusCode, 404);
  });

  test('given a console session, when it uploads with its CSRF token, then the import runs; without the token it is refused', async () => {
    const session = await loginSession(t.app, ws.ownerEmail, ws.ownerPassword);
    const send = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/imports?kind=customers', cookies: { vafa_session: session.cookie }, headers: { 'content-type': 'text/csv', ...headers }, payload: 'email\nsession@example.com\n' });
    assert.equal((await send({})).statusCode, 403);
    const res = await send({ 'x-csrf-token': session.csrfToken });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal((await finished(res.json().id, session)).rowsDone, 1);
  });

  test('given an upload left unfinished by a process that died, when Vafa starts again, then it resumes and completes', async () => {
    const file = path.join(dataDir, 'pending.csv');
    fs.writeFileSync(file, 'externalId,firstName\nr1,Resumed\nr2,Again\n');
    const facts = await inspectFile(file);
    const row = await createImport(t.db, {
      workspaceId: ws.id, kind: 'customers', source: 'api', fileName: 'pending.csv', sha256: facts.sha256, bytes: facts.bytes, rowsTotal: facts.rowsTotal,
      mapping: suggestMapping('customers', facts.header), options: { dateFormat: 'iso', delimiter: ',' }, dryRun: false, createdBy: 'test',
    });
    await t.db.updateTable('imports').set({ status: 'running' }).where('id', '=', row.id).execute();
    fs.mkdirSync(path.join(dataDir, 'imports'), { recursive: true });
    fs.renameSync(file, path.join(dataDir, 'imports', `${row.id}.csv`));

    const restarted = await buildApp({ config: t.config, log: createLogger('silent'), db: t.db, mode: 'external' });
    try {
      const view = await finished(row.id);
      assert.deepEqual([view.status, view.rowsDone], ['completed', 2]);
    } finally {
      await restarted.close();
    }
  });
});

/**
 * The import page in a real browser: upload a CSV with Persian headers and Jalali dates, see the
 * suggested mapping and the guessed date format, import, watch it complete, download the
 * error report. Needs VAFA_TEST_ADMIN_URL and /usr/bin/chromium (see console.e2e.test.ts).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { shot, startVafa, switchLanguage, type Vafa } from './harness';

const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
const OWNER = { email: 'importer@example.com', password: 'correct horse battery' };

let vafa: Vafa | undefined;
let page: Page;

before(async () => {
  if (!ADMIN_URL) return;
  vafa = await startVafa(ADMIN_URL, 'Import Shop', OWNER);
  page = vafa.page;
});

after(async () => {
  await vafa?.stop();
});

const CSV = [
  'نام,نام خانوادگی,موبایل,ایمیل,شهر,تاریخ تولد,یادداشت',
  'مریم,رضایی,۰۹۱۲۳۳۳۴۴۵۵,maryam@example.com,اصفهان,۱۳۶۸/۱۱/۲۲,مشتری قدیمی',
  'حسین,کاظمی,09124445566,,مشهد,1402/12/30,',
  'نازنین,احمدی,,naz@example.com,یزد,1375/01/05,',
].join('\n');

test('the import page: a Persian CSV with Jalali dates, mapped, imported, with its error report', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async () => {
  const server = vafa as Vafa;
  try {
    await page.goto(`${server.baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('customers-empty').waitFor();
    await switchLanguage(page, 'fa');

    await page.getByTestId('nav-imports').click();
    await page.getByTestId('import-page').waitFor();
    await page.locator('input[type="file"]').setInputFiles({ name: 'مشتریان.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByTestId('import-mapping').waitFor();
    assert.equal(await page.getByTestId('import-mapping-row').count(), 7);
    assert.equal(await page.getByTestId('import-map-3').inputValue(), 'ایمیل', 'the email column is suggested as Email');
    assert.equal(await page.getByTestId('import-map-6').inputValue(), 'نادیده', 'an unknown column is ignored');
    assert.match(await page.getByTestId('import-date-format').inputValue(), /شمسی/, 'Jalali dates are recognised');
    await shot(page, 'imports-1-mapping-fa');

    await page.getByTestId('import-start').click();
    await page.locator('[data-testid="import-progress"][data-status="completed"]').waitFor({ timeout: 30_000 });
    assert.match((await page.getByTestId('import-rows').textContent()) ?? '', /۳ از ۳ ردیف/);
    assert.match((await page.getByTestId('import-counts').textContent()) ?? '', /۲ مشتری جدید/);
    await shot(page, 'imports-2-completed-fa');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-errors-link').click()]);
    const report = await readFile((await download.path()) as string, 'utf8');
    assert.match(report, /^\uFEFFrow,line,column,value,reason\r\n2,3,تاریخ تولد,1402\/12\/30,/);

    const res = await server.api('GET', '/api/v1/customers?q=maryam%40example.com');
    const [maryam] = ((await res.json()) as { data: { birthday: string; phones: string[] }[] }).data;
    assert.equal(maryam?.birthday, '1990-02-11', '۱۳۶۸/۱۱/۲۲ is 11 February 1990');
    assert.deepEqual(maryam?.phones, ['+989123334455']);
    await page.getByTestId('recent-imports').waitFor();
  } catch (error) {
    await shot(page, 'imports-failed').catch(() => undefined);
    console.error(`API errors seen:\n${server.apiFailures.join('\n')}\nserver log tail:\n${server.serverLog().slice(-3000)}`);
    throw error;
  }
});

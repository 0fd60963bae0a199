/**
 * The analytics console in a real browser, on the demo shop's made-up purchase histories: the
 * figures are computed (POST /api/v1/analytics/refresh, then the status is polled), and every
 * tab is visited in English and in Persian — KPI cards with numbers, the cohort heat map, RFM
 * segments with their drill-down, the at-risk list, model diagnostics, bought-together rules —
 * plus the focus KPI and the profile card. In Persian the page is right-to-left with Persian
 * digits. Screenshots: /tmp/analytics-*.png.
 *
 *   VAFA_TEST_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --import tsx --test console/e2e/analytics.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { numberedSteps, ROOT, startVafa, switchLanguage, type Vafa } from './harness';

const run = promisify(execFile);
const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
// The demo loader fills the workspace named "Demo Shop"; the owner's address finds our database.
const WORKSPACE = 'Demo Shop';
const OWNER = { email: `analyst-${randomBytes(4).toString('hex')}@example.com`, password: 'correct horse battery' };
const DEMO_CUSTOMERS = 300;

let vafa: Vafa | undefined;
let page: Page;
const pageErrors: string[] = [];

/** src/demo/load.ts's generated histories (18 months up to today), loaded in a child process. */
async function loadDemo(url: string): Promise<{ customers: number; orders: number }> {
  const script = `
    import { createServices } from './src/app.ts';
    import { createDb } from './src/database.ts';
    import { loadDemo } from './src/demo/load.ts';
    import { loadConfig } from './src/platform/config.ts';
    import { createLogger } from './src/platform/logger.ts';
    const db = createDb(process.env.DATABASE_URL, 4);
    const log = createLogger('warn');
    const result = await loadDemo(createServices(db, loadConfig(process.env), log), { referenceDataDir: '/nonexistent', forceGenerated: true, generatedCustomers: ${DEMO_CUSTOMERS} });
    await db.destroy();
    process.stdout.write('\\nDEMO-RESULT ' + JSON.stringify(result) + '\\n');`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
    maxBuffer: 16 * 1024 * 1024,
  });
  // Log lines may come before or after it: the result is the one marked line.
  const line = stdout.split('\n').find((l) => l.startsWith('DEMO-RESULT '));
  if (!line) throw new Error(`the demo loader printed no result:\n${stdout}`);
  return JSON.parse(line.slice('DEMO-RESULT '.length));
}

before(async () => {
  if (!ADMIN_URL) return;
  vafa = await startVafa(ADMIN_URL, WORKSPACE, OWNER);
  page = vafa.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const loaded = await loadDemo(vafa.databaseUrl);
  assert.ok(loaded.orders > DEMO_CUSTOMERS, `demo loaded ${JSON.stringify(loaded)}`);
});

after(async () => {
  await vafa?.stop();
});

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const PERSIAN_DIGIT = /[۰-۹]/;
const LATIN_DIGIT = /[0-9]/;
const shoot = (name: string) => page.screenshot({ path: `/tmp/analytics-${name}.png`, fullPage: true });

async function openTab(tab: string): Promise<void> {
  await page.getByTestId(`analytics-tab-${tab}`).click();
  await page.waitForURL(tab === 'overview' ? /\/analytics$/ : new RegExp(`/analytics/${tab}$`));
}

/** No NaN, Infinity or "undefined" anywhere on the page. */
async function assertNoBrokenNumbers(where: string): Promise<void> {
  const body = (await page.locator('main').textContent()) ?? '';
  for (const bad of ['NaN', 'Infinity', 'undefined', '{{']) assert.ok(!body.includes(bad), `${where} shows "${bad}"`);
}

test('the analytics console, in a browser, against a real server', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async (outer) => {
  const server = () => vafa as Vafa;
  const t = numberedSteps(outer, server, shoot);
  let customerId = '';

  await t.test('given the demo shop, when the owner opens Analytics and recomputes, then the figures get an "as of" time', async () => {
    await page.goto(`${server().baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-analytics').click();
    await page.getByTestId('analytics-page').waitFor();
    await page.getByTestId('analytics-refresh').click();
    // The API too: queue a recompute and poll until it is idle with figures.
    const queued = await server().api('POST', '/api/v1/analytics/refresh');
    assert.equal(queued.status, 202, await queued.text());
    for (let i = 0; ; i++) {
      const status = (await (await server().api('GET', '/api/v1/analytics/status')).json()) as { state: string; asOf: string | null; error: string | null };
      assert.notEqual(status.state, 'failed', status.error ?? 'failed');
      if (status.state === 'idle' && status.asOf) break;
      assert.ok(i < 240, `still ${status.state} after two minutes`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await page.locator('[data-testid="analytics-status"][data-state="idle"]:not([data-as-of=""])').waitFor({ timeout: 30_000 });
    assert.match(await text(page.getByTestId('analytics-as-of')), /^Figures as of \d/);
  });

  await t.test('then the overview shows KPI cards with numbers, period-over-period changes and trend charts', async () => {
    await page.getByTestId('kpi-card').first().waitFor();
    assert.ok((await page.getByTestId('kpi-card').count()) >= 13, 'the 13 order KPIs');
    const revenue = page.locator('[data-testid="kpi-card"][data-kpi="revenue"]');
    assert.match(await text(revenue.getByTestId('kpi-value')), /^(US)?\$[\d,.]+$/, 'revenue in dollars');
    assert.match(await text(page.locator('[data-testid="kpi-card"][data-kpi="orders"]').getByTestId('kpi-value')), /^\d[\d,]*$/);
    assert.match(await text(page.locator('[data-testid="kpi-card"][data-kpi="retention_rate"]').getByTestId('kpi-value')), /^(\d+(\.\d)?%|—)$/);
    assert.ok((await page.locator('[data-testid="kpi-change"][data-tone="better"], [data-testid="kpi-change"][data-tone="worse"], [data-testid="kpi-change"][data-tone="same"]').count()) > 0, 'some KPI has a change arrow');
    await page.locator('[data-testid="trend-chart"] .recharts-surface').first().waitFor();
    assert.ok((await page.locator('[data-testid="trend-chart"] .recharts-bar-rectangle').count()) > 0, 'revenue bars are drawn');
    await page.locator('[data-testid="new-vs-returning"] .recharts-surface').first().waitFor();
    assert.equal(await page.getByTestId('focus-card').getAttribute('data-focus'), 'none');
    await assertNoBrokenNumbers('overview');
    await shoot('en-overview');
  });

  await t.test('when a focus KPI is picked in Settings, then the overview tracks progress toward its target', async () => {
    await openTab('settings');
    await page.getByTestId('analytics-settings-form').waitFor();
    await page.getByTestId('focus-kpi').click();
    await page.getByRole('option', { name: 'Orders', exact: true }).click();
    await page.getByTestId('focus-target').fill('500');
    assert.equal(await page.getByTestId('focus-period').inputValue(), '3 months', 'three months by default');
    assert.match(await text(page.getByTestId('focus-range')), /^From .*\d.* to .*\d/);
    await page.getByTestId('settings-save').click();
    await page.getByText('Analytics settings saved').waitFor();
    await openTab('overview');
    const focus = page.locator('[data-testid="focus-card"][data-focus="orders"]');
    await focus.waitFor();
    assert.match(await text(focus.getByTestId('focus-progress')), /^\d+%$/);
    assert.ok(['reached', 'onTrack', 'behind'].includes((await focus.getAttribute('data-verdict')) ?? ''), 'a verdict is shown');
  });

  await t.test('cohorts: a heat map of cohorts × periods since the first purchase, in percent, counts or revenue', async () => {
    await openTab('cohorts');
    await page.getByTestId('cohort-heatmap').waitFor();
    assert.ok((await page.getByTestId('cohort-row').count()) >= 3, 'the demo customers first bought over three months');
    assert.ok((await page.getByTestId('cohort-cell').count()) > 20);
    const first = page.getByTestId('cohort-row').first().locator('[data-testid="cohort-cell"][data-offset="0"]');
    assert.equal(await text(first), '100%', 'every cohort bought in its first period');
    assert.match((await first.getAttribute('style')) ?? '', /background/);
    await page.getByTestId('cohort-mode').getByText('Customers').click();
    assert.match(await text(first), /^\d[\d,]*$/);
    await page.getByTestId('retention-curve').locator('.recharts-surface').waitFor();
    await assertNoBrokenNumbers('cohorts');
  });

  await t.test('RFM: segment tiles and the 5×5 grid; a segment drills down to its customers', async () => {
    await openTab('rfm');
    await page.getByTestId('rfm-tiles').waitFor();
    assert.ok((await page.getByTestId('rfm-segment').count()) >= 3, 'several segments');
    assert.equal(await page.getByTestId('rfm-grid-cell').count(), 25);
    const tile = page.getByTestId('rfm-segment').first();
    const segment = (await tile.getAttribute('data-segment')) ?? '';
    await tile.click();
    await page.locator(`[data-testid="rfm-drilldown"][data-segment="${segment}"]`).getByTestId('scored-row').first().waitFor();
    assert.ok((await page.getByTestId('scored-row').count()) > 0);
    await assertNoBrokenNumbers('rfm');
  });

  await t.test('predictions: the at-risk list, sorted by CLV at risk', async () => {
    await openTab('predictions');
    await page.getByTestId('predictions-risk').getByText('All').click();
    await page.getByTestId('scored-row').first().waitFor();
    const atRisk = (await page.getByTestId('scored-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-clv-at-risk') ?? ''))).filter(Boolean).map(Number);
    assert.ok(atRisk.length > 5, 'customers have a CLV at risk');
    for (let i = 1; i < atRisk.length; i++) assert.ok((atRisk[i - 1] as number) >= (atRisk[i] as number), 'largest CLV at risk first');
    customerId = (await page.getByTestId('scored-row').first().getAttribute('data-customer-id')) ?? '';
    await page.getByTestId('predictions-risk').getByText('High risk').click();
    await page.waitForTimeout(300);
    const risks = await page.getByTestId('scored-risk').allTextContents();
    assert.ok(risks.every((r) => r === 'High risk'), `only high risk: ${risks.join(', ')}`);
    await assertNoBrokenNumbers('predictions');
  });

  await t.test('VIP vs churned, bought together and model diagnostics show real content or say why not', async () => {
    await openTab('compare');
    await page.locator('[data-testid="compare-feature"], [data-testid="compare-empty"]').first().waitFor();
    assert.equal(await page.getByTestId('compare-group').count(), 2);
    await assertNoBrokenNumbers('compare');
    await shoot('en-compare');

    await openTab('recommendations');
    await page.locator('[data-testid="rule-row"], [data-testid="rules-empty"]').first().waitFor();
    await assertNoBrokenNumbers('rules');
    await shoot('en-rules');

    await openTab('models');
    await page.getByTestId('analytics-models').waitFor();
    const chart = page.getByTestId('tracking-chart');
    await chart.locator('.recharts-surface').waitFor();
    assert.ok(Number(await chart.getAttribute('data-weeks')) > 10, 'weekly tracking points');
    assert.ok((await chart.getAttribute('data-holdout-from')) !== '', 'the holdout split is marked');
    assert.ok((await chart.locator('.recharts-reference-line').count()) > 0, 'a line where the holdout starts');
    assert.match(await text(page.getByTestId('transactions-params-ll')), /^-?[\d,]+\.\d+$/);
    await page.getByTestId('model-converged').waitFor();
    assert.match(await text(page.getByTestId('discrete-params-ll')), /^-?[\d,]+\.\d+$/, 'the monthly BG/BB model beside it');
    await assertNoBrokenNumbers('models');
    await shoot('en-models');
  });

  await t.test('the customer profile shows a value-and-risk card', async () => {
    await page.goto(`${server().baseUrl}/customers/${customerId}`);
    const card = page.getByTestId('customer-analytics-card');
    await card.waitFor();
    assert.ok((await card.getByTestId('card-segment').getAttribute('data-segment')) !== '');
    assert.match(await text(card.getByTestId('card-clv')), /\$[\d,.]+|—/);
    await card.locator('[data-testid="card-recommendations"], [data-testid="card-no-recommendations"]').first().waitFor();
  });

  await t.test('in Persian: right to left, Persian digits, Jalali dates, on every tab', async () => {
    await page.goto(`${server().baseUrl}/analytics`);
    await switchLanguage(page, 'fa');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.getByTestId('kpi-card').first().waitFor();
    assert.equal(await text(page.getByTestId('analytics-tab-overview')), 'نمای کلی');
    const orders = await text(page.locator('[data-testid="kpi-card"][data-kpi="orders"]').getByTestId('kpi-value'));
    assert.match(orders, PERSIAN_DIGIT);
    assert.doesNotMatch(orders, LATIN_DIGIT);
    assert.match(await text(page.getByTestId('analytics-as-of')), /^ارقام تا [۰-۹]+ (فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) ۱۴[۰-۹]{2}/, 'a Jalali date');
    assert.match(await text(page.locator('[data-testid="focus-card"]').getByTestId('focus-progress')), /^[۰-۹]+٪$/);
    // The time axis runs right to left: the value axis stands on the right.
    await page.locator('[data-testid="trend-chart"] .recharts-yAxis.yAxis').first().waitFor();
    const axis = await page.locator('[data-testid="trend-chart"] .recharts-yAxis').first().boundingBox();
    const plot = await page.locator('[data-testid="trend-chart"] .recharts-surface').first().boundingBox();
    assert.ok(axis && plot && axis.x > plot.x + plot.width / 2, 'the value axis is on the right in RTL');
    await assertNoBrokenNumbers('fa overview');
    await shoot('fa-overview');

    await openTab('cohorts');
    const first = page.getByTestId('cohort-row').first().locator('[data-testid="cohort-cell"][data-offset="0"]');
    await first.waitFor();
    assert.equal(await text(first), '۱۰۰٪');
    const cohortLabel = await text(page.getByTestId('cohort-row').first().locator('td').first());
    assert.match(cohortLabel, /(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند)/, 'Jalali month names');
    await assertNoBrokenNumbers('fa cohorts');
    await shoot('fa-cohorts');

    await openTab('rfm');
    await page.getByTestId('rfm-segment').first().waitFor();
    assert.match(await text(page.getByTestId('rfm-segment-count').first()), /^[۰-۹٬]+$/);
    await page.getByTestId('rfm-segment').first().click();
    await page.getByTestId('scored-row').first().waitFor();
    await shoot('fa-rfm');

    await openTab('predictions');
    await page.getByTestId('predictions-risk').getByText('همه').click();
    await page.getByTestId('scored-row').first().waitFor();
    assert.match(await text(page.getByTestId('scored-clv-at-risk').first()), PERSIAN_DIGIT);
    await shoot('fa-predictions');

    await openTab('compare');
    await page.locator('[data-testid="compare-feature"], [data-testid="compare-empty"]').first().waitFor();
    await assertNoBrokenNumbers('fa compare');
    await shoot('fa-compare');

    await openTab('settings');
    await page.getByTestId('focus-range').waitFor();
    assert.match(await text(page.getByTestId('focus-range')), /^از [۰-۹]+ .+ ۱۴[۰-۹]{2} تا /, 'the focus period in Jalali dates');
    await shoot('fa-settings');

    await openTab('recommendations');
    await page.locator('[data-testid="rule-row"], [data-testid="rules-empty"]').first().waitFor();

    await openTab('models');
    await page.getByTestId('tracking-chart').locator('.recharts-surface').waitFor();
    assert.match(await text(page.getByTestId('transactions-params-ll')), PERSIAN_DIGIT);
    await assertNoBrokenNumbers('fa models');
    await shoot('fa-models');

    await page.goto(`${server().baseUrl}/customers/${customerId}`);
    const card = page.getByTestId('customer-analytics-card');
    await card.waitFor();
    assert.match(await text(card), /ارزش و ریسک/);
    assert.match(await text(card.getByTestId('card-p-alive')), PERSIAN_DIGIT);
    await card.screenshot({ path: '/tmp/analytics-fa-profile-card.png' });
  });

  await t.test('in Arabic: right to left with Arabic-Indic digits', async () => {
    await page.goto(`${server().baseUrl}/analytics`);
    await switchLanguage(page, 'ar');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.getByTestId('kpi-card').first().waitFor();
    assert.equal(await text(page.getByTestId('analytics-tab-overview')), 'نظرة عامة');
    assert.match(await text(page.locator('[data-testid="kpi-card"][data-kpi="orders"]').getByTestId('kpi-value')), /^[٠-٩٬]+$/);
    await assertNoBrokenNumbers('ar overview');
    await switchLanguage(page, 'en');
    assert.deepEqual(pageErrors, [], 'no script errors');
  });
});

/**
 * The segment builder in a real browser against a real server. Twelve customers (six in Tehran,
 * six in Shiraz) with "Product Viewed" and "Signed Up" events arrive through /v1/batch; then, in
 * English and in Persian, a segment "city is X AND (viewed a product at least twice OR signed up)"
 * is built through the UI with a nested OR group. The live count must equal what
 * POST /api/v1/segments/preview answers for the same rules (and what the data says), the saved
 * segment lists those members, and a rule the server refuses shows its message under the input
 * it names. Screenshots: /tmp/segments-*.png.
 *
 *   VAFA_TEST_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --import tsx --test console/e2e/segments.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Locator, Page, Request } from 'playwright-core';
import { numberedSteps, startVafa, switchLanguage, type Vafa } from './harness';

const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
const OWNER = { email: `segments-${randomBytes(4).toString('hex')}@example.com`, password: 'correct horse battery' };

let vafa: Vafa | undefined;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  if (!ADMIN_URL) return;
  vafa = await startVafa(ADMIN_URL, 'Segments Shop', OWNER);
  page = vafa.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await vafa?.stop();
});

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const shoot = (name: string) => page.screenshot({ path: `/tmp/segments-${name}.png`, fullPage: true });

/**
 * c1…c6 live in Tehran, c7…c12 in Shiraz. Viewed a product at least twice: c1 (3), c3 (2), c7 (3);
 * c2 once. Signed up: c2, c4, c8. So "Tehran AND (≥ 2 views OR signed up)" is c1 c2 c3 c4, and
 * "Shiraz AND (…)" is c7 c8.
 */
const EXPECTED = { Tehran: ['Customer 1', 'Customer 2', 'Customer 3', 'Customer 4'], Shiraz: ['Customer 7', 'Customer 8'] };

async function loadCustomers(server: Vafa): Promise<void> {
  const key = await server.api('POST', '/api/v1/api-keys', { kind: 'write', name: 'e2e' });
  const body = await key.text();
  assert.equal(key.status, 201, body);
  const { key: writeKey } = JSON.parse(body) as { key: string };
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const messages: Record<string, unknown>[] = [];
  for (let i = 1; i <= 12; i++) {
    messages.push({ type: 'identify', userId: `c${i}`, timestamp: at(60), traits: { firstName: 'Customer', lastName: String(i), email: `c${i}@example.com`, city: i <= 6 ? 'Tehran' : 'Shiraz' } });
  }
  const views: Record<number, number> = { 1: 3, 2: 1, 3: 2, 7: 3 };
  for (const [i, n] of Object.entries(views)) {
    for (let k = 0; k < n; k++) messages.push({ type: 'track', userId: `c${i}`, event: 'Product Viewed', timestamp: at(30 - k), properties: { product_id: `p-${k}`, category: 'shoes' } });
  }
  for (const i of [2, 4, 8]) messages.push({ type: 'track', userId: `c${i}`, event: 'Signed Up', timestamp: at(20), properties: { plan: 'free' } });
  const res = await fetch(`${server.baseUrl}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writeKey, batch: messages }) });
  assert.equal(res.status, 200, await res.text());
}

/** Picks an option of the Mantine Select `testId` inside `scope`. */
async function pick(scope: Locator, testId: string, label: string): Promise<void> {
  await scope.getByTestId(testId).click();
  await page.getByRole('option', { name: label, exact: true }).click();
}

/** The last condition of a group (the one just added). */
const lastCondition = (group: Locator) => group.locator(':scope > div > div > [data-testid="rule-condition"]').last();

async function addCondition(group: Locator, type: string): Promise<Locator> {
  await group.getByTestId('add-condition').last().click();
  await page.getByTestId(`add-condition-${type}`).click();
  return lastCondition(group);
}

interface Labels {
  city: string;
  equals: string;
  or: string;
  atLeast: string;
  inLast: string;
}

/** Builds `city = <city> AND (viewed a product ≥ 2 times in the last 30 days OR signed up)`. */
async function buildSegment(city: string, labels: Labels): Promise<void> {
  const root = page.locator('[data-testid="rule-group"][data-path="rules"]');
  const cityCondition = await addCondition(root, 'profile');
  await pick(cityCondition, 'condition-subject', labels.city);
  await pick(cityCondition, 'condition-operator', labels.equals);
  await cityCondition.getByTestId('operand-value').fill(city);

  await root.getByTestId('add-group').last().click();
  const nested = page.locator('[data-testid="rule-group"][data-path="rules.conditions.1"]');
  await nested.waitFor();
  await nested.getByTestId('group-op').getByText(labels.or, { exact: true }).click();
  await page.locator('[data-testid="rule-group"][data-path="rules.conditions.1"][data-op="or"]').waitFor();

  const viewed = await addCondition(nested, 'event');
  await viewed.getByTestId('event-name').fill('Product Viewed');
  await page.keyboard.press('Escape');
  await pick(viewed, 'event-count-operator', labels.atLeast);
  await viewed.getByTestId('event-count').fill('2');
  await pick(viewed, 'event-window', labels.inLast);
  await viewed.getByTestId('event-days').fill('30');

  const signedUp = await addCondition(nested, 'event');
  await signedUp.getByTestId('event-name').fill('Signed Up');
  await page.keyboard.press('Escape');
}

/** The rules as the browser last sent them to the preview (the same tree we ask the API about). */
function lastPreviewRules(): Promise<unknown> {
  return page
    .waitForRequest((r) => r.url().endsWith('/api/v1/segments/preview') && r.method() === 'POST', { timeout: 5_000 })
    .then((r) => (r.postDataJSON() as { rules: unknown }).rules);
}

async function previewCount(): Promise<string> {
  const panel = page.locator('[data-testid="segment-preview"][data-state="ready"]');
  await panel.waitFor();
  return (await panel.getAttribute('data-count')) ?? '';
}

test('the segment builder, in a browser, against a real server', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async (outer) => {
  const server = () => vafa as Vafa;
  const t = numberedSteps(outer, server, shoot);

  await t.test('given twelve customers with events, when the owner opens Segments, then the list is empty and offers a new segment', async () => {
    await loadCustomers(server());
    await page.goto(`${server().baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-segments').click();
    await page.getByTestId('segments-empty').waitFor();
    await page.getByTestId('new-segment').click();
    await page.getByTestId('segment-editor').waitFor();
    await page.locator('[data-testid="segment-preview"] [data-testid="preview-count"]').waitFor();
    assert.equal(await previewCount(), '12', 'an empty AND matches everyone');
  });

  let rules: unknown;
  await t.test('when a segment with a nested OR group is built, then the live count equals what the API says', async () => {
    const sent = lastPreviewRulesAfter(() => buildSegment('Tehran', { city: 'City', equals: 'is', or: 'ANY', atLeast: 'at least', inLast: 'in the last' }));
    rules = await sent;
    const shown = await waitForCount(String(EXPECTED.Tehran.length));
    const api = await server().api('POST', '/api/v1/segments/preview', { rules });
    const body = await api.text();
    assert.equal(api.status, 200, body);
    const answer = JSON.parse(body) as { count: number; sample: { displayName: string }[] };
    assert.equal(shown, String(answer.count), 'the console shows the API’s count');
    assert.deepEqual(answer.sample.map((m) => m.displayName).sort(), EXPECTED.Tehran);
    const sample = await page.getByTestId('preview-sample-row').allTextContents();
    assert.equal(sample.length, EXPECTED.Tehran.length);
    assert.ok((await page.getByTestId('preview-sample-row').first().locator('a').getAttribute('href'))?.startsWith('/customers/'), 'samples link to profiles');
    await shoot('en-builder');
  });

  await t.test('when a rule the server refuses is added, then its message shows under the input it names, and saving is refused', async () => {
    const root = page.locator('[data-testid="rule-group"][data-path="rules"]');
    const birthday = await addCondition(root, 'anniversary');
    await pick(birthday, 'anniversary-operator', 'is in the next … days');
    await birthday.getByTestId('anniversary-days').fill('400');
    const days = page.locator('[data-testid="rule-condition"][data-path="rules.conditions.2"]').getByTestId('anniversary-days');
    await page.waitForFunction(() => document.querySelector('[data-testid="anniversary-days"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(await text(birthday), /at most 366/, 'the server’s message, under the days input');
    await page.getByTestId('segment-name').fill('Tehran regulars');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/segments') && r.request().method() === 'POST');
    await page.getByTestId('segment-save').click();
    assert.equal((await refused).status(), 400);
    assert.match(page.url(), /\/segments\/new$/, 'still on the editor');
    assert.equal(await days.getAttribute('aria-invalid'), 'true');
    await shoot('en-field-error');
    await birthday.getByTestId('remove-condition').click();
    await waitForCount(String(EXPECTED.Tehran.length));
  });

  await t.test('when the segment is saved, then its page lists exactly those members', async () => {
    await page.getByTestId('segment-save').click();
    await page.getByTestId('segment-detail').waitFor();
    assert.equal(await page.getByTestId('segment-detail').getAttribute('data-member-count'), String(EXPECTED.Tehran.length));
    assert.equal(await text(page.getByTestId('segment-title')), 'Tehran regulars');
    await page.getByTestId('member-row').first().waitFor();
    const names = (await page.getByTestId('member-row').locator('a').allTextContents()).sort();
    assert.deepEqual(names, EXPECTED.Tehran);
    await shoot('en-detail');
    await page.getByTestId('segments-back').click();
    const row = page.locator('[data-testid="segment-row"][data-name="Tehran regulars"]');
    await row.waitFor();
    assert.equal(await row.getByTestId('segment-members').getAttribute('data-count'), String(EXPECTED.Tehran.length));
  });

  await t.test('when its rules are edited (Tehran → Shiraz), then the count follows and the saved members change', async () => {
    await page.locator('[data-testid="segment-row"][data-name="Tehran regulars"]').getByTestId('segment-link').click();
    await page.getByTestId('segment-edit').click();
    await page.getByTestId('segment-editor').waitFor();
    assert.equal(await waitForCount(String(EXPECTED.Tehran.length)), String(EXPECTED.Tehran.length), 'the saved rules are loaded and counted');
    await page.locator('[data-testid="rule-condition"][data-path="rules.conditions.0"]').getByTestId('operand-value').fill('Shiraz');
    assert.equal(await waitForCount(String(EXPECTED.Shiraz.length)), String(EXPECTED.Shiraz.length));
    await page.getByTestId('segment-name').fill('Shiraz regulars');
    await page.getByTestId('segment-save').click();
    await page.locator(`[data-testid="segment-detail"][data-member-count="${EXPECTED.Shiraz.length}"]`).waitFor();
    await page.getByTestId('member-row').nth(EXPECTED.Shiraz.length - 1).waitFor();
    assert.deepEqual((await page.getByTestId('member-row').locator('a').allTextContents()).sort(), EXPECTED.Shiraz);
    await page.getByTestId('segments-back').click();
  });

  await t.test('a manual segment: CSV upload shows matched and unmatched rows, customers are added and removed, the segment is duplicated and deleted', async () => {
    await page.getByTestId('new-segment').click();
    await page.getByTestId('segment-name').fill('VIP list');
    await page.getByTestId('segment-kind').getByText('Manual list', { exact: true }).click();
    await page.getByTestId('segment-save').click();
    await page.locator('[data-testid="segment-detail"][data-kind="manual"]').waitFor();
    await page.getByTestId('members-empty').waitFor();

    await page.getByTestId('segment-import').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[type="file"]').setInputFiles({ name: 'vip.csv', mimeType: 'text/csv', buffer: Buffer.from('email\nc1@example.com\nC9@Example.com\nnobody@example.com\n') });
    await dialog.getByTestId('csv-submit').click();
    const result = dialog.getByTestId('csv-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-matched'), '2');
    assert.equal(await result.getAttribute('data-unmatched'), '1');
    assert.match(await text(dialog.getByTestId('csv-unmatched-row')), /nobody@example\.com/);
    await shoot('en-csv');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.locator('[data-testid="segment-detail"][data-member-count="2"]').waitFor();
    const names = async () => (await page.getByTestId('member-row').locator('a').allTextContents()).sort();
    await page.getByTestId('member-row').nth(1).waitFor();
    assert.deepEqual(await names(), ['Customer 1', 'Customer 9']);

    await page.getByTestId('segment-add-members').click();
    await page.getByTestId('add-members-search').fill('c5@example.com');
    await page.getByTestId('add-members-result').first().click();
    await page.getByTestId('add-members-submit').click();
    await page.locator('[data-testid="segment-detail"][data-member-count="3"]').waitFor();
    await page.getByTestId('member-row').nth(2).waitFor();
    assert.deepEqual(await names(), ['Customer 1', 'Customer 5', 'Customer 9']);

    await page.locator('[data-testid="member-row"]', { hasText: 'Customer 9' }).getByTestId('member-select').click();
    await page.getByTestId('members-remove').click();
    await page.locator('[data-testid="segment-detail"][data-member-count="2"]').waitFor();
    await page.locator('[data-testid="member-row"]', { hasText: 'Customer 9' }).waitFor({ state: 'detached' });
    assert.deepEqual(await names(), ['Customer 1', 'Customer 5']);

    await page.getByTestId('segments-back').click();
    await page.locator('[data-testid="segment-row"][data-name="VIP list"]').getByTestId('segment-actions').click();
    await page.getByTestId('segment-duplicate').click();
    await page.locator('[data-testid="segment-detail"][data-kind="manual"][data-member-count="2"]').waitFor();
    assert.equal(await text(page.getByTestId('segment-title')), 'VIP list (copy)');
    await page.getByTestId('segments-back').click();
    const copy = page.locator('[data-testid="segment-row"][data-name="VIP list (copy)"]');
    await copy.getByTestId('segment-actions').click();
    await page.getByTestId('segment-delete').click();
    await page.getByTestId('segment-delete-confirm-confirm').click();
    await copy.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('segment-row').count(), 2, 'Shiraz regulars and VIP list remain');
  });

  await t.test('in Persian: right to left, Jalali month names, and the same builder with Persian digits', async () => {
    await switchLanguage(page, 'fa');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.getByTestId('new-segment').click();
    await page.getByTestId('segment-editor').waitFor();
    await page.getByTestId('segment-name').fill('مشتریان فعال شیراز');

    // "Birthday in the month …" offers the Jalali months, Farvardin to Esfand.
    const root = page.locator('[data-testid="rule-group"][data-path="rules"]');
    const birthday = await addCondition(root, 'anniversary');
    assert.equal(await birthday.getByTestId('anniversary-calendar').inputValue(), 'خورشیدی (جلالی)', 'Jalali by default in Persian');
    await pick(birthday, 'anniversary-operator', 'در ماه');
    await birthday.getByTestId('anniversary-month').click();
    const months = await page.getByRole('option').allTextContents();
    assert.deepEqual(months.slice(0, 3), ['فروردین', 'اردیبهشت', 'خرداد']);
    assert.equal(months[11], 'اسفند');
    await page.keyboard.press('Escape');
    await birthday.getByTestId('remove-condition').click();

    const sent = lastPreviewRulesAfter(() => buildSegment('Shiraz', { city: 'شهر', equals: 'برابر است با', or: 'یکی از', atLeast: 'دست‌کم', inLast: 'در' }));
    const rules = await sent;
    await waitForCount(String(EXPECTED.Shiraz.length));
    const api = (await (await server().api('POST', '/api/v1/segments/preview', { rules })).json()) as { count: number };
    assert.equal(api.count, EXPECTED.Shiraz.length);
    assert.equal(await text(page.getByTestId('preview-count')), '۲', 'the count in Persian digits');
    await shoot('fa-builder');

    await page.getByTestId('segment-save').click();
    await page.getByTestId('segment-detail').waitFor();
    assert.equal(await page.getByTestId('segment-detail').getAttribute('data-member-count'), String(EXPECTED.Shiraz.length));
    await page.getByTestId('member-row').first().waitFor();
    assert.deepEqual((await page.getByTestId('member-row').locator('a').allTextContents()).sort(), EXPECTED.Shiraz);
    assert.match(await text(page.getByTestId('segment-member-count')), /۲/);
    await shoot('fa-detail');
  });

  await t.test('in Persian, an empty name is refused and the message shows under the name', async () => {
    await page.getByTestId('segments-back').click();
    await page.getByTestId('new-segment').click();
    await page.getByTestId('segment-save').click();
    const name = page.getByTestId('segment-name');
    await page.waitForFunction(() => document.querySelector('[data-testid="segment-name"]')?.getAttribute('aria-invalid') === 'true');
    assert.match(page.url(), /\/segments\/new$/);
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    await shoot('fa-name-error');
  });

  await t.test('then the browser saw no uncaught errors', async () => {
    assert.deepEqual(pageErrors, []);
  });
});

/** Runs `build` and returns the rules of the last preview request it caused. */
async function lastPreviewRulesAfter(build: () => Promise<void>): Promise<unknown> {
  let last: unknown;
  const listener = (r: Request) => {
    if (r.url().endsWith('/api/v1/segments/preview') && r.method() === 'POST') last = (r.postDataJSON() as { rules: unknown }).rules;
  };
  page.on('request', listener);
  try {
    await build();
    // The debounce settles; the request for the final tree goes out.
    await lastPreviewRules().catch(() => undefined);
    await page.locator('[data-testid="segment-preview"][data-state="ready"]').waitFor();
  } finally {
    page.off('request', listener);
  }
  assert.ok(last, 'the builder asked for a preview');
  return last;
}

/** Waits until the live count settles at `expected` and returns it as shown (data-count). */
async function waitForCount(expected: string): Promise<string> {
  await page.locator(`[data-testid="segment-preview"][data-state="ready"][data-count="${expected}"]`).waitFor({ timeout: 10_000 }).catch(() => undefined);
  return previewCount();
}

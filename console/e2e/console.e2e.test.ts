/**
 * The console in a real browser against a real Vafa server and a fresh PostgreSQL database.
 *
 * Needs VAFA_TEST_ADMIN_URL (a postgres URL to an admin database) and Debian's /usr/bin/chromium:
 *
 *   VAFA_TEST_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --import tsx --test console/e2e/console.e2e.test.ts
 *
 * Screenshots of the key steps land in /tmp/vafa-console-*.png.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { numberedSteps, selectOption, shot, startVafa, switchLanguage, type Vafa } from './harness';

const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
const OWNER = { email: 'owner@example.com', password: 'correct horse battery' };
const PERSIAN_MONTHS = /فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند/;

let vafa: Vafa | undefined;
let page: Page;

before(async () => {
  if (!ADMIN_URL) return;
  vafa = await startVafa(ADMIN_URL, 'Test Shop', OWNER);
  page = vafa.page;
});

after(async () => {
  await vafa?.stop();
});

/** The text a locator holds, trimmed. */
async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').trim();
}

async function openProfile(name: string): Promise<void> {
  await page.getByTestId('nav-customers').click();
  await page.getByTestId('customer-name').filter({ hasText: name }).click();
  await page.getByTestId('customer-profile').waitFor();
}

test('the console, in a browser, against a real server', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async (outer) => {
  const server = () => vafa as Vafa;
  const t = numberedSteps(outer, server, (name) => shot(page, name));

  await t.test('given the owner, when they log in, then the empty customers page shows', async () => {
    await page.goto(`${server().baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('customers-empty').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
    await shot(page, '1-customers-empty-en');
  });

  await t.test('when «علی کریمی» is created in the New customer modal, then the list shows them', async () => {
    // A second customer, through the API, so that searching has something to leave out.
    const sara = await server().api('POST', '/api/v1/customers', { firstName: 'Sara', lastName: 'Ahmadi', emails: ['sara@example.com'], city: 'Shiraz' });
    assert.equal(sara.status, 201, await sara.text());

    await page.getByTestId('new-customer').click();
    await page.getByTestId('new-customer-first-name').fill('علی');
    await page.getByTestId('new-customer-last-name').fill('کریمی');
    await page.getByTestId('new-customer-email').fill('ali@example.com');
    await page.getByTestId('new-customer-phone').fill('09121234567');
    await page.getByTestId('new-customer-city').fill('تهران');
    await page.getByTestId('new-customer-tags').fill('vip');
    await page.getByTestId('new-customer-tags').press('Enter');
    await page.getByTestId('new-customer-submit').click();
    await page.getByTestId('new-customer-modal').waitFor({ state: 'hidden' });
    await page.getByTestId('customer-name').filter({ hasText: 'علی کریمی' }).waitFor();
    assert.equal(await page.getByTestId('customer-row').count(), 2);
  });

  await t.test('when the API rejects a field, then the modal shows the message under that input', async () => {
    await page.getByTestId('new-customer').click();
    await page.getByTestId('new-customer-first-name').fill('Bad');
    await page.getByTestId('new-customer-email').fill('not-an-email');
    await page.getByTestId('new-customer-submit').click();
    const error = page.locator('[data-testid="new-customer-modal"] .mantine-TextInput-error');
    await error.waitFor();
    assert.match(await text(error), /email/i);
    await page.keyboard.press('Escape');
    await page.getByTestId('new-customer-modal').waitFor({ state: 'hidden' });
  });

  await t.test('when the language is switched to fa, then the page is RTL and dates are Jalali with Persian digits', async () => {
    await switchLanguage(page, 'fa');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.getByRole('heading', { name: 'مشتریان' }).waitFor();

    const created = await text(page.getByTestId('customer-created').first());
    assert.match(created, /[۰-۹]{4}/);
    assert.match(created, PERSIAN_MONTHS);
    assert.equal(created, new Intl.DateTimeFormat('fa-IR', { dateStyle: 'long' }).format(new Date()));
    await shot(page, '2-customers-fa');

    // The choice survives a reload (localStorage).
    await page.reload();
    await page.getByTestId('customers-table').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  });

  await t.test('when searching «علي كريمي» with Arabic ي and ك, then «علی کریمی» is found and Sara is not', async () => {
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/customers?') && r.url().includes('q='));
    await page.getByTestId('customer-search').fill('علي كريمي');
    assert.equal((await answered).status(), 200);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="customer-row"]').length === 1);
    assert.equal(await text(page.getByTestId('customer-name')), 'علی کریمی');
    await shot(page, '3-search-fa');
  });

  await t.test('when the profile is opened, then it shows the name and the creation on the timeline', async () => {
    await page.getByTestId('customer-name').click();
    await page.getByTestId('customer-profile').waitFor();
    assert.equal(await text(page.getByTestId('profile-name')), 'علی کریمی');
    await page.locator('[data-testid="timeline-entry"][data-kind="activity"]').first().waitFor();
  });

  await t.test('when a note is added, then it is the newest entry on the timeline', async () => {
    const note = 'مشتری ثابت؛ تخفیف ۱۰٪ برای خرید بعدی';
    await page.getByTestId('note-input').fill(note);
    await page.getByTestId('note-submit').click();
    const newest = page.getByTestId('timeline-entry').first();
    await newest.getByTestId('timeline-note-body').filter({ hasText: note }).waitFor();
    assert.equal(await newest.getAttribute('data-kind'), 'note');
    assert.equal(await page.getByTestId('note-input').inputValue(), '');
    await shot(page, '4-profile-fa', true);
  });

  await t.test('when SMS consent is switched on, then the switch holds and the timeline records it', async () => {
    const sms = page.getByTestId('consent-sms');
    // Mantine draws the track over the real checkbox; click the checkbox itself.
    await sms.dispatchEvent('click');
    await page.locator('[data-testid="timeline-entry"][data-kind="activity"]').filter({ hasText: 'رضایت تغییر کرد' }).waitFor();
    assert.equal(await sms.isChecked(), true);
  });

  await t.test('when a task is created on the profile and marked done on the Tasks page, then it leaves the open list', async () => {
    await page.getByTestId('task-new').click();
    await page.getByTestId('task-title').fill('تماس برای پیگیری سفارش');
    await selectOption(page, 'task-assignee', /owner@example\.com/);
    await page.getByTestId('task-submit').click();
    await page.getByTestId('customer-task').filter({ hasText: 'تماس برای پیگیری سفارش' }).waitFor();

    await page.getByTestId('nav-tasks').click();
    const row = page.getByTestId('task-row').filter({ hasText: 'تماس برای پیگیری سفارش' });
    await row.waitFor();
    await row.getByTestId('task-mark-done').click();
    await page.getByTestId('tasks-empty').waitFor();
  });

  await t.test('when an API key is created in Settings, then it is shown once, in a modal', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-api-keys').click();
    await page.getByTestId('create-api-key').click();
    await page.getByTestId('api-key-name').fill('Shop backend');
    await page.getByTestId('api-key-submit').click();
    assert.match(await text(page.getByTestId('api-key-secret')), /^vafa_sk_/);
    await shot(page, '5-api-key-fa');
    await page.getByTestId('api-key-done').click();
    await page.getByTestId('api-key-row').filter({ hasText: 'Shop backend' }).waitFor();
  });

  await t.test('when switched back to en, then the profile is LTR', async () => {
    await switchLanguage(page, 'en');
    await openProfile('علی کریمی');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
    await page.getByTestId('timeline-note-body').first().waitFor();
    await shot(page, '6-profile-en', true);
  });

  await t.test('when a custom attribute is defined in Settings, then it is listed', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-attributes').click();
    await page.getByTestId('define-attribute').click();
    await page.getByTestId('attribute-label').fill('Plan');
    await page.getByTestId('attribute-key').fill('plan');
    await page.getByTestId('attribute-submit').click();
    await page.getByTestId('attribute-row').filter({ hasText: 'plan' }).waitFor();
  });

  await t.test('when persona fields and the custom attribute are edited, then the profile shows them', async () => {
    await openProfile('علی کریمی');
    await page.getByTestId('profile-edit').click();
    await page.getByTestId('edit-job').fill('Architect');
    await page.getByTestId('edit-incomeBand').fill('high');
    await page.getByTestId('edit-interests').fill('coffee');
    await page.getByTestId('edit-interests').press('Enter');
    await page.getByTestId('edit-attribute-plan').fill('gold');
    await page.getByTestId('edit-submit').click();
    await page.getByTestId('edit-customer-modal').waitFor({ state: 'hidden' });
    assert.match(await text(page.getByTestId('attribute-plan')), /Plan[\s\S]*gold/);
    assert.match(await text(page.getByTestId('attributes-card')), /Architect[\s\S]*high[\s\S]*coffee/);
  });

  await t.test('when a tag is added and another removed, then the tags follow', async () => {
    await page.getByTestId('tag-input').fill('wholesale');
    await page.getByTestId('tag-input').press('Enter');
    await page.getByTestId('profile-tag').filter({ hasText: 'wholesale' }).waitFor();
    await page.getByTestId('remove-tag-vip').click();
    await page.getByTestId('profile-tag').filter({ hasText: 'vip' }).waitFor({ state: 'detached' });
  });

  await t.test('when the data is exported, then a JSON file with the customer downloads', async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('profile-actions').click();
    await page.getByTestId('profile-export').click();
    const file = await (await download).path();
    const data = JSON.parse(await readFile(file, 'utf8')) as { customer: { firstName: string } };
    assert.equal(data.customer.firstName, 'علی');
  });

  await t.test('when a duplicate is merged in, then the timeline says so', async () => {
    const dup = await server().api('POST', '/api/v1/customers', { firstName: 'Ali', lastName: 'Karimi', emails: ['ali.k@example.com'] });
    assert.equal(dup.status, 201, await dup.text());
    await page.reload();
    await page.getByTestId('customer-profile').waitFor();
    await page.getByTestId('profile-actions').click();
    await page.getByTestId('profile-merge').click();
    await page.getByTestId('merge-search').fill('ali.k@example.com');
    await page.getByTestId('merge-candidate').first().check();
    await page.getByTestId('merge-confirm').click();
    await page.getByTestId('merge-modal').waitFor({ state: 'detached' });
    await page.locator('[data-testid="timeline-entry"][data-kind="activity"]').filter({ hasText: 'Merged with another customer' }).waitFor();
  });

  await t.test('when Sara is erased, then her profile says so and keeps no name', async () => {
    await openProfile('Sara Ahmadi');
    await page.getByTestId('profile-actions').click();
    await page.getByTestId('profile-erase').click();
    await page.getByTestId('erase-modal-confirm').click();
    await page.getByTestId('profile-erased').waitFor();
    assert.doesNotMatch(await text(page.getByTestId('profile-name')), /Sara/);
  });

  await t.test('when a member is added and their role changed, then the team lists them', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-team').click();
    await page.getByTestId('add-member').click();
    await page.getByTestId('member-email').fill('support@example.com');
    await page.getByTestId('member-name').fill('Maryam');
    await page.getByTestId('member-password').fill('another long password');
    await page.getByTestId('member-submit').click();
    const row = page.getByTestId('member-row').filter({ hasText: 'support@example.com' });
    await row.waitFor();
    await row.getByRole('textbox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Marketer', exact: true }).click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="member-row"]')].some(
        (r) => r.textContent?.includes('support@example.com') && (r.querySelector('input') as HTMLInputElement | null)?.value === 'Marketer',
      ),
    );
  });

  await t.test('when the audit log is opened, then it lists what happened', async () => {
    await page.getByTestId('settings-tab-audit-log').click();
    await page.getByTestId('audit-log-table').waitFor();
    assert.match(await text(page.getByTestId('audit-log-table')), /customer\.created/);
    await shot(page, '7-audit-log-en');
  });

  await t.test('when logging out, then the login page shows', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
  });
});

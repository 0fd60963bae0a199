/**
 * The template editor in a real browser against a real server. A customer «سارا» born on
 * 1990-03-21 (1 Farvardin 1369) exists; in English and in Persian the owner writes a template with
 * a fa SMS variant using `{{ customer.first_name }}` and `| jalali`, previews it with that real
 * customer (text and SMS segment count) after inserting a variable from the helper, sees a Liquid syntax error reported with its line and
 * column both in the live preview and when saving, then saves the fixed template and finds it in
 * the list. Screenshots: /tmp/templates-*.png.
 *
 *   VAFA_TEST_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --import tsx --test console/e2e/templates.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { numberedSteps, startVafa, switchLanguage, type Vafa } from './harness';

const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
const OWNER = { email: `templates-${randomBytes(4).toString('hex')}@example.com`, password: 'correct horse battery' };

let vafa: Vafa | undefined;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  if (!ADMIN_URL) return;
  vafa = await startVafa(ADMIN_URL, 'Templates Shop', OWNER);
  page = vafa.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await vafa?.stop();
});

const shoot = (name: string) => page.screenshot({ path: `/tmp/templates-${name}.png`, fullPage: true });
const GOOD = 'سلام {{ customer.first_name }}، تولدتان {{ customer.birthday | jalali }} است.\nلغو۱۱';
const BROKEN = 'سلام\n{{ customer.first_name | nope }}';

test('the template editor, in a browser, against a real server', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async (outer) => {
  const server = () => vafa as Vafa;
  const t = numberedSteps(outer, server, shoot);

  await t.test('given a customer, when the owner logs in and opens Templates, then the list is empty', async () => {
    const created = await server().api('POST', '/api/v1/customers', { firstName: 'سارا', lastName: 'احمدی', birthday: '1990-03-21', language: 'fa' });
    assert.equal(created.status, 201, await created.text());
    await page.goto(`${server().baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-templates').click();
    await page.getByTestId('templates-empty').waitFor();
  });

  for (const language of ['en', 'fa'] as const) {
    const name = `Birthday ${language}`;
    await t.test(`given the console in ${language}, when a fa SMS with a Jalali birthday is previewed with a real customer, then it renders her data`, async () => {
      await switchLanguage(page, language);
      await page.goto(`${server().baseUrl}/templates`);
      await page.getByTestId('template-add').click();
      await page.getByTestId('template-editor').waitFor();
      await page.getByTestId('template-name').fill(name);
      await page.getByTestId('add-fa-sms').click();
      const field = page.getByTestId('field-fa-sms.text');
      assert.equal(await field.getAttribute('dir'), 'rtl', 'fa content is edited right to left');
      await field.fill('سلام ');
      await page.getByTestId('variable-menu').click();
      await page.getByTestId('variable-firstName').click();
      await page.waitForFunction(() => (document.querySelector('[data-testid="field-fa-sms.text"]') as HTMLTextAreaElement | null)?.value === 'سلام {{ customer.first_name }}');
      await field.fill(GOOD);
      await page.getByTestId('preview-customer').fill('سارا');
      await page.getByRole('option', { name: 'سارا احمدی' }).click();
      const rendered = page.getByTestId('preview-text');
      await rendered.waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-text"]')?.textContent?.includes('۱ فروردین ۱۳۶۹'));
      assert.equal(await rendered.textContent(), 'سلام سارا، تولدتان ۱ فروردین ۱۳۶۹ است.\nلغو۱۱');
      assert.match((await page.getByTestId('preview-segments').textContent()) ?? '', /[1۱]/);
      await shoot(`preview-${language}`);
    });

    await t.test(`given the console in ${language}, when the text has a Liquid syntax error, then the preview and the save both report its line and column`, async () => {
      await page.getByTestId('field-fa-sms.text').fill(BROKEN);
      const error = page.getByTestId('preview-error');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /variants\.fa\.sms\.text: line 2, column 1: undefined filter: nope/);
      await page.getByTestId('template-save').click();
      const saveError = page.getByTestId('template-save-error');
      await saveError.waitFor();
      assert.match((await saveError.textContent()) ?? '', /variants\.fa\.sms\.text: line 2, column 1/);
      await shoot(`syntax-error-${language}`);
    });

    await t.test(`given the console in ${language}, when the error is fixed and saved, then the template is listed with its fa SMS`, async () => {
      await page.getByTestId('field-fa-sms.text').fill(GOOD);
      await page.getByTestId('preview-error').waitFor({ state: 'detached' });
      await page.getByTestId('template-save').click();
      await page.waitForURL(/\/templates\/[0-9a-f-]{36}$/);
      const id = page.url().split('/').at(-1) as string;
      const stored = await (await server().api('GET', `/api/v1/templates/${id}`)).json();
      assert.equal(stored.variants.fa.sms.text, GOOD);
      await page.goto(`${server().baseUrl}/templates`);
      await page.locator(`[data-testid="template-row"][data-name="${name}"]`).waitFor();
    });
  }

  await t.test('then no script error happened in the page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});

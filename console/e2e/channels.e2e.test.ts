/**
 * Channel settings in a real browser, in English then Persian (RTL): add an email channel that
 * points at a real SMTP server started here, verify it, send a test mail that arrives, then break
 * the password and see the server's own refusal as the channel's status. Needs
 * VAFA_TEST_ADMIN_URL and /usr/bin/chromium (see console.e2e.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type LocalSmtpServer, startLocalSmtpServer } from '../../src/messaging/channels/email/testing';
import { selectOption, shot, startVafa, switchLanguage, type Vafa } from './harness';

const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
const OWNER = { email: 'channels@example.com', password: 'correct horse battery' };
const SMTP_LOGIN = { user: 'shop', password: 'smtp-e2e-Pa55' };

let vafa: Vafa | undefined;
let smtp: LocalSmtpServer;
let page: Page;

before(async () => {
  if (!ADMIN_URL) return;
  smtp = await startLocalSmtpServer({ auth: SMTP_LOGIN });
  vafa = await startVafa(ADMIN_URL, 'Channel Shop', OWNER);
  page = vafa.page;
});

after(async () => {
  await vafa?.stop();
  await smtp?.close();
});

const row = () => page.locator('[data-testid="channel-row"][data-name="Newsletter SMTP"]');

async function verifyAndWaitFor(status: 'ok' | 'failing') {
  await row().getByTestId('channel-verify').click();
  await page.locator(`[data-testid="channel-row"][data-name="Newsletter SMTP"][data-status="${status}"]`).waitFor();
}

async function setPassword(password: string) {
  await row().getByTestId('channel-menu').click();
  await page.getByTestId('channel-edit').click();
  await page.getByTestId('channel-field-password').fill(password);
  await page.getByTestId('channel-save').click();
  await page.getByTestId('channel-form').waitFor({ state: 'detached' });
}

async function testSend(address: string, subject: string) {
  await row().getByTestId('channel-test').click();
  await page.getByTestId('channel-test-address').fill(address);
  await page.getByTestId('channel-test-subject').fill(subject);
  await page.getByTestId('channel-test-send').click();
  const outcome = page.getByTestId('channel-test-outcome');
  await outcome.waitFor();
  const status = await outcome.getAttribute('data-status');
  await page.keyboard.press('Escape');
  return status;
}

test('channel settings: add an SMTP channel, verify, test send, a wrong password fails with the server\'s message — in en and fa', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async () => {
  const server = vafa as Vafa;
  try {
    await page.goto(`${server.baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('customers-empty').waitFor();

    // English: add, verify → ok, test send → the mail arrives.
    await page.getByTestId('nav-channels').click();
    await page.getByTestId('channels-empty').waitFor();
    await page.getByTestId('channel-add').click();
    await selectOption(page, 'channel-provider', /SMTP/);
    await page.getByTestId('channel-name').fill('Newsletter SMTP');
    await page.getByTestId('channel-field-host').fill(smtp.host);
    await page.getByTestId('channel-field-port').fill(String(smtp.port));
    await page.getByTestId('channel-field-user').fill(SMTP_LOGIN.user);
    await page.getByTestId('channel-field-password').fill(SMTP_LOGIN.password);
    await page.getByTestId('channel-field-from').fill('Channel Shop <news@shop.example>');
    await shot(page, 'channels-1-form-en');
    await page.getByTestId('channel-save').click();
    await row().waitFor();
    assert.equal(await row().getByTestId('channel-default').count(), 1, 'the first email channel is the default');
    assert.equal(await row().getAttribute('data-status'), 'unverified');
    await verifyAndWaitFor('ok');
    assert.equal(await testSend('owner@shop.example', 'Hello from the console'), 'sent');
    const [first] = await smtp.waitFor(1);
    assert.equal(first?.subject, 'Hello from the console');
    assert.equal(first?.from?.text, '"Channel Shop" <news@shop.example>');

    // The password never comes back: the edit form says "stored" instead.
    await row().getByTestId('channel-menu').click();
    await page.getByTestId('channel-edit').click();
    assert.equal(await page.getByTestId('channel-field-password').inputValue(), '');
    assert.match((await page.getByTestId('channel-field-password').getAttribute('placeholder')) ?? '', /Stored/);
    assert.ok(!(await page.content()).includes(SMTP_LOGIN.password), 'the password is nowhere in the page');
    await page.keyboard.press('Escape');
    await page.getByTestId('channel-form').waitFor({ state: 'detached' });

    // A wrong password: verify → failing, with the SMTP server's own answer.
    await setPassword('not-the-password');
    await verifyAndWaitFor('failing');
    assert.match((await row().getByTestId('channel-status-message').textContent()) ?? '', /535 5\.7\.8 Authentication credentials invalid/);
    await shot(page, 'channels-2-failing-en');

    // Persian, right to left: fix the password, verify, send a Persian test mail.
    await switchLanguage(page, 'fa');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal((await page.getByTestId('channel-status').textContent())?.trim(), 'خطا');
    await setPassword(SMTP_LOGIN.password);
    assert.equal((await row().getByTestId('channel-status').textContent())?.trim(), 'بررسی‌نشده');
    await verifyAndWaitFor('ok');
    assert.equal((await row().getByTestId('channel-status').textContent())?.trim(), 'کار می‌کند');
    assert.equal(await testSend('sara@shop.example', 'سلام از کنسول وفا'), 'sent');
    const mails = await smtp.waitFor(2);
    assert.equal(mails[1]?.subject, 'سلام از کنسول وفا');
    assert.equal(mails[1]?.text?.trim(), 'این یک پیام آزمایشی از وفاست.');
    await shot(page, 'channels-3-ok-fa');
  } catch (error) {
    await shot(page, 'channels-failed').catch(() => undefined);
    console.error(`API errors seen:\n${server.apiFailures.join('\n')}\nserver log tail:\n${server.serverLog().slice(-3000)}`);
    throw error;
  }
});

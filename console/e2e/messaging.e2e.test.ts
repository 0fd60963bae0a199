/**
 * Messaging in a real browser, in English then Persian (RTL): change the quiet hours, send a
 * message through POST /api/v1/messages to a webhook channel whose receiver runs here, and follow
 * it in the message log down to its status history. Needs VAFA_TEST_ADMIN_URL and
 * /usr/bin/chromium (see console.e2e.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { shot, startVafa, startWebhookReceiver, switchLanguage, type Vafa } from './harness';

const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
const OWNER = { email: 'messaging@example.com', password: 'correct horse battery' };
const SECRET = 'e2e-webhook-secret-0123456789';

let vafa: Vafa | undefined;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let page: Page;

before(async () => {
  if (!ADMIN_URL) return;
  receiver = await startWebhookReceiver();
  vafa = await startVafa(ADMIN_URL, 'Messaging Shop', OWNER);
  page = vafa.page;
});

after(async () => {
  await vafa?.stop();
  await receiver?.close();
});

async function json(res: Promise<Response>, status: number) {
  const r = await res;
  const body = await r.text();
  assert.equal(r.status, status, body);
  return JSON.parse(body);
}

test('messaging: change quiet hours, then a message posted through the API shows in the log as sent with its history — in en and fa', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async () => {
  const server = vafa as Vafa;
  try {
    const customer = await json(server.api('POST', '/api/v1/customers', { firstName: 'Shirin', emails: ['shirin@example.com'] }), 201);
    await json(server.api('POST', '/api/v1/channels', { provider: 'webhook', name: 'Order hook', settings: { url: receiver.url, secret: SECRET } }), 201);

    await page.goto(`${server.baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('customers-empty').or(page.getByTestId('customers-table')).first().waitFor();

    // English: quiet hours 22:30–08:15, saved and kept.
    await page.getByTestId('nav-messaging').click();
    await page.getByTestId('messages-empty').waitFor();
    await page.getByTestId('messaging-tab-settings').click();
    await page.getByTestId('quiet-start').fill('22:30');
    await page.getByTestId('quiet-end').fill('08:15');
    await shot(page, 'messaging-1-settings-en');
    await page.getByTestId('messaging-settings-save').click();
    await page.getByText('Messaging settings saved').waitFor();
    const saved = await json(server.api('GET', '/api/v1/messaging/settings'), 200);
    assert.deepEqual(saved.quietHours, { enabled: true, start: '22:30', end: '08:15' });
    await page.reload();
    assert.equal(await page.getByTestId('quiet-start').inputValue(), '22:30');

    // A transactional message through the API goes out on the webhook channel.
    const message = await json(
      server.api('POST', '/api/v1/messages', { customerId: customer.id, content: { text: 'Your order has shipped' }, channels: ['webhook'], category: 'transactional' }),
      202,
    );
    await page.getByTestId('messaging-tab-log').click();
    const row = page.getByTestId('message-row').first();
    await row.getByTestId('status-sent').waitFor({ timeout: 20_000 });
    assert.equal(receiver.received.length, 1);
    assert.ok(receiver.received[0]?.headers['x-vafa-signature'] ?? Object.keys(receiver.received[0]?.headers ?? {}).some((h) => h.includes('signature')));
    await row.click();
    const drawer = page.getByTestId('message-drawer');
    await drawer.getByTestId('history-item').nth(2).waitFor();
    const chips = drawer.getByTestId('message-history').locator('[data-testid^="status-"]');
    assert.deepEqual(await chips.allTextContents(), ['Queued', 'Sending', 'Sent']);
    assert.equal((await json(server.api('GET', `/api/v1/messages/${message.id}`), 200)).status, 'sent');
    await shot(page, 'messaging-2-history-en');
    await page.keyboard.press('Escape');

    // Persian: right-to-left, Persian labels, Jalali dates with Persian digits.
    await switchLanguage(page, 'fa');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.getByTestId('message-row').first().getByText('ارسال‌شده').waitFor();
    await page.getByTestId('message-row').first().click();
    await drawer.getByTestId('history-item').nth(2).waitFor();
    const faHistory = (await drawer.textContent()) ?? '';
    assert.match(faHistory, /در صف/);
    assert.match(faHistory, /[۰-۹]/, 'dates in Persian digits');
    await shot(page, 'messaging-3-history-fa');
    await page.keyboard.press('Escape');
    await page.getByTestId('messaging-tab-settings').click();
    await page.getByText('ساعات سکوت').first().waitFor();
    await page.getByTestId('quiet-end').fill('09:45');
    await page.getByTestId('messaging-settings-save').click();
    await page.getByText('تنظیمات پیام‌رسانی ذخیره شد').waitFor();
    assert.equal((await json(server.api('GET', '/api/v1/messaging/settings'), 200)).quietHours.end, '09:45');
    await shot(page, 'messaging-4-settings-fa');
  } catch (error) {
    console.error('API failures seen by the browser:', server.apiFailures);
    console.error(server.serverLog().slice(-4000));
    throw error;
  }
});

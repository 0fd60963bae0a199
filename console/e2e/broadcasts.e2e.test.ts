/**
 * Broadcasts and the communication calendar in a real browser. English: walk the wizard
 * (segment with its live count, template with a preview for a real member, the webhook channel,
 * now) and watch the broadcast reach "sent" with every recipient listed; the webhook receiver
 * running here gets each message once. Persian: schedule an A/B test with a holdout through the
 * Jalali picker, check the instant it stands for, cancel it. Then the calendar lists the customer nobody contacted.
 *   VAFA_TEST_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --import tsx --test console/e2e/broadcasts.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { selectOption, shot, startVafa, startWebhookReceiver, switchLanguage, type Vafa } from './harness';

const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
const OWNER = { email: 'broadcasts@example.com', password: 'correct horse battery' };

let vafa: Vafa | undefined;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let page: Page;

before(async () => {
  if (!ADMIN_URL) return;
  receiver = await startWebhookReceiver();
  vafa = await startVafa(ADMIN_URL, 'Broadcast Shop', OWNER);
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

/** The server's database, for what no API does: making a customer 60 days old. */
async function sql(databaseUrl: string, text: string, values: unknown[]) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

test('broadcasts: the wizard sends to a segment over a webhook and the detail follows it to "sent"; in fa a Jalali-scheduled one is cancelled; the calendar lists the silent customer', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async () => {
  const server = vafa as Vafa;
  try {
    const names = ['Shirin', 'Kaveh', 'Nasrin'];
    const members = [];
    for (const firstName of names) members.push(await json(server.api('POST', '/api/v1/customers', { firstName, emails: [`${firstName.toLowerCase()}@example.com`] }), 201));
    const silent = await json(server.api('POST', '/api/v1/customers', { firstName: 'Parisa', emails: ['parisa@example.com'] }), 201);
    await sql(server.databaseUrl, `update customers set created_at = now() - interval '60 days' where id = $1`, [silent.id]);
    const segment = await json(server.api('POST', '/api/v1/segments', { name: 'E2E VIPs', kind: 'manual' }), 201);
    await json(server.api('POST', `/api/v1/segments/${segment.id}/members`, { customerIds: members.map((m) => m.id) }), 200);
    await json(server.api('POST', '/api/v1/channels', { provider: 'webhook', name: 'Shop hook', settings: { url: receiver.url, secret: 'e2e-webhook-secret-0123456789' } }), 201);
    // Transactional: quiet hours and marketing caps do not hold it back whatever the hour of the run.
    await json(
      server.api('POST', '/api/v1/templates', { name: 'Welcome hook', category: 'transactional', variants: { en: { webhook: { payload: { greeting: 'Hello {{ customer.first_name }}' } } } } }),
      201,
    );
    await json(
      server.api('POST', '/api/v1/templates', { name: 'Welcome hook B', category: 'transactional', variants: { en: { webhook: { payload: { greeting: 'Hi {{ customer.first_name }}' } } } } }),
      201,
    );

    await page.goto(`${server.baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('customers-empty').or(page.getByTestId('customers-table')).first().waitFor();

    // English: the wizard, step by step.
    await page.getByTestId('nav-broadcasts').click();
    await page.getByTestId('broadcasts-empty').waitFor();
    await page.getByTestId('new-broadcast').click();
    await page.getByTestId('wizard-name').fill('Spring hello');
    await selectOption(page, 'wizard-segment', 'E2E VIPs');
    await page.locator('[data-testid="wizard-segment-count"][data-count="3"]').waitFor();
    await page.getByTestId('wizard-next').click();
    await selectOption(page, 'wizard-template-0', 'Welcome hook');
    const preview = page.getByTestId('wizard-preview-text');
    await preview.waitFor();
    assert.match((await preview.textContent()) ?? '', new RegExp(`Hello (${names.join('|')})`), 'rendered for a real member');
    await page.getByTestId('wizard-holdout').fill('0');
    await shot(page, 'broadcasts-1-content-en');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-channels-chosen').click();
    await page.getByTestId('wizard-channels').getByText('Webhook').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-when-now').waitFor();
    await page.getByTestId('wizard-next').click();
    const review = (await page.getByTestId('wizard-review').textContent()) ?? '';
    for (const expected of ['Spring hello', 'E2E VIPs', 'Welcome hook', 'Webhook', 'Immediately']) assert.ok(review.includes(expected), `review shows ${expected}: ${review}`);
    await page.getByTestId('wizard-send').click();
    await page.waitForURL(/\/broadcasts\/[0-9a-f-]{36}$/);
    const broadcastId = page.url().split('/').pop() as string;
    await page.locator('[data-testid="broadcast-detail"][data-status="sent"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="broadcast-progress"][data-done="3"][data-total="3"]').first().waitFor({ timeout: 15_000 });
    // Each row ends sent (or delivered, should a receipt come first).
    await page.locator('[data-testid="recipient-row"][data-status="sent"], [data-testid="recipient-row"][data-status="delivered"]').nth(2).waitFor({ timeout: 10_000 });
    const statuses = await page.getByTestId('recipient-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    assert.equal(statuses.length, 3);
    assert.ok(statuses.every((s) => s === 'sent' || s === 'delivered'), statuses.join());
    await page.locator('[data-testid="variant-row"][data-variant="A"][data-sent="3"]').waitFor({ timeout: 10_000 });
    await shot(page, 'broadcasts-2-sent-en', true);
    assert.equal(receiver.received.length, 3, 'each member got the message once');
    // The calendar knows who sent it: the broadcast, by name.
    const contacts = await json(server.api('GET', `/api/v1/customers/${members[0].id}/contacts`), 200);
    assert.deepEqual(contacts.channels.map((c: { channel: string; by: string; label: string; broadcastId: string }) => [c.channel, c.by, c.label, c.broadcastId]), [['webhook', 'broadcast', 'Spring hello', broadcastId]]);
    await page.goto(`${server.baseUrl}/customers/${members[0].id}`);
    const card = page.locator('[data-testid="last-contact-row"][data-channel="webhook"]');
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /Spring hello/, "the profile's last-contact card names the broadcast");

    // Persian: schedule with the Jalali picker, then cancel.
    await switchLanguage(page, 'fa');
    await page.getByTestId('nav-broadcasts').click();
    await page.locator('[data-testid="broadcast-row"]').first().getByText('ارسال‌شده').waitFor();
    await page.getByTestId('new-broadcast').click();
    await page.getByTestId('wizard-name').fill('یادآوری نوروز');
    await selectOption(page, 'wizard-segment', 'E2E VIPs');
    await page.getByTestId('wizard-next').click();
    // An A/B test: two templates, weights 1 : 3, a 10 % holdout.
    await page.getByTestId('wizard-ab').click();
    await selectOption(page, 'wizard-template-0', 'Welcome hook');
    await selectOption(page, 'wizard-template-1', 'Welcome hook B');
    await page.getByTestId('wizard-weight-1').fill('3');
    await page.getByTestId('wizard-holdout').fill('10');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-when-later').click();
    const picker = page.locator('[data-testid="wizard-date"][data-calendar="jalali"]');
    await picker.waitFor();
    await page.getByTestId('wizard-date-next').click();
    const month = (await page.getByTestId('wizard-date-month').textContent()) ?? '';
    assert.match(month, /(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) [۰-۹]{4}/, `a Jalali month with Persian digits: ${month}`);
    const day10 = picker.getByTestId('wizard-date-day').nth(9);
    assert.equal(await day10.textContent(), '۱۰');
    const iso = (await day10.getAttribute('data-date')) as string;
    await day10.click();
    await page.getByTestId('wizard-time').fill('11:30');
    const sendAt = await page.getByTestId('wizard-send-at').getAttribute('data-iso');
    assert.equal(sendAt, new Date(`${iso}T11:30:00`).toISOString(), 'the picked Jalali day is the Gregorian day sent');
    await shot(page, 'broadcasts-3-jalali-fa');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-send').click();
    await page.locator('[data-testid="broadcast-detail"][data-status="scheduled"]').waitFor();
    const scheduled = await json(server.api('GET', `/api/v1/broadcasts/${page.url().split('/').pop()}`), 200);
    assert.equal(scheduled.sendAt, sendAt);
    assert.deepEqual([scheduled.variants.map((v: { key: string; weight: number }) => `${v.key}×${v.weight}`), scheduled.holdoutPercent, scheduled.channels], [['A×1', 'B×3'], 10, 'auto']);
    await page.getByTestId('broadcast-cancel').click();
    await page.getByTestId('broadcast-cancel-confirm').getByRole('button', { name: 'لغو ارسال' }).click();
    await page.locator('[data-testid="broadcast-detail"][data-status="cancelled"]').waitFor();
    await shot(page, 'broadcasts-4-cancelled-fa');

    // The calendar: Parisa was never contacted in her 60 days; the three members were today.
    await page.getByTestId('nav-contacts').click();
    await page.locator(`[data-testid="not-contacted-row"][data-customer-id="${silent.id}"]`).waitFor();
    assert.equal(await page.getByTestId('not-contacted-row').count(), 1);
    await page.locator('[data-testid="coverage-row"][data-channel="any"] [data-testid="coverage-last7"][data-count="3"]').waitFor();
    await page.locator('[data-testid="coverage-customers"][data-count="4"]').waitFor();
    assert.match((await page.getByTestId('not-contacted-table').textContent()) ?? '', /[۰-۹]+ روز/, 'days in Persian digits');
    await shot(page, 'broadcasts-5-calendar-fa', true);
    await switchLanguage(page, 'en');
    await page.getByTestId('contacts-days').fill('90');
    await page.getByTestId('not-contacted-empty').waitFor();
  } catch (error) {
    console.error('API failures seen by the browser:', server.apiFailures);
    console.error(server.serverLog().slice(-4000));
    throw error;
  }
});

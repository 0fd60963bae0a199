/**
 * Data intake in a browser: the Install tab's snippet on a shop of another origin, events and an
 * order sent to /v1/batch, the Live events page (filters, pause, event schema) and the profile
 * timeline (events and an order with its total, in tomans in Persian).
 *
 *   VAFA_TEST_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --import tsx --test console/e2e/events.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { numberedSteps, shot, startVafa, switchLanguage, type Vafa } from './harness';

const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
const OWNER = { email: 'owner@example.com', password: 'correct horse battery' };

let vafa: Vafa | undefined;
let page: Page;
let shop: Server | undefined;
let shopHtml = '';

before(async () => {
  if (!ADMIN_URL) return;
  vafa = await startVafa(ADMIN_URL, 'Event Shop', OWNER);
  page = vafa.page;
  shop = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shopHtml));
  await new Promise<void>((resolve) => shop?.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await new Promise((resolve) => (shop ? shop.close(resolve) : resolve(undefined)));
  await vafa?.stop();
});

/** The text a locator holds, with runs of spaces (Intl puts no-break spaces in money) as one space. */
const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const eventRow = (name: string) => page.locator(`[data-testid="event-row"][data-event-name="${name}"]`);

test('data intake in the console, in a browser, against a real server', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async (outer) => {
  const server = () => vafa as Vafa;
  let writeKey = '';
  const t = numberedSteps(outer, server, (name) => shot(page, `events-${name}`));
  const batch = async (messages: Record<string, unknown>[]) => {
    const res = await fetch(`${server().baseUrl}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writeKey, batch: messages }) });
    assert.equal(res.status, 200, await res.text());
  };

  await t.test('given the owner, when they open Settings → Install and create a write key, then the snippet carries it', async () => {
    await page.goto(`${server().baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-tab-install').click();
    assert.match(await text(page.getByTestId('install-snippet')), /'YOUR_WRITE_KEY'/);
    await page.getByTestId('install-create-key').click();
    await page.getByTestId('install-key-created').waitFor();
    const snippet = await text(page.getByTestId('install-snippet'));
    writeKey = /'(vafa_wk_[^']+)'/.exec(snippet)?.[1] ?? '';
    assert.ok(writeKey, snippet);
    assert.ok(snippet.includes(`'${server().baseUrl}'`), 'the snippet points at this server');
    await page.getByTestId('install-write-keys').getByText('Website snippet').waitFor();
    await shot(page, 'events-1-install-en');
    shopHtml = `<!doctype html><html><head><title>Leila's shop</title>${snippet}</head><body>shop</body></html>`;
  });

  await t.test('when a shop of another origin pastes that snippet and the visitor browses and logs in, then the events arrive', async () => {
    const context = await page.context().browser()?.newContext();
    assert.ok(context);
    const visitor = await context.newPage();
    const errors: string[] = [];
    visitor.on('pageerror', (e) => errors.push(e.message));
    await visitor.goto(`http://127.0.0.1:${((shop as Server).address() as AddressInfo).port}/`);
    await visitor.waitForFunction('window.vafa && window.vafa.loaded === true');
    await visitor.evaluate(`
      vafa.track('Product Viewed', { product_id: 'p-shoe', name: 'Shoe', price: 250000, currency: 'IRT' });
      vafa.identify('e2e-user-1', { firstName: 'Leila', lastName: 'Hatami', email: 'leila@example.com' });
    `);
    await visitor.goto('about:blank'); // pagehide: anything still waiting goes with sendBeacon
    await context.close();
    assert.deepEqual(errors, []);
    for (let i = 0; ; i++) {
      const identified = (await (await server().api('GET', '/api/v1/events?type=identify')).json()) as { data: unknown[] };
      if (identified.data.length > 0) break;
      assert.ok(i < 50, 'the identify call arrived');
      await new Promise((r) => setTimeout(r, 200));
    }
    // An order from the shop's server, through /v1/batch.
    await batch([
      {
        type: 'track',
        userId: 'e2e-user-1',
        event: 'Order Completed',
        properties: { order_id: 'ord-1001', total: 250000, currency: 'IRT', products: [{ product_id: 'p-shoe', name: 'Shoe', price: 250000, quantity: 1 }] },
      },
    ]);
  });

  await t.test('when Live events is opened, then the events are listed, newest first, with their customer', async () => {
    await page.getByTestId('nav-events').click();
    await eventRow('Order Completed').waitFor();
    await eventRow('Product Viewed').waitFor();
    assert.equal(await page.getByTestId('event-row').first().getAttribute('data-event-name'), 'Order Completed');
    assert.equal(await text(eventRow('Order Completed').getByTestId('event-customer')), 'Leila Hatami');
    await page.locator('[data-testid="event-row"][data-event-type="page"]').first().waitFor();
    await shot(page, 'events-2-live-en');
  });

  await t.test('when filtered by name, then only that event is listed; clearing brings the rest back', async () => {
    await page.getByTestId('filter-event-name').fill('Order Completed');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="event-row"]')];
      return rows.length === 1 && rows[0]?.getAttribute('data-event-name') === 'Order Completed';
    });
    assert.match(page.url(), /name=Order\+Completed|name=Order%20Completed/);
    await page.getByTestId('filter-event-name').fill('');
    await eventRow('Product Viewed').waitFor();
  });

  await t.test('when paused, then new events wait; when resumed, they appear within seconds', async () => {
    await page.getByTestId('events-pause').click();
    assert.equal(await text(page.getByTestId('events-refresh-state')), 'Paused');
    await batch([{ type: 'track', userId: 'e2e-user-1', event: 'Coupon Applied', properties: { coupon: 'YALDA' } }]);
    await page.waitForTimeout(4_000);
    assert.equal(await eventRow('Coupon Applied').count(), 0);
    await page.getByTestId('events-pause').click();
    await eventRow('Coupon Applied').waitFor({ timeout: 8_000 });
  });

  await t.test('when filtered by customer, then only their events are listed', async () => {
    await batch([{ type: 'track', anonymousId: 'someone-else', event: 'Stranger Clicked' }]);
    await eventRow('Stranger Clicked').waitFor({ timeout: 8_000 });
    await page.getByTestId('filter-event-customer').fill('Leila');
    await page.getByRole('option', { name: 'Leila Hatami' }).click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="event-row"]')];
      return rows.length > 0 && rows.every((r) => r.querySelector('[data-testid="event-customer"]')?.textContent === 'Leila Hatami');
    });
    assert.equal(await eventRow('Stranger Clicked').count(), 0);
  });

  await t.test('when the Event schema tab is opened, then it lists event names with their properties and types', async () => {
    await page.getByTestId('events-tab-schema').click();
    const viewed = page.locator('[data-testid="schema-event"][data-name="Product Viewed"]');
    await viewed.waitFor({ timeout: 10_000 });
    const productId = viewed.locator('[data-testid="schema-property"][data-property="product_id"]');
    assert.match(await text(productId), /text · 1/);
    assert.match(await text(viewed.locator('[data-testid="schema-property"][data-property="price"]')), /number · 1/);
    await shot(page, 'events-3-schema-en');
    await page.getByTestId('events-tab-live').click();
  });

  await t.test('when an event is clicked, then the customer profile shows events and the order with its total on the timeline', async () => {
    await eventRow('Order Completed').click();
    await page.getByTestId('customer-profile').waitFor();
    assert.equal(await text(page.getByTestId('profile-name')), 'Leila Hatami');
    const order = page.locator('[data-testid="timeline-entry"][data-kind="order"]');
    await order.waitFor();
    assert.match(await text(order), /Order ord-1001/);
    assert.equal(await text(order.getByTestId('order-total')), 'Total IRR 2,500,000');
    assert.match(await text(order.getByTestId('order-line')), /1 × Shoe/);
    const events = page.locator('[data-testid="timeline-entry"][data-kind="event"]');
    await events.filter({ hasText: 'Product Viewed' }).waitFor();
    await events.filter({ hasText: 'Page view' }).getByTestId('event-page-url').waitFor();
    await shot(page, 'events-4-profile-en', true);
  });

  await t.test('when switched to fa, then the order total is in tomans with Persian digits, and the page is RTL', async () => {
    await switchLanguage(page, 'fa');
    const order = page.locator('[data-testid="timeline-entry"][data-kind="order"]');
    assert.equal(await text(order.getByTestId('order-total')), 'مبلغ کل ۲۵۰٬۰۰۰ تومان');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await shot(page, 'events-5-profile-fa', true);
    await page.getByTestId('nav-events').click();
    await page.getByRole('heading', { name: 'رویدادهای زنده' }).waitFor();
    await eventRow('Order Completed').waitFor();
    await shot(page, 'events-6-live-fa');
    await switchLanguage(page, 'en');
  });
});

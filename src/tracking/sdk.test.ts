/**
 * The browser SDK in headless Chromium: a shop's pages, served from another origin by a tiny
 * HTTP server, include the install snippet from docs/tracking.md and talk to a real Vafa.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createTestApp } from '../testing/harness.ts';

const t = await createTestApp();
const ws = await t.workspace();
const vafaUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });

/** The snippet exactly as documented, pointed at this Vafa. */
const docs = readFileSync(new URL('../../docs/tracking.md', import.meta.url), 'utf8');
const documented = /## Browser snippet[\s\S]*?```html\n([\s\S]*?)```/.exec(docs)?.[1];
assert.ok(documented?.includes('YOUR_WRITE_KEY'), 'docs/tracking.md has the snippet');
const snippet = (documented as string).replace('https://vafa.example.com', vafaUrl).replace('YOUR_WRITE_KEY', ws.writeKey);

const html = (head: string, body = '') => `<!doctype html><html><head><title>Test shop</title>${head}</head><body>${body}</body></html>`;
const direct = (script: string) => html(`<script src="${vafaUrl}/sdk/vafa.js"></script><script>${script}</script>`);
const pages: Record<string, string> = {
  // A broken script of the shop's own runs first: the SDK must not care.
  '/shop.html': html(`<script>window.shopWidget.init();</script>${snippet}`, '<a href="/other.html">next</a>'),
  '/early.html': direct(`
    window.results = [];
    const attempt = (label, fn) => { try { fn(); results.push(label + ': ok'); } catch (e) { results.push(label + ': threw ' + e.message); } };
    const circular = { name: 'loop' }; circular.self = circular;
    attempt('track before load', () => vafa.track('Early Bird', { n: 1 }));
    attempt('track without a name', () => vafa.track());
    attempt('circular properties', () => vafa.track('Circular', circular));
    attempt('odd identify', () => vafa.identify(null, 5));
    attempt('odd page', () => vafa.page(42, 'x'));
    attempt('load without a key', () => vafa.load());
    attempt('load', () => vafa.load(${JSON.stringify(ws.writeKey)}, { host: ${JSON.stringify(vafaUrl)} }));
    attempt('circular after load', () => vafa.track('Circular', circular));
    attempt('over 32 KB', () => vafa.track('Huge', { blob: 'x'.repeat(40000) }));
    attempt('track after load', () => vafa.track('After Load'));
  `),
  '/loaded.html': direct(`vafa.load(${JSON.stringify(ws.writeKey)}, { host: ${JSON.stringify(vafaUrl)} });`),
  '/other.html': html(''),
};
const site = createServer((req, res) => {
  const body = pages[req.url?.split('?')[0] ?? ''];
  res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? 'not found');
});
await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;

const browser: Browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
after(async () => {
  await browser.close();
  await new Promise((resolve) => site.close(resolve));
});

/** A fresh browser profile (cookies, localStorage) whose page errors are collected. */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale: 'fa-IR', timezoneId: 'Asia/Tehran' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

type Event = { id: string; type: string; name: string | null; customerId: string; properties: Record<string, unknown> };
/** Polls the events API (with the workspace's secret key) until `until` holds. */
async function eventsUntil(query: string, until: (events: Event[]) => boolean, timeoutMs = 10_000): Promise<Event[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = (await ws.api.get(`/api/v1/events?limit=200&${query}`)).json().data as Event[];
    if (until(data)) return data;
    if (Date.now() > deadline) assert.fail(`events?${query} never matched: ${JSON.stringify(data.map((e) => e.name))}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
const eventRow = (id: string) => t.db.selectFrom('events').selectAll().where('workspace_id', '=', ws.id).where('id', '=', id).executeTakeFirstOrThrow();

describe('browser SDK on a shop of another origin', () => {
  test('given the documented snippet, when the shop pages, tracks and identifies, then one customer has all three on the timeline', async () => {
    const { page, errors } = await openPage();
    const batches: string[] = [];
    page.on('request', (r) => r.url().endsWith('/v1/batch') && batches.push(r.headers()['content-type'] ?? ''));
    await page.goto(`${siteUrl}/shop.html`);
    await page.waitForFunction('window.vafa && window.vafa.loaded === true');
    await page.evaluate(`
      vafa.track('Product Viewed', { product_id: 'sku-1', price: 250000, currency: 'IRT' });
      vafa.identify('sdk-user-1', { email: 'Sima@Example.com', firstName: 'Sima' });
    `);

    const [identified] = await eventsUntil('type=identify', (e) => e.length === 1);
    const customerId = identified?.customerId as string;
    const timeline = (await ws.api.get(`/api/v1/customers/${customerId}/timeline?limit=50`)).json().data as { kind: string; data: { type: string; name: string | null } }[];
    const kinds = timeline.filter((e) => e.kind === 'event').map((e) => `${e.data.type}:${e.data.name ?? ''}`);
    assert.deepEqual(kinds.sort(), ['identify:', 'page:', 'track:Product Viewed']);
    const customer = (await ws.api.get(`/api/v1/customers/${customerId}`)).json();
    assert.deepEqual([customer.externalId, customer.firstName, customer.emails], ['sdk-user-1', 'Sima', ['sima@example.com']]);

    // The anonymous id is a first-party cookie of the shop: one year, Lax, whole site.
    const cookie = (await page.context().cookies(siteUrl)).find((c) => c.name === 'vafa_aid');
    assert.ok(cookie, 'vafa_aid cookie set');
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.ok(Math.abs(cookie.expires * 1000 - (Date.now() + 365 * 86_400_000)) < 86_400_000, `expires ${new Date(cookie.expires * 1000).toISOString()}`);

    const [viewed] = await eventsUntil('name=Product%20Viewed', (e) => e.length === 1);
    const row = await eventRow(viewed?.id as string);
    assert.equal(row.anonymous_id, cookie.value);
    const context = row.context as { library: { name: string }; page: { url: string; path: string; title: string }; locale: string; timezone: string };
    assert.equal(context.library.name, 'vafa.js');
    assert.deepEqual([context.page.url, context.page.path, context.page.title], [`${siteUrl}/shop.html`, '/shop.html', 'Test shop']);
    assert.deepEqual([context.locale, context.timezone], ['fa-IR', 'Asia/Tehran']);
    assert.match(row.message_id, /^[0-9a-f-]{36}$/);

    assert.ok(batches.length >= 1 && batches.length <= 2, `calls batched: ${batches.length} requests`);
    assert.ok(batches.every((type) => type.startsWith('text/plain')), `sent as text/plain (no preflight): ${batches}`);
    assert.deepEqual(errors, ["Cannot read properties of undefined (reading 'init')"], 'only the shop’s own error');
    await page.context().close();
  });

  test('given calls before load and bad arguments, then nothing throws into the page and the valid calls arrive', async () => {
    const { page, errors } = await openPage();
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.goto(`${siteUrl}/early.html`);
    const results = (await page.evaluate('window.results')) as string[];
    assert.deepEqual(results.filter((r) => !r.endsWith(': ok')), []);
    assert.deepEqual(errors, []);
    await eventsUntil('name=After%20Load', (e) => e.length === 1);
    assert.equal((await eventsUntil('name=Early%20Bird', (e) => e.length === 1))[0]?.properties.n, 1, 'the call made before load was kept');
    assert.equal((await ws.api.get('/api/v1/events?name=Circular')).json().data.length, 0);
    assert.equal((await ws.api.get('/api/v1/events?name=Huge')).json().data.length, 0);
    assert.ok(warnings.some((w) => w.includes('[vafa]')), 'problems are reported as console warnings');
    await page.context().close();
  });

  test('given an event tracked just before the visitor leaves, then it goes with sendBeacon on pagehide', async () => {
    const { page } = await openPage();
    await page.addInitScript(`
      const send = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url, data) => {
        localStorage.setItem('beacons', String(Number(localStorage.getItem('beacons') || 0) + 1));
        return send(url, data);
      };
    `);
    await page.goto(`${siteUrl}/loaded.html`);
    await page.evaluate("vafa.track('Leaving Now')");
    await page.goto(`${siteUrl}/other.html`); // well within the 1 s batching delay
    await eventsUntil('name=Leaving%20Now', (e) => e.length === 1);
    assert.equal(await page.evaluate("localStorage.getItem('beacons')"), '1');
    await page.context().close();
  });

  test('given the server fails a batch, then it is retried with the same messageIds and stored once', async () => {
    const { page } = await openPage();
    const bodies: { batch: { messageId: string; event?: string }[] }[] = [];
    await page.route(`${vafaUrl}/v1/batch`, async (route) => {
      bodies.push(JSON.parse(route.request().postData() ?? '{}'));
      // A request still on its way when the page closes must not fail the file.
      if (bodies.length === 1) await route.fulfill({ status: 503, headers: { 'access-control-allow-origin': '*' }, body: '{}' }).catch(() => {});
      else await route.continue().catch(() => {});
    });
    await page.goto(`${siteUrl}/loaded.html`);
    await page.evaluate("vafa.track('Retried')");
    await eventsUntil('name=Retried', (e) => e.length === 1);
    assert.ok(bodies.length >= 2);
    const ids = (i: number) => bodies[i]?.batch.map((m) => m.messageId);
    assert.deepEqual(ids(1), ids(0));
    await page.context().close();
  });

  test('given the network is down while the visitor is on a page, then the next page sends what was left', async () => {
    const { page } = await openPage();
    await page.route(`${vafaUrl}/v1/batch`, (route) => route.abort('internetdisconnected').catch(() => {}));
    await page.goto(`${siteUrl}/loaded.html`);
    // A browser refusing beacons, so that only localStorage carries the event to the next page.
    await page.evaluate("navigator.sendBeacon = () => false; vafa.track('Sent Later')");
    await page.waitForTimeout(1_500); // the first attempt fails
    await page.unroute(`${vafaUrl}/v1/batch`);
    await page.goto(`${siteUrl}/loaded.html`);
    await eventsUntil('name=Sent%20Later', (e) => e.length === 1);
    await page.context().close();
  });
});

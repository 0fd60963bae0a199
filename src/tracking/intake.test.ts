import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics } from '@segment/analytics-node';
import { createTestApp } from '../testing/harness.ts';

const t = await createTestApp();
const ws = await t.workspace();
const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

const send = (path: string, body: unknown, key = ws.writeKey, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: path, headers: { authorization: basic(key), 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

async function customerByUserId(userId: string) {
  const res = await ws.api.get(`/api/v1/customers?q=${encodeURIComponent(userId)}&visitors=include`);
  return res.json().data.find((c: { externalId: string }) => c.externalId === userId);
}
async function timeline(customerId: string) {
  return (await ws.api.get(`/api/v1/customers/${customerId}/timeline?limit=200`)).json().data as { kind: string; data: Record<string, unknown> }[];
}
const countEvents = async () => Number((await t.db.selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()).n);

describe('tracking API with the official Segment Node client', () => {
  test('given @segment/analytics-node pointed at Vafa, when it identifies, tracks and pages, then all three are on the timeline', async () => {
    const analytics = new Analytics({ writeKey: ws.writeKey, host: url, flushAt: 3, flushInterval: 200 });
    analytics.identify({ userId: 'seg-user-1', traits: { email: 'Seg.User@Example.com', firstName: 'Segment', plan: 'pro', phone: '09121112233' } });
    analytics.track({ userId: 'seg-user-1', event: 'Signed Up', properties: { referrer: 'ads' } });
    analytics.page({ userId: 'seg-user-1', name: 'Pricing', properties: { url: 'https://shop.example/pricing' } });
    await analytics.closeAndFlush({ timeout: 10_000 });

    const customer = await customerByUserId('seg-user-1');
    assert.ok(customer, 'the identified customer exists');
    assert.deepEqual(customer.emails, ['seg.user@example.com']);
    assert.deepEqual(customer.phones, ['+989121112233']);
    assert.equal(customer.firstName, 'Segment');
    assert.equal(customer.attributes.plan, 'pro');
    const events = (await timeline(customer.id)).filter((e) => e.kind === 'event').map((e) => `${e.data.type}:${e.data.name ?? ''}`);
    assert.deepEqual(events.sort(), ['identify:', 'page:Pricing', 'track:Signed Up']);
  });
});

describe('tracking API with the official RudderStack Node SDK (gzip body, form content type)', () => {
  test('given @rudderstack/rudder-sdk-node pointed at Vafa, when it tracks, then the events are stored', async () => {
    const rudder = new RudderAnalytics(ws.writeKey, { dataPlaneUrl: url, flushAt: 2, flushInterval: 200, gzip: true, logLevel: 'error' });
    rudder.identify({ userId: 'rudder-user', traits: { email: 'rudder@example.com' } });
    rudder.track({ userId: 'rudder-user', event: 'Rudder Event', properties: { n: 1 } });
    await rudder.flush();
    const customer = await customerByUserId('rudder-user');
    assert.ok(customer, 'the customer exists');
    const names = (await timeline(customer.id)).filter((e) => e.kind === 'event').map((e) => e.data.name);
    assert.ok(names.includes('Rudder Event'), JSON.stringify(names));
  });
});

describe('identity resolution', () => {
  test('given anonymous browsing, when the visitor identifies, then one customer holds the whole history', async () => {
    const anon = 'anon-browse-1';
    for (const page of ['Home', 'Shoes', 'Checkout']) assert.equal((await send('/v1/page', { anonymousId: anon, name: page })).statusCode, 200);
    const visitors = (await ws.api.get('/api/v1/customers?visitors=only')).json().data;
    assert.ok(visitors.some((c: { anonymous: boolean }) => c.anonymous));
    assert.equal((await send('/v1/identify', { anonymousId: anon, userId: 'browser-1', traits: { name: 'Reza Ahmadi' } })).statusCode, 200);
    await send('/v1/track', { userId: 'browser-1', event: 'Order Completed', properties: { order_id: 'o-100', total: 250000, currency: 'toman', products: [{ product_id: 'p1', name: 'Shoe', price: 250000, quantity: 1 }] } });

    const customer = await customerByUserId('browser-1');
    assert.equal(customer.anonymous, false);
    assert.equal(customer.lastName, 'Ahmadi');
    const entries = await timeline(customer.id);
    const pages = entries.filter((e) => e.data.type === 'page').map((e) => e.data.name);
    assert.deepEqual(pages.sort(), ['Checkout', 'Home', 'Shoes']);
    const order = entries.find((e) => e.kind === 'order');
    assert.equal(order?.data.currency, 'IRR');
    assert.equal(order?.data.totalMinor, 2_500_000, '250,000 toman = 2,500,000 rial');
    assert.equal((await ws.api.get('/api/v1/customers?visitors=only&q=browser-1')).json().data.length, 0);
  });

  test('given a known customer browsing on a new device anonymously, when they log in, then the device history is merged into them', async () => {
    await send('/v1/identify', { userId: 'returning-1', traits: { email: 'ret@example.com' } });
    await send('/v1/track', { anonymousId: 'new-device', event: 'Product Viewed', properties: { product_id: 'p2', name: 'Bag', price: 99.5, currency: 'USD' } });
    await send('/v1/identify', { anonymousId: 'new-device', userId: 'returning-1' });
    const customer = await customerByUserId('returning-1');
    const entries = await timeline(customer.id);
    assert.ok(entries.some((e) => e.data.name === 'Product Viewed'));
    assert.ok(entries.some((e) => e.data.action === 'merged'));
    const product = await t.db.selectFrom('products').selectAll().where('workspace_id', '=', ws.id).where('id', '=', 'p2').executeTakeFirstOrThrow();
    assert.equal(product.price_minor, 9950);
  });

  test('given alias(previousId → userId) of two known customers, then they become one', async () => {
    await send('/v1/identify', { userId: 'old-id', traits: { email: 'old@example.com' } });
    await send('/v1/identify', { userId: 'new-id', traits: { firstName: 'New' } });
    assert.equal((await send('/v1/alias', { previousId: 'old-id', userId: 'new-id' })).statusCode, 200);
    const customer = await customerByUserId('new-id');
    assert.deepEqual(customer.emails, ['old@example.com']);
    assert.equal(await customerByUserId('old-id'), undefined);
  });
});

describe('durability and idempotency', () => {
  test('given the same messageId twice, then the event is stored once', async () => {
    const before = await countEvents();
    const body = { batch: [{ type: 'track', messageId: 'dup-1', userId: 'dupper', event: 'Clicked' }, { type: 'track', messageId: 'dup-1', userId: 'dupper', event: 'Clicked' }] };
    assert.equal((await send('/v1/batch', body)).statusCode, 200);
    assert.equal((await send('/v1/batch', body)).statusCode, 200);
    assert.equal((await countEvents()) - before, 1);
  });

  test('given a batch with two bad events, then 400 lists each by index and nothing is stored', async () => {
    const before = await countEvents();
    const res = await send('/v1/batch', {
      batch: [
        { type: 'track', userId: 'ok', event: 'Fine' },
        { type: 'track', event: 'No ids' },
        { type: 'wink', userId: 'x' },
        { type: 'track', userId: 'ok', event: 'Bad time', timestamp: 'yesterday-ish' },
      ],
    });
    assert.equal(res.statusCode, 400);
    const problems = res.json().error.problems as { index: number; field: string }[];
    assert.deepEqual(problems.map((p) => [p.index, p.field]), [[1, 'batch.1.userId'], [2, 'batch.2.type'], [3, 'batch.3.timestamp']]);
    assert.equal(await countEvents(), before);
  });

  test('given sentAt from a client whose clock is an hour behind, then the event time is corrected', async () => {
    const now = Date.now();
    const skew = 3_600_000;
    await send('/v1/batch', { sentAt: new Date(now - skew).toISOString(), batch: [{ type: 'track', userId: 'skewed', event: 'Clock', messageId: 'skew-1', timestamp: new Date(now - skew - 60_000).toISOString() }] });
    const row = await t.db.selectFrom('events').select('occurred_at').where('message_id', '=', 'skew-1').executeTakeFirstOrThrow();
    assert.ok(Math.abs(row.occurred_at.getTime() - (now - 60_000)) < 5_000, row.occurred_at.toISOString());
  });
});

describe('transport and access', () => {
  test('given gzip JSON under a form content type (RudderStack Node SDK), then it is accepted', async () => {
    const payload = gzipSync(JSON.stringify({ batch: [{ type: 'track', userId: 'rudder-1', event: 'Gzipped', messageId: 'gz-1' }] }));
    const res = await t.app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basic(ws.writeKey), 'content-type': 'application/x-www-form-urlencoded' }, payload });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(await t.db.selectFrom('events').select('id').where('message_id', '=', 'gz-1').executeTakeFirst());
  });

  test('given the writeKey in the body instead of a header, then it is accepted', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/track', headers: { 'content-type': 'application/json' }, payload: { writeKey: ws.writeKey, userId: 'body-key', event: 'X' } });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('given an unknown key, a secret key or a revoked write key, then 401', async () => {
    const body = { userId: 'u', event: 'E' };
    assert.equal((await send('/v1/track', body, 'vafa_wk_nope')).statusCode, 401);
    assert.equal((await send('/v1/track', body, ws.secretKey)).statusCode, 401);
    const created = await ws.api.post('/api/v1/api-keys', { kind: 'write', name: 'temp' });
    assert.equal((await send('/v1/track', body, created.json().key)).statusCode, 200);
    await ws.api.delete(`/api/v1/api-keys/${created.json().id}`);
    assert.equal((await send('/v1/track', body, created.json().key)).statusCode, 401);
  });

  test('given a write key of workspace B, then its events land only in B', async () => {
    const other = await t.workspace();
    await send('/v1/identify', { userId: 'only-in-b', traits: { email: 'b@example.com' } }, other.writeKey);
    assert.equal(await customerByUserId('only-in-b'), undefined);
    const inB = (await other.api.get('/api/v1/customers?q=only-in-b')).json().data;
    assert.equal(inB.length, 1);
  });

  test('given an event over 32 KB or a batch over 500 KB, then 400 / 413 and nothing stored', async () => {
    const before = await countEvents();
    const big = await send('/v1/track', { userId: 'big', event: 'Big', properties: { blob: 'x'.repeat(40_000) } });
    assert.equal(big.statusCode, 400);
    assert.match(big.json().error.message, /32768/);
    const batch = { batch: Array.from({ length: 20 }, () => ({ type: 'track', userId: 'big', event: 'Big', properties: { blob: 'x'.repeat(30_000) } })) };
    assert.equal((await send('/v1/batch', batch)).statusCode, 413);
    assert.equal((await send('/v1/batch', '{not json')).statusCode, 400);
    assert.equal(await countEvents(), before);
  });
});

describe('product catalog', () => {
  test('given a product put through the API, when it goes out of stock and back and its price drops, then each change is recorded', async () => {
    const created = await ws.api.put('/api/v1/products/sku-1', { name: 'کفش', price: '۱۲۰٬۰۰۰', currency: 'toman', inStock: true, stockQuantity: 3 });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().priceMinor, 1_200_000);
    assert.equal(created.json().currency, 'IRR');
    await ws.api.put('/api/v1/products/sku-1', { inStock: false, stockQuantity: 0 });
    await ws.api.put('/api/v1/products/sku-1', { inStock: true, stockQuantity: 5, price: 100000, currency: 'IRT' });
    const unchanged = await ws.api.put('/api/v1/products/sku-1', { name: 'کفش ورزشی' });
    assert.equal(unchanged.statusCode, 200);
    const history = (await ws.api.get('/api/v1/products/sku-1/stock-changes')).json().data;
    assert.deepEqual(history.map((h: { inStock: boolean; priceMinor: number }) => [h.inStock, h.priceMinor]), [[true, 1_000_000], [false, 1_200_000], [true, 1_200_000]]);
    assert.equal(history[0].previousInStock, false);
    const bad = await ws.api.put('/api/v1/products/sku-2', { price: 'cheap' });
    assert.equal(bad.json().error.field, 'price');
    const list = (await ws.api.get('/api/v1/products?q=sku-1')).json().data;
    assert.equal(list[0].name, 'کفش ورزشی');
  });

  test('given Product Viewed events with product details, then the catalog learns the product', async () => {
    await send('/v1/track', { anonymousId: 'catalog-visitor', event: 'Product Viewed', properties: { product_id: 'ev-9', sku: 'EV9', name: 'Lamp', category: 'Home', price: 12.5, currency: 'EUR' } });
    const p = (await ws.api.get('/api/v1/products/ev-9')).json();
    assert.deepEqual([p.name, p.category, p.priceMinor, p.currency], ['Lamp', 'Home', 1250, 'EUR']);
  });
});

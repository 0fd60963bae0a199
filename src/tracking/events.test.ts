import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Script } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { createTestApp } from '../testing/harness.ts';
import { sdkScript } from './routes/sdk.routes.ts';

const t = await createTestApp();
const ws = await t.workspace();

const batch = (messages: Record<string, unknown>[], writeKey = ws.writeKey) =>
  t.app.inject({ method: 'POST', url: '/v1/batch', headers: { 'content-type': 'text/plain;charset=UTF-8' }, payload: JSON.stringify({ writeKey, batch: messages }) });

type EventRow = { id: string; type: string; name: string | null; customerId: string; customerName: string | null; properties: Record<string, unknown>; pageUrl: string | null; occurredAt: string };
async function events(query = '') {
  const res = await ws.api.get(`/api/v1/events${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { data: EventRow[]; nextCursor: string | null };
}

/** The schema recorder writes a few seconds after ingest. */
async function schemas(until: (s: { type: string; name: string | null; properties: { name: string; types: { type: string; count: number }[] }[] }[]) => boolean) {
  for (let i = 0; ; i++) {
    const data = (await ws.api.get('/api/v1/event-schemas')).json().data;
    if (until(data) || i > 50) return data as Parameters<typeof until>[0];
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('browser transport', () => {
  test('given a text/plain JSON body with the writeKey inside (what the SDK and sendBeacon send), then it is stored', async () => {
    const res = await batch([{ type: 'track', anonymousId: 'plain-1', event: 'Plain Text', messageId: 'plain-msg-1' }]);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal((await events('?name=Plain%20Text')).data.length, 1);
  });

  test('given a CORS preflight from any site, then POST with Authorization and JSON is allowed', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/batch',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(String(res.headers['access-control-allow-methods']), /POST/);
    assert.match(String(res.headers['access-control-allow-headers']), /Authorization/);
    assert.match(String(res.headers['access-control-allow-headers']), /Content-Type/);
  });

  test('given a refused call, then the browser can still read the answer (CORS header on errors too)', async () => {
    const res = await batch([{ type: 'track', anonymousId: 'x', event: 'E' }], 'vafa_wk_unknown');
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    const bad = await batch([{ type: 'track', anonymousId: 'x' }]);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['access-control-allow-origin'], '*');
  });
});

describe('GET /sdk/vafa.js', () => {
  test('given a request, then the SDK is served as cacheable JavaScript with an ETag, and If-None-Match gives 304', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sdk/vafa.js' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/javascript/);
    assert.match(String(res.headers['cache-control']), /public, max-age=86400/);
    const etag = String(res.headers.etag);
    assert.match(etag, /^"[\w-]+"$/);
    assert.ok(res.body.length < 12_000, `${res.body.length} bytes`);
    new Script(res.body); // parses
    const again = await t.app.inject({ method: 'GET', url: '/sdk/vafa.js', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  test('given Accept-Encoding gzip, then it comes compressed to a few KB', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sdk/vafa.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.ok(res.rawPayload.length < 5_000, `${res.rawPayload.length} bytes gzipped`);
    assert.equal(gunzipSync(res.rawPayload).toString('utf8'), sdkScript());
  });

  test('given the served script run twice in one page, then it defines window.vafa once and keeps the stub queue', () => {
    const calls: unknown[] = [];
    const window: Record<string, unknown> = { vafa: { q: [['track', ['Early']]] }, addEventListener: () => {}, navigator: {}, location: { protocol: 'https:' } };
    const context = { window, document: { cookie: '', addEventListener: () => {}, currentScript: null }, console: { warn: (...a: unknown[]) => calls.push(a) }, Intl, URL, setTimeout, clearTimeout, Uint8Array, Math, JSON, Date };
    const script = new Script(sdkScript());
    script.runInNewContext(context);
    const vafa = window.vafa as Record<string, (...a: unknown[]) => unknown>;
    assert.equal(vafa.loaded, true);
    assert.equal((vafa.q as unknown as unknown[]).length, 0, 'the stub queue was taken over');
    script.runInNewContext(context);
    assert.equal(window.vafa, vafa);
    assert.equal(vafa.track?.(), undefined, 'a call without arguments returns, never throws');
  });
});

describe('GET /api/v1/events', () => {
  test('given events of two customers, then the list is newest received first, filterable by name, type and customer', async () => {
    for (const [i, name] of ['Viewed A', 'Viewed B', 'Viewed C'].entries()) {
      assert.equal((await batch([{ type: 'track', userId: 'ev-user-1', event: name, properties: { i } }])).statusCode, 200);
    }
    await batch([
      { type: 'identify', userId: 'ev-user-2', traits: { firstName: 'Nasrin', lastName: 'Sotoudeh' } },
      { type: 'page', userId: 'ev-user-2', name: 'Home', context: { page: { url: 'https://shop.example/' } } },
    ]);
    const all = (await events('?limit=200')).data;
    const tracked = all.filter((e) => e.name?.startsWith('Viewed')).map((e) => e.name);
    assert.deepEqual(tracked, ['Viewed C', 'Viewed B', 'Viewed A']);

    const page = (await events('?type=page&name=Home')).data;
    assert.equal(page.length, 1);
    assert.equal(page[0]?.customerName, 'Nasrin Sotoudeh');
    assert.equal(page[0]?.pageUrl, 'https://shop.example/');

    const customerId = all.find((e) => e.name === 'Viewed A')?.customerId as string;
    const ofCustomer = (await events(`?customerId=${customerId}`)).data;
    assert.deepEqual(ofCustomer.map((e) => e.name), ['Viewed C', 'Viewed B', 'Viewed A']);
    assert.equal(ofCustomer[0]?.customerName, 'ev-user-1', 'a customer known only by userId is named by it');
    assert.deepEqual(ofCustomer[2]?.properties, { i: 0 });
  });

  test('given events from different months, when filtering by occurredFrom/occurredTo, then only those in the range come back', async () => {
    await batch([
      { type: 'track', userId: 'ev-range', event: 'Range', timestamp: '2025-01-15T10:00:00Z', messageId: 'range-jan' },
      { type: 'track', userId: 'ev-range', event: 'Range', timestamp: '2025-03-15T10:00:00Z', messageId: 'range-mar' },
      { type: 'track', userId: 'ev-range', event: 'Range', timestamp: '2025-05-15T10:00:00Z', messageId: 'range-may' },
    ]);
    const inRange = (await events('?name=Range&occurredFrom=2025-02-01T00:00:00Z&occurredTo=2025-05-01T00:00:00Z')).data;
    assert.deepEqual(inRange.map((e) => e.occurredAt), ['2025-03-15T10:00:00.000Z']);
    const bad = await ws.api.get('/api/v1/events?occurredFrom=last-week');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.field, 'occurredFrom');
  });

  test('given more events than the limit, when following nextCursor, then every event comes exactly once', async () => {
    await batch(Array.from({ length: 7 }, (_, i) => ({ type: 'track', anonymousId: 'pager', event: 'Paged', messageId: `paged-${i}` })));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await events(`?name=Paged&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.data.map((e) => e.id));
      cursor = res.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
  });

  test('given a forged cursor or a bad filter, then 400 names the field', async () => {
    const forged = Buffer.from(JSON.stringify(["2026-01-01'; drop table events; --", 'x'])).toString('base64url');
    for (const [query, field] of [[`?cursor=${forged}`, 'cursor'], ['?type=wink', 'type'], ['?customerId=nope', 'customerId'], ['?limit=0', 'limit']]) {
      const res = await ws.api.get(`/api/v1/events${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.equal(res.json().error.field, field, query);
    }
  });

  test('given an analyst key, then events can be read; given no key, then 401', async () => {
    const analyst = await ws.keyFor('analyst');
    assert.equal((await analyst.get('/api/v1/events')).statusCode, 200);
    assert.equal((await analyst.get('/api/v1/event-schemas')).statusCode, 200);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/events' })).statusCode, 401);
  });
});

describe('GET /api/v1/event-schemas', () => {
  test('given events with properties of several types, then each event name lists its properties with types and counts', async () => {
    await batch([
      { type: 'track', anonymousId: 'schema-1', event: 'Cart Viewed', properties: { cart_id: 'c1', value: 10 } },
      { type: 'track', anonymousId: 'schema-1', event: 'Cart Viewed', properties: { cart_id: 'c2', value: '12' } },
      { type: 'track', anonymousId: 'schema-1', event: 'Cart Viewed', properties: { cart_id: 'c3', value: 7, coupon: null } },
      { type: 'identify', userId: 'schema-user', traits: { email: 's@example.com' } },
    ]);
    const data = await schemas((s) => s.some((e) => e.name === 'Cart Viewed' && e.properties.length === 3));
    const cart = data.find((e) => e.type === 'track' && e.name === 'Cart Viewed');
    assert.ok(cart, JSON.stringify(data));
    const props = Object.fromEntries(cart.properties.map((p) => [p.name, p.types.map((x) => `${x.type}:${x.count}`)]));
    assert.deepEqual(props, { cart_id: ['string:3'], coupon: ['null:1'], value: ['number:2', 'string:1'] });
    const identify = data.find((e) => e.type === 'identify');
    assert.equal(identify?.name, null);
    assert.ok(identify?.properties.some((p) => p.name === 'email'));
  });
});

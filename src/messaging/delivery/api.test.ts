import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestApp } from '../../testing/harness.ts';
import { customer } from './testing/fixtures.ts';

const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });

describe('messages API', () => {
  test('given a customer, when a message is posted twice with the same Idempotency-Key, then both answers are the same queued message and only one exists', async () => {
    const w = await t.workspace();
    const c = await customer(w);
    const body = { customerId: c, templateId: 'welcome', variables: { code: 'A1' }, channels: ['sms', 'email'], category: 'marketing' };
    const first = await w.api.post('/api/v1/messages', body, { 'idempotency-key': 'welcome-1' });
    assert.equal(first.statusCode, 202, first.body);
    assert.deepEqual([first.json().status, first.json().channels, first.json().priority], ['queued', ['sms', 'email'], 5]);
    const again = await w.api.post('/api/v1/messages', { ...body, variables: { code: 'B2' } }, { 'idempotency-key': 'welcome-1' });
    assert.equal(again.statusCode, 202);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().id, first.json().id);
    const viaClientId = await w.api.post('/api/v1/messages', { ...body, clientMessageId: 'welcome-1' });
    assert.equal(viaClientId.json().id, first.json().id, 'clientMessageId is the same key');
    const list = (await w.api.get(`/api/v1/messages?customerId=${c}`)).json();
    assert.equal(list.data.length, 1);
  });

  test('given a send time in the future, then the message is scheduled for it; its history says so', async () => {
    const w = await t.workspace();
    const sendAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await w.api.post('/api/v1/messages', { customerId: await customer(w), content: { text: 'سلام' }, category: 'transactional', sendAt });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual([res.json().status, res.json().notBefore, res.json().channels], ['scheduled', sendAt, 'auto']);
    const detail = (await w.api.get(`/api/v1/messages/${res.json().id}`)).json();
    assert.deepEqual(detail.history.map((h: { status: string; detail: { sendAt?: string } }) => [h.status, h.detail.sendAt]), [['scheduled', sendAt]]);
  });

  test('given bad input, when a message is posted, then 400 names the field and nothing is stored', async () => {
    const w = await t.workspace();
    const c = await customer(w);
    const cases: [Record<string, unknown>, string][] = [
      [{ customerId: c, category: 'marketing' }, 'templateId'],
      [{ customerId: c, category: 'marketing', templateId: 'x', content: { text: 'y' } }, 'templateId'],
      [{ customerId: c, category: 'newsletter', templateId: 'x' }, 'category'],
      [{ customerId: c, category: 'marketing', templateId: 'x', channels: ['pigeon'] }, 'channels'],
      [{ customerId: c, category: 'marketing', templateId: 'x', channels: ['sms', 'sms'] }, 'channels'],
      [{ customerId: c, category: 'marketing', templateId: 'x', priority: 11 }, 'priority'],
      [{ customerId: c, category: 'marketing', templateId: 'x', sendAt: 'tomorrow' }, 'sendAt'],
      [{ customerId: 'not-a-uuid', category: 'marketing', templateId: 'x' }, 'customerId'],
      [{ customerId: crypto.randomUUID(), category: 'marketing', templateId: 'x' }, 'customerId'],
    ];
    for (const [body, field] of cases) {
      const res = await w.api.post('/api/v1/messages', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.match(res.json().error.field, new RegExp(`^${field}`), JSON.stringify(body));
    }
    assert.deepEqual((await w.api.get('/api/v1/messages')).json().data, []);
  });

  test('given 5 messages, when listed 2 at a time and filtered by status, then pages are newest first without gaps or repeats', async () => {
    const w = await t.workspace();
    const c = await customer(w);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await w.api.post('/api/v1/messages', { customerId: c, content: { text: `m${i}` }, category: 'transactional', ...(i === 4 ? { sendAt: new Date(Date.now() + 3_600_000).toISOString() } : {}) })).json().id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { data: { id: string }[]; nextCursor: string | null } = (await w.api.get(`/api/v1/messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...res.data.map((m) => m.id));
      cursor = res.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse());
    assert.deepEqual((await w.api.get('/api/v1/messages?status=scheduled')).json().data.map((m: { id: string }) => m.id), [ids[4]]);
    assert.equal((await w.api.get('/api/v1/messages?status=lost')).statusCode, 400);
    assert.equal((await w.api.get(`/api/v1/messages/${crypto.randomUUID()}`)).statusCode, 404);
  });

  test('given a queued message, then the customer timeline shows it as an outbound "message" entry', async () => {
    const w = await t.workspace();
    const c = await customer(w);
    const m = (await w.api.post('/api/v1/messages', { customerId: c, templateId: 'promo', category: 'marketing' })).json();
    const timeline = (await w.api.get(`/api/v1/customers/${c}/timeline?kinds=message`)).json();
    assert.deepEqual(timeline.data.map((e: { id: string; data: Record<string, unknown> }) => [e.id, e.data.direction, e.data.status]), [[m.id, 'outbound', 'queued']]);
  });
});

describe('messaging settings API', () => {
  test('given a new workspace, then the defaults are 3 marketing messages a week, 1 SMS a day, quiet 21:00–09:00 Asia/Tehran, SMS opt-in and email opt-out', async () => {
    const w = await t.workspace();
    const s = (await w.api.get('/api/v1/messaging/settings')).json();
    assert.deepEqual(s.caps, [
      { channel: 'all', limit: 3, days: 7 },
      { channel: 'sms', limit: 1, days: 1 },
    ]);
    assert.deepEqual([s.timezone, s.quietHours, s.consentModes.sms, s.consentModes.email], ['Asia/Tehran', { enabled: true, start: '21:00', end: '09:00' }, 'opt-in', 'opt-out']);
  });

  test('given settings, when a marketer changes quiet hours, then they are kept; bad values are 400 naming the field; an analyst may read but not change them', async () => {
    const w = await t.workspace();
    const s = (await w.api.get('/api/v1/messaging/settings')).json();
    const marketer = await w.keyFor('marketer');
    const changed = await marketer.put('/api/v1/messaging/settings', { ...s, quietHours: { enabled: true, start: '22:30', end: '08:00' }, timezone: 'Asia/Dubai' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual((await w.api.get('/api/v1/messaging/settings')).json().quietHours, { enabled: true, start: '22:30', end: '08:00' });
    for (const [patch, field] of [
      [{ quietHours: { enabled: true, start: '25:00', end: '08:00' } }, 'quietHours.start'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ caps: [{ channel: 'fax', limit: 1, days: 1 }] }, 'caps.0.channel'],
      [{ consentModes: { ...s.consentModes, sms: 'maybe' } }, 'consentModes.sms'],
      [{ channelOrder: ['sms', 'sms'] }, 'channelOrder'],
    ] as const) {
      const res = await w.api.put('/api/v1/messaging/settings', { ...s, ...patch });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.field, field);
    }
    const analyst = await w.keyFor('analyst');
    assert.equal((await analyst.get('/api/v1/messaging/settings')).statusCode, 200);
    assert.equal((await analyst.put('/api/v1/messaging/settings', s)).statusCode, 403);
  });
});

describe('customer addresses API', () => {
  test('given a customer, when chat ids, a WhatsApp number and a push subscription are set, then they are stored normalised; bad ones are 400 naming the field; delete removes them', async () => {
    const w = await t.workspace();
    const c = await customer(w);
    const put = (kind: string, body: unknown) => w.api.put(`/api/v1/customers/${c}/addresses/${kind}`, body);
    assert.deepEqual((await put('telegram', { address: '123456789' })).json().address, '123456789');
    assert.equal((await put('whatsapp', { address: '0912 111 2233' })).json().address, '+989121112233');
    const subscription = { endpoint: 'https://push.example.com/abc', keys: { p256dh: 'BPk', auth: 'xyz' } };
    assert.deepEqual(JSON.parse((await put('webpush', { subscription })).json().address), subscription);
    for (const [kind, body, field] of [
      ['telegram', { address: 'not-a-chat' }, 'address'],
      ['whatsapp', { address: '12' }, 'address'],
      ['webpush', { address: 'x' }, 'subscription'],
      ['telegram', {}, 'address'],
      ['email', { address: 'a@b.c' }, 'kind'],
    ] as const) {
      const res = await put(kind, body);
      assert.equal(res.statusCode, 400, `${kind}: ${res.body}`);
      assert.equal(res.json().error.field, field);
    }
    assert.equal((await w.api.delete(`/api/v1/customers/${c}/addresses/telegram`)).statusCode, 204);
    assert.equal((await w.api.delete(`/api/v1/customers/${c}/addresses/telegram`)).statusCode, 404);
    assert.equal((await w.api.put(`/api/v1/customers/${crypto.randomUUID()}/addresses/telegram`, { address: '1' })).statusCode, 404);
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { refresh as refreshAnalytics } from '../analytics/testing.ts';
import { apiClient, createTestApp } from '../testing/harness.ts';
import { loginSession, type HttpClient } from '../testing/session.ts';

/**
 * Tenant isolation: workspace B, with full (owner) rights in B, must never read or change
 * anything of workspace A through any /api/v1 route, neither with a secret key nor with a
 * console session. Every route in /openapi.json needs a case in `cases` below.
 */
const t = await createTestApp();
const a = await t.workspace('Shop A');
const b = await t.workspace('Shop B');
const suffix = randomBytes(4).toString('hex');

async function ok(res: Promise<LightMyRequestResponse>, status = 200) {
  const r = await res;
  assert.equal(r.statusCode, status, r.body);
  return r.body ? r.json() : null;
}

// A's data, created through A's own key.
const definition = await ok(a.api.post('/api/v1/attribute-definitions', { key: 'a_loyalty_tier', label: 'Tier', type: 'enum', options: ['gold'] }), 201);
const member = await ok(a.api.post('/api/v1/members', { email: `a-support-${suffix}@example.com`, password: 'member-password', role: 'support' }), 201);
/** A person in A whom B also adds (users are global, memberships are per workspace). */
const shared = await ok(a.api.post('/api/v1/members', { email: `shared-${suffix}@example.com`, password: 'shared-password', role: 'marketer' }), 201);
const c1 = await ok(
  a.api.post(
    '/api/v1/customers',
    { externalId: 'a-ext-1', firstName: 'Arsalan', lastName: 'Zarrinkafsh', emails: ['arsalan@a.example'], phones: ['09121112233'], tags: ['a-vip'], city: 'Shiraz', attributes: { a_loyalty_tier: 'gold' } },
    { 'idempotency-key': 'shared-idempotency-key' },
  ),
  201,
);
const c2 = await ok(a.api.post('/api/v1/customers', { externalId: 'a-ext-2', firstName: 'Arsalan', lastName: 'Zarrinkafsh-Dup' }), 201);
const note = await ok(a.api.post(`/api/v1/customers/${c1.id}/notes`, { body: 'A-only note: prefers evening calls' }), 201);
const task = await ok(a.api.post('/api/v1/tasks', { title: 'A-only task: call back', customerId: c1.id, assigneeId: member.userId }), 201);
await ok(a.api.put(`/api/v1/customers/${c1.id}/consents/sms`, { status: 'granted', source: 'a-signup-form' }));
const aKey = await ok(a.api.post('/api/v1/api-keys', { kind: 'secret', name: 'A integration', role: 'analyst' }), 201);
const mergedAway = await ok(a.api.post('/api/v1/customers', { externalId: 'a-ext-merged', firstName: 'Arsalan', lastName: 'Zarrinkafsh-Old' }), 201);
await ok(a.api.post('/api/v1/customers/merge', { primaryId: c2.id, secondaryId: mergedAway.id }));
const aMerge = (await ok(a.api.get(`/api/v1/customers/${c2.id}/merges`))).data[0];
const product = await ok(a.api.put('/api/v1/products/a-only-product', { name: 'A-only product', price: 120000, currency: 'IRT', inStock: true }), 201);
/** A's CSV import (one good row, one bad row whose value only A has), finished before the cases run. */
async function importFinished(client: HttpClient, id: string) {
  for (let i = 0; ; i++) {
    const view = await ok(client.get(`/api/v1/imports/${id}`));
    if ((view.status !== 'queued' && view.status !== 'running') || i >= 100) return view;
    await new Promise((r) => setTimeout(r, 50));
  }
}
const aImportCsv = 'externalId,firstName,email\na-imp-1,Arsalan,arsalan-imp@a.example\na-imp-2,Arsalan,A-only-not-an-email\n';
const aImport = await importFinished(a.api, (await ok(a.api.post('/api/v1/imports?kind=customers&fileName=A-only-import.csv', aImportCsv, { 'content-type': 'text/csv' }), 202)).id);
assert.equal(aImport.rowsFailed, 1);

// ── isolation setup: segments (A's segments data; keep each capability's lines under its own marker) ──
const aSegment = await ok(a.api.post('/api/v1/segments', { name: 'A-only hand-picked', kind: 'manual' }), 201);
await ok(a.api.post(`/api/v1/segments/${aSegment.id}/members`, { customerIds: [c1.id] }));
const aDynamicSegment = await ok(a.api.post('/api/v1/segments', { name: 'A-only VIPs', kind: 'dynamic', rules: { type: 'group', op: 'and', conditions: [{ type: 'tag', operator: 'has', value: 'a-vip' }] } }), 201);
assert.equal(aDynamicSegment.memberCount, 1);
/** A's segments as A sees them; B's calls must leave them exactly so and never mention them. */
const aSegmentsView = async () => ({
  segments: (await ok(a.api.get('/api/v1/segments'))).data,
  members: (await ok(a.api.get(`/api/v1/segments/${aSegment.id}/members`))).data,
  dynamic: (await ok(a.api.get(`/api/v1/segments/${aDynamicSegment.id}/members`))).data,
});
const aSegmentsBefore = await aSegmentsView();
async function segmentsUntouched(res?: LightMyRequestResponse) {
  if (res) for (const marker of [aSegment.id, aDynamicSegment.id, 'A-only']) assert.ok(!res.body.includes(marker), `leaks A's segment: ${res.body.slice(0, 300)}`);
  assert.deepEqual(await aSegmentsView(), aSegmentsBefore);
}
// ── isolation setup: channels (A's channels data; keep each capability's lines under its own marker) ──
const aChannel = await ok(a.api.post('/api/v1/channels', { provider: 'webhook', name: 'A-only hook', settings: { url: 'https://a-only.example/hook', secret: 'A-only-webhook-secret' } }), 201);
/** A's channel as A sees it; B's calls must leave it exactly so and never mention it. */
const aChannelView = async () => ok(a.api.get(`/api/v1/channels/${aChannel.id}`));
const aChannelBefore = await aChannelView();
async function channelUntouched(res: LightMyRequestResponse) {
  for (const marker of [aChannel.id, 'A-only', 'a-only.example']) assert.ok(!res.body.includes(marker), `leaks A's channel: ${res.body.slice(0, 300)}`);
  assert.deepEqual(await aChannelView(), aChannelBefore);
}
// ── isolation setup: templates (A's templates data; keep each capability's lines under its own marker) ──
const aTemplate = await ok(a.api.post('/api/v1/templates', { name: 'A-only template', category: 'transactional', variants: { fa: { sms: { text: 'A-only text {{ customer.first_name }}' } } } }), 201);
await ok(a.api.put('/api/v1/messaging/voice', { tone: 'friendly', signatures: { fa: 'A-only signature' } }));
/** A's template and voice as A sees them; B's calls must leave them exactly so. */
const aTemplateView = async () => ({ template: await ok(a.api.get(`/api/v1/templates/${aTemplate.id}`)), voice: await ok(a.api.get('/api/v1/messaging/voice')) });
const aTemplateBefore = await aTemplateView();
const templateUntouched = async () => assert.deepEqual(await aTemplateView(), aTemplateBefore);
const bTemplateInput = { name: 'B welcome', category: 'transactional', variants: { en: { sms: { text: 'Hi {{ customer.first_name }}' } } } };
// ── isolation setup: delivery (A's delivery data; keep each capability's lines under its own marker) ──
// Scheduled a year ahead so that the delivery worker leaves it exactly as it is while the cases run.
const aMessage = await ok(a.api.post('/api/v1/messages', { customerId: c1.id, content: { text: 'A-only message text' }, channels: ['sms'], category: 'transactional', sendAt: new Date(Date.now() + 365 * 86_400_000).toISOString() }, { 'idempotency-key': 'shared-message-key' }), 202);
await ok(a.api.put(`/api/v1/customers/${c1.id}/addresses/telegram`, { address: '424242' }));
const aMessagingSettings = await ok(a.api.get('/api/v1/messaging/settings'));
await ok(a.api.put('/api/v1/messaging/settings', { ...aMessagingSettings, timezone: 'Asia/Kabul', quietHours: { enabled: true, start: '20:15', end: '10:45' } }));
/** A's outbox, address and settings as A sees them; B's calls must leave them exactly so. */
const aDeliveryView = async () => ({
  message: await ok(a.api.get(`/api/v1/messages/${aMessage.id}`)),
  settings: await ok(a.api.get('/api/v1/messaging/settings')),
  address: await t.db.selectFrom('customer_addresses').selectAll().where('customer_id', '=', c1.id).execute(),
});
const aDeliveryBefore = await aDeliveryView();
async function deliveryUntouched(res?: LightMyRequestResponse) {
  if (res) for (const marker of [aMessage.id, 'A-only', 'Asia/Kabul', '424242']) assert.ok(!res.body.includes(marker), `leaks A's delivery data: ${res.body.slice(0, 300)}`);
  assert.deepEqual(await aDeliveryView(), aDeliveryBefore);
}

// ── isolation setup: preferences (A's preferences data; keep each capability's lines under its own marker) ──
await ok(a.api.post('/api/v1/messaging/topics', { key: 'a-news', labels: { en: 'A-only newsletter' } }), 201);
/** A's topics as A sees them; B's calls must leave them exactly so and never mention them. */
const aTopicsView = async () => ok(a.api.get('/api/v1/messaging/topics'));
const aTopicsBefore = await aTopicsView();
async function topicsUntouched(res?: LightMyRequestResponse) {
  if (res) assert.ok(!res.body.includes('A-only newsletter'), `leaks A's topic: ${res.body.slice(0, 300)}`);
  assert.deepEqual(await aTopicsView(), aTopicsBefore);
}
// ── isolation setup: broadcasts (A's broadcasts data; keep each capability's lines under its own marker) ──
const aBroadcast = await ok(a.api.post('/api/v1/broadcasts', { name: 'A-only broadcast', segmentId: aSegment.id, templateId: aTemplate.id }), 201);
const aNewsletter = await ok(
  a.api.post('/api/v1/newsletters', { name: 'A-only RSS digest', feedUrl: 'https://a.example/feed.xml', schedule: { frequency: 'daily', time: '09:00' }, segmentId: aSegment.id, templateId: aTemplate.id, active: false }),
  201,
);
/** A's broadcast and newsletter as A sees them; B's calls must leave them exactly so and never mention them. */
const aBroadcastView = async () => ({ broadcast: await ok(a.api.get(`/api/v1/broadcasts/${aBroadcast.id}`)), newsletter: await ok(a.api.get(`/api/v1/newsletters/${aNewsletter.id}`)) });
const aBroadcastBefore = await aBroadcastView();
async function broadcastsUntouched(res?: LightMyRequestResponse) {
  if (res) assert.ok(!res.body.includes('A-only broadcast') && !res.body.includes('A-only RSS digest'), `leaks A's broadcasts: ${res.body.slice(0, 300)}`);
  assert.deepEqual(await aBroadcastView(), aBroadcastBefore);
}
// ── isolation setup: calendar (A's communication calendar data; keep each capability's lines under its own marker) ──
await ok(a.api.put('/api/v1/contacts/alert', { days: 77, segmentId: aSegment.id, assigneeId: a.ownerId }));
/** A's alert and c1's contacts (A's note) as A sees them; B's calls must leave them exactly so. */
const aCalendarView = async () => ({
  // lastRunAt moves when this process's scheduler runs A's alert; everything else must not.
  alert: { ...(await ok(a.api.get('/api/v1/contacts/alert'))).alert, lastRunAt: undefined },
  contacts: await ok(a.api.get(`/api/v1/customers/${c1.id}/contacts`)),
  alertTasks: await t.db.selectFrom('tasks').select('id').where('workspace_id', '=', a.id).where('source', '=', 'contact-alert').execute(),
});
const aCalendarBefore = await aCalendarView();
assert.equal(aCalendarBefore.contacts.channels.length, 1, "A's note is a contact");
async function calendarUntouched(res?: LightMyRequestResponse) {
  if (res) noLeak(res);
  assert.deepEqual(await aCalendarView(), aCalendarBefore);
}
// ── isolation setup: journeys (A's journeys data; keep each capability's lines under its own marker) ──
// A's active journey parks its run on a day-long wait before any step acts, so nothing moves while the cases run.
const aJourney = await ok(
  a.api.post('/api/v1/journeys', {
    name: 'A-only journey',
    trigger: { kind: 'api' },
    start: 'wait',
    steps: [{ id: 'wait', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'tag' } }, { id: 'tag', kind: 'tag', add: ['a-journeyed'], next: { next: 'end' } }, { id: 'end', kind: 'exit' }],
  }),
  201,
);
await ok(a.api.post(`/api/v1/journeys/${aJourney.id}/activate`));
const aDraftJourney = await ok(a.api.post('/api/v1/journeys', { name: 'A-only draft journey', trigger: { kind: 'segment', segmentId: aSegment.id, action: 'entered' }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] }), 201);
await ok(a.api.put('/api/v1/journeys/settings', { maxActivePerCustomer: 3 }));
const aRun = (await ok(a.api.post(`/api/v1/journeys/${aJourney.id}/runs`, { customerId: c1.id, idempotencyKey: 'shared-run-key', context: { note: 'A-only context' } }), 201)).run;
for (let i = 0; (await ok(a.api.get(`/api/v1/journeys/${aJourney.id}/runs`))).data[0]?.phase !== 'waiting' && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
/** A's journeys as A sees them; B's calls must leave them exactly so and never mention them. */
const aJourneysView = async () => ({
  journey: await ok(a.api.get(`/api/v1/journeys/${aJourney.id}`)),
  draft: await ok(a.api.get(`/api/v1/journeys/${aDraftJourney.id}`)),
  runs: await ok(a.api.get(`/api/v1/journeys/${aJourney.id}/runs`)),
  versions: await ok(a.api.get(`/api/v1/journeys/${aJourney.id}/versions`)),
  settings: await ok(a.api.get('/api/v1/journeys/settings')),
});
const aJourneysBefore = await aJourneysView();
assert.equal(aJourneysBefore.runs.data[0]?.phase, 'waiting', "A's run is parked on its wait");
async function journeysUntouched(res?: LightMyRequestResponse) {
  if (res) for (const marker of [aJourney.id, aDraftJourney.id, aRun.id, 'A-only']) assert.ok(!res.body.includes(marker), `leaks A's journeys: ${res.body.slice(0, 300)}`);
  assert.deepEqual(await aJourneysView(), aJourneysBefore);
}
// B's own data, so that "B sees none of A" is never vacuously true.
const bCustomer = await ok(b.api.post('/api/v1/customers', { externalId: 'b-ext-1', firstName: 'Behnaz' }), 201);
const bConsole = await loginSession(t.app, b.ownerEmail, b.ownerPassword);
/** Tracked events of A (one on c1, one from an anonymous visitor), sent with A's write key. */
const track = async (writeKey: string, batch: Record<string, unknown>[]) =>
  assert.equal((await t.app.inject({ method: 'POST', url: '/v1/batch', payload: { writeKey, batch } })).statusCode, 200);
await track(a.writeKey, [
  { type: 'track', userId: 'a-ext-1', event: 'A-only Purchase', properties: { note: 'A-only secret', total: 10 } },
  { type: 'page', anonymousId: 'A-only-visitor', name: 'A-only Landing', properties: { url: 'https://a.example/A-only' } },
]);
await track(b.writeKey, [{ type: 'track', userId: 'b-ext-1', event: 'B Signup', properties: { plan: 'basic' } }]);
// A's orders (two customers bought the A-only product together) and analytics computed on them.
const aOrder = (id: string, userId: string, timestamp: string) => ({
  type: 'track', userId, event: 'Order Completed', timestamp,
  properties: { order_id: id, total: 50, currency: 'USD', products: [{ product_id: 'a-only-product', price: 30 }, { product_id: 'a-only-addon', price: 20 }] },
});
await track(a.writeKey, [aOrder('a-o-1', 'a-ext-1', '2026-01-10T10:00:00Z'), aOrder('a-o-2', 'a-ext-1', '2026-03-10T10:00:00Z'), aOrder('a-o-3', 'a-ext-2', '2026-02-10T10:00:00Z')]);
await ok(a.api.patch('/api/v1/analytics/settings', { activeDays: 45, focus: { kpi: 'revenue', target: 1000 } }));
await refreshAnalytics(t.db, a.id);
assert.equal((await ok(a.api.get('/api/v1/analytics/rfm'))).customers, 2);
assert.equal((await ok(a.api.get('/api/v1/analytics/rules'))).data.length, 2);
/** The schema recorder writes a few seconds after ingest: wait until both workspaces have one. */
async function schemaNames(client: HttpClient) {
  for (let i = 0; ; i++) {
    const names = ((await ok(client.get('/api/v1/event-schemas'))).data as { name: string | null }[]).map((e) => e.name);
    if (names.length > 0 || i >= 50) return names;
    await new Promise((r) => setTimeout(r, 200));
  }
}
assert.ok((await schemaNames(a.api)).includes('A-only Purchase'));
assert.deepEqual(await schemaNames(b.api), ['B Signup']);

/** Strings and ids only A has: none may appear in any answer B gets. */
const aMarkers = ['A-only product', mergedAway.id, a.id, a.ownerId, a.ownerEmail, c1.id, c2.id, note.id, task.id, aKey.id, aKey.prefix, member.userId, member.email, 'Zarrinkafsh', 'arsalan@a.example', 'A-only', 'Shop A'];

function noLeak(res: LightMyRequestResponse) {
  for (const marker of aMarkers) assert.ok(!res.body.includes(marker), `${res.statusCode} answer leaks A's "${marker}": ${res.body.slice(0, 300)}`);
}

async function notFound(res: Promise<LightMyRequestResponse>, field?: string) {
  const r = await res;
  assert.equal(r.statusCode, 404, r.body);
  assert.equal(r.json().error.code, 'NOT_FOUND');
  if (field) assert.equal(r.json().error.field, field);
  noLeak(r);
}

async function listed(res: Promise<LightMyRequestResponse>) {
  const r = await res;
  assert.equal(r.statusCode, 200, r.body);
  noLeak(r);
  return r.json();
}

const ids = (rows: { id?: string; userId?: string; key?: string }[]) => rows.map((r) => r.id ?? r.userId ?? r.key);

/** Everything A can see of its own data, re-read with A's key (minus clocks that reading moves). */
async function aView() {
  const get = (url: string) => ok(a.api.get(url));
  const { exportedAt: _, ...exported } = await get(`/api/v1/customers/${c1.id}/export`);
  const keys = await get('/api/v1/api-keys');
  return {
    workspace: await get('/api/v1/workspace'),
    customers: await get('/api/v1/customers?limit=200'),
    c1: await get(`/api/v1/customers/${c1.id}`),
    c2: await get(`/api/v1/customers/${c2.id}`),
    merges: await get(`/api/v1/customers/${c2.id}/merges`),
    notes: await get(`/api/v1/customers/${c1.id}/notes`),
    timeline: await get(`/api/v1/customers/${c1.id}/timeline?limit=200`),
    exported,
    tasks: await get('/api/v1/tasks?limit=200'),
    members: await get('/api/v1/members'),
    keys: keys.data.map(({ lastUsedAt: _used, ...k }: { lastUsedAt: unknown }) => k),
    definitions: await get('/api/v1/attribute-definitions'),
    products: await get('/api/v1/products'),
    stock: await get(`/api/v1/products/${product.id}/stock-changes`),
    events: await get('/api/v1/events?limit=200'),
    eventSchemas: await get('/api/v1/event-schemas'),
    audit: await get('/api/v1/audit-log?limit=200'),
    imports: await get('/api/v1/imports'),
    analyticsSettings: await get('/api/v1/analytics/settings'),
    analyticsAsOf: (await get('/api/v1/analytics/status')).asOf,
    kpis: await get('/api/v1/analytics/kpis?date=2026-03-15&periods=3'),
    cohorts: await get('/api/v1/analytics/cohorts'),
    rfm: await get('/api/v1/analytics/rfm'),
    scored: await get('/api/v1/analytics/customers'),
    rules: await get('/api/v1/analytics/rules'),
    c1Analytics: await get(`/api/v1/customers/${c1.id}/analytics`),
  };
}

interface IsolationCase {
  /** As in /openapi.json: `METHOD /path/{param}`. */
  route: string;
  expect: string;
  run(b: HttpClient): Promise<void>;
}

const cases: IsolationCase[] = [
  {
    route: 'GET /api/v1/workspace',
    expect: "B's workspace is answered, never A's",
    run: async (as) => assert.equal((await listed(as.get('/api/v1/workspace'))).id, b.id),
  },
  {
    route: 'PATCH /api/v1/workspace',
    expect: "only B's workspace changes",
    run: async (as) => assert.equal((await listed(as.patch('/api/v1/workspace', { name: 'Shop B', settings: { timezone: 'Asia/Tehran' } }))).id, b.id),
  },
  {
    route: 'GET /api/v1/members',
    expect: "only B's members are listed",
    run: async (as) => assert.deepEqual(ids((await listed(as.get('/api/v1/members'))).data), [b.ownerId]),
  },
  {
    route: 'POST /api/v1/members',
    expect: "adding a person who is also in A creates B's own membership and leaves A's as it was",
    run: async (as) => {
      const added = await ok(as.post('/api/v1/members', { email: shared.email, password: 'shared-password', role: 'analyst' }), 201);
      assert.equal(added.userId, shared.userId);
      assert.equal(added.role, 'analyst');
      await ok(as.delete(`/api/v1/members/${added.userId}`), 204);
    },
  },
  {
    route: 'PATCH /api/v1/members/{userId}',
    expect: "A's members are 404",
    run: async (as) => {
      await notFound(as.patch(`/api/v1/members/${member.userId}`, { role: 'owner' }));
      await notFound(as.patch(`/api/v1/members/${a.ownerId}`, { role: 'analyst' }));
    },
  },
  {
    route: 'DELETE /api/v1/members/{userId}',
    expect: "A's members are 404",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/members/${member.userId}`));
      await notFound(as.delete(`/api/v1/members/${a.ownerId}`));
    },
  },
  {
    route: 'GET /api/v1/api-keys',
    expect: "only B's keys are listed",
    run: async (as) => {
      const keys = (await listed(as.get('/api/v1/api-keys'))).data as { id: string }[];
      assert.ok(keys.length >= 2);
      const inB = await t.db.selectFrom('api_keys').select('id').where('workspace_id', '=', b.id).execute();
      assert.deepEqual(ids(keys).sort(), ids(inB).sort());
    },
  },
  {
    route: 'POST /api/v1/api-keys',
    expect: "a key B creates is a key of B that cannot reach A's customers",
    run: async (as) => {
      const created = await ok(as.post('/api/v1/api-keys', { kind: 'secret', name: 'B probe', role: 'owner' }), 201);
      const probe = apiClient(t.app, created.key);
      assert.equal((await listed(probe.get('/api/v1/workspace'))).id, b.id);
      await notFound(probe.get(`/api/v1/customers/${c1.id}`));
      await ok(as.delete(`/api/v1/api-keys/${created.id}`));
    },
  },
  {
    route: 'DELETE /api/v1/api-keys/{id}',
    expect: "A's key is 404 and keeps working for A",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/api-keys/${aKey.id}`));
      assert.equal((await ok(apiClient(t.app, aKey.key).get('/api/v1/workspace'))).id, a.id);
    },
  },
  {
    route: 'GET /api/v1/audit-log',
    expect: "only B's entries are listed",
    run: async (as) => {
      const entries = (await listed(as.get('/api/v1/audit-log?limit=200'))).data as { id: string }[];
      assert.ok(entries.length > 0);
      const inB = await t.db.selectFrom('audit_log').select('id').where('workspace_id', '=', b.id).orderBy('id', 'desc').limit(200).execute();
      assert.deepEqual(ids(entries), inB.map((r) => String(r.id)));
    },
  },
  {
    route: 'GET /api/v1/customers',
    expect: "no list, search or filter ever returns A's customers",
    run: async (as) => {
      assert.deepEqual(ids((await listed(as.get('/api/v1/customers?limit=200'))).data), [bCustomer.id]);
      for (const query of ['q=Arsalan', 'q=Zarrinkafsh', 'q=arsalan%40a.example', 'q=09121112233', 'q=a-ext-1', 'tag=a-vip', 'city=Shiraz', 'consent=sms', 'sort=name']) {
        const found = (await listed(as.get(`/api/v1/customers?${query}`))).data as { id: string }[];
        assert.ok(!ids(found).some((id) => id === c1.id || id === c2.id), query);
      }
    },
  },
  {
    route: 'POST /api/v1/customers',
    expect: "A's externalId is free in B and A's attribute definitions do not exist in B",
    run: async (as) => {
      const created = await ok(as.post('/api/v1/customers', { externalId: 'a-ext-1', firstName: 'Bita' }), 201);
      assert.notEqual(created.id, c1.id);
      const refused = await as.post('/api/v1/customers', { firstName: 'Bita', attributes: { a_loyalty_tier: 'gold' } });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().error.field, 'attributes.a_loyalty_tier');
      await ok(as.delete(`/api/v1/customers/${created.id}`)); // erase frees the externalId for the next run
    },
  },
  {
    route: 'POST /api/v1/customers/bulk',
    expect: "customers B imports with A's externalIds are B's own",
    run: async (as) => {
      const res = await ok(as.post('/api/v1/customers/bulk', { customers: [{ externalId: 'a-ext-1', firstName: 'Bita' }, { externalId: 'a-ext-2', firstName: 'Bahar' }] }), 201);
      assert.equal(res.created, 2);
      for (const id of res.ids as string[]) {
        assert.ok(id !== c1.id && id !== c2.id);
        await ok(as.delete(`/api/v1/customers/${id}`));
      }
    },
  },
  {
    route: 'POST /api/v1/customers/merge',
    expect: "merging A's customers, or A's with B's, is 404 and changes neither",
    run: async (as) => {
      const bBefore = await ok(as.get(`/api/v1/customers/${bCustomer.id}`));
      await notFound(as.post('/api/v1/customers/merge', { primaryId: c1.id, secondaryId: c2.id }));
      await notFound(as.post('/api/v1/customers/merge', { primaryId: bCustomer.id, secondaryId: c1.id }), 'secondaryId');
      await notFound(as.post('/api/v1/customers/merge', { primaryId: c2.id, secondaryId: bCustomer.id }), 'primaryId');
      assert.deepEqual(await ok(as.get(`/api/v1/customers/${bCustomer.id}`)), bBefore);
    },
  },
  { route: 'GET /api/v1/customers/{id}', expect: '404', run: async (as) => notFound(as.get(`/api/v1/customers/${c1.id}`)) },
  {
    route: 'PATCH /api/v1/customers/{id}',
    expect: '404',
    run: async (as) => notFound(as.patch(`/api/v1/customers/${c1.id}`, { firstName: 'Hijacked', tags: ['b-owned'] })),
  },
  { route: 'DELETE /api/v1/customers/{id}', expect: '404 and A\'s customer is not erased', run: async (as) => notFound(as.delete(`/api/v1/customers/${c1.id}`)) },
  {
    route: 'PUT /api/v1/customers/{id}/consents/{channel}',
    expect: '404',
    run: async (as) => {
      await notFound(as.put(`/api/v1/customers/${c1.id}/consents/sms`, { status: 'revoked' }));
      await notFound(as.put(`/api/v1/customers/${c1.id}/consents/email`, { status: 'granted' }));
    },
  },
  { route: 'GET /api/v1/customers/{id}/timeline', expect: '404', run: async (as) => notFound(as.get(`/api/v1/customers/${c1.id}/timeline`)) },
  { route: 'GET /api/v1/customers/{id}/export', expect: '404', run: async (as) => notFound(as.get(`/api/v1/customers/${c1.id}/export`)) },
  { route: 'GET /api/v1/customers/{id}/notes', expect: '404', run: async (as) => notFound(as.get(`/api/v1/customers/${c1.id}/notes`)) },
  { route: 'POST /api/v1/customers/{id}/notes', expect: '404', run: async (as) => notFound(as.post(`/api/v1/customers/${c1.id}/notes`, { body: 'B was here' })) },
  { route: 'PATCH /api/v1/notes/{id}', expect: '404', run: async (as) => notFound(as.patch(`/api/v1/notes/${note.id}`, { body: 'B was here' })) },
  { route: 'DELETE /api/v1/notes/{id}', expect: '404', run: async (as) => notFound(as.delete(`/api/v1/notes/${note.id}`)) },
  {
    route: 'GET /api/v1/tasks',
    expect: "A's tasks are never listed, whatever the filter",
    run: async (as) => {
      for (const query of ['', `?customerId=${c1.id}`, `?assigneeId=${member.userId}`, '?status=open']) {
        assert.deepEqual((await listed(as.get(`/api/v1/tasks${query}`))).data, [], query);
      }
    },
  },
  {
    route: 'POST /api/v1/tasks',
    expect: "A's customer is 404 and A's member is not assignable",
    run: async (as) => {
      await notFound(as.post('/api/v1/tasks', { title: 'B task', customerId: c1.id }), 'customerId');
      const res = await as.post('/api/v1/tasks', { title: 'B task', assigneeId: member.userId });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.field, 'assigneeId');
      assert.equal(await countRows('tasks', b.id), 0);
    },
  },
  { route: 'PATCH /api/v1/tasks/{id}', expect: '404', run: async (as) => notFound(as.patch(`/api/v1/tasks/${task.id}`, { status: 'done', title: 'B was here' })) },
  {
    route: 'GET /api/v1/attribute-definitions',
    expect: "A's definitions are not listed",
    run: async (as) => assert.deepEqual((await listed(as.get('/api/v1/attribute-definitions'))).data, []),
  },
  {
    route: 'POST /api/v1/attribute-definitions',
    expect: "B may define the same key as A, as its own",
    run: async (as) => {
      const own = await ok(as.post('/api/v1/attribute-definitions', { key: definition.key, label: 'B tier', type: 'string' }), 201);
      assert.equal(own.type, 'string');
      await ok(as.delete(`/api/v1/attribute-definitions/${definition.key}`), 204);
    },
  },
  {
    route: 'DELETE /api/v1/attribute-definitions/{key}',
    expect: "A's definition is 404",
    run: async (as) => notFound(as.delete(`/api/v1/attribute-definitions/${definition.key}`)),
  },
  { route: 'GET /api/v1/customers/{id}/merges', expect: '404', run: async (as) => notFound(as.get(`/api/v1/customers/${c1.id}/merges`)) },
  {
    route: 'POST /api/v1/customers/merges/{mergeId}/undo',
    expect: "A's merge is 404 and stays done",
    run: async (as) => notFound(as.post(`/api/v1/customers/merges/${aMerge.id}/undo`)),
  },
  {
    route: 'GET /api/v1/products',
    expect: "B's catalog never lists A's products",
    run: async (as) => {
      const names = (await listed(as.get('/api/v1/products?q=a-only'))).data.map((p: { name: string }) => p.name);
      assert.ok(!names.includes(product.name), 'no A product listed (B may own a product with the same id)');
    },
  },
  // Product ids are the shop's own (SKU-like): B may own a product with the same id (the PUT case
  // below creates one), so the answer is 404 or B's own product — never A's.
  {
    route: 'GET /api/v1/products/{id}',
    expect: "404, or B's own product of that id",
    run: async (as) => {
      const r = await as.get(`/api/v1/products/${product.id}`);
      if (r.statusCode === 404) return notFound(Promise.resolve(r));
      assert.equal(r.json().name, 'B product');
      noLeak(r);
    },
  },
  {
    route: 'GET /api/v1/products/{id}/stock-changes',
    expect: "404, or B's own history",
    run: async (as) => {
      const r = await as.get(`/api/v1/products/${product.id}/stock-changes`);
      if (r.statusCode === 404) return notFound(Promise.resolve(r));
      assert.ok(r.json().data.every((h: { priceMinor: number }) => h.priceMinor !== product.priceMinor), r.body);
    },
  },
  {
    route: 'PUT /api/v1/products/{id}',
    expect: "B gets a product of its own under that id; A's is untouched",
    run: async (as) => {
      const res = await as.put(`/api/v1/products/${product.id}`, { name: 'B product', price: 1, currency: 'USD' });
      assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body);
      assert.equal(res.json().name, 'B product');
    },
  },
  {
    route: 'GET /api/v1/events',
    expect: "no filter ever lists A's events",
    run: async (as) => {
      const names = (await listed(as.get('/api/v1/events?limit=200'))).data.map((e: { name: string }) => e.name);
      assert.deepEqual(names, ['B Signup']);
      for (const query of ['name=A-only%20Purchase', `customerId=${c1.id}`, 'type=page', 'name=A-only%20Landing&type=page']) {
        assert.deepEqual((await listed(as.get(`/api/v1/events?${query}`))).data, [], query);
      }
    },
  },
  {
    route: 'GET /api/v1/event-schemas',
    expect: "only B's event names and properties",
    run: async (as) => {
      const schemas = (await listed(as.get('/api/v1/event-schemas'))).data as { name: string; properties: { name: string }[] }[];
      assert.deepEqual(schemas.map((e) => [e.name, e.properties.map((p) => p.name)]), [['B Signup', ['plan']]]);
    },
  },
  {
    route: 'GET /api/v1/imports',
    expect: "A's imports are not listed",
    run: async (as) => assert.ok(!ids((await listed(as.get('/api/v1/imports?limit=200'))).data).includes(aImport.id)),
  },
  {
    route: 'POST /api/v1/imports',
    expect: "a file B imports with A's externalIds creates B's own customers and never updates A's",
    run: async (as) => {
      const started = await ok(as.post('/api/v1/imports?kind=customers&fileName=b-import.csv', 'externalId,firstName\na-ext-1,Bita\na-imp-1,Bahar\n', { 'content-type': 'text/csv' }), 202);
      const done = await importFinished(as, started.id);
      assert.deepEqual([done.status, done.counts], ['completed', { created: 2, updated: 0, unchanged: 0 }]);
      for (const q of ['a-ext-1', 'a-imp-1']) {
        const [own] = (await listed(as.get(`/api/v1/customers?q=${q}`))).data as { id: string }[];
        assert.ok(own && own.id !== c1.id);
        await ok(as.delete(`/api/v1/customers/${own.id}`)); // erase frees the externalId for the next run
      }
    },
  },
  {
    route: 'POST /api/v1/imports/preview',
    expect: "A's attribute definitions are not offered as fields",
    run: async (as) => {
      const preview = await ok(as.post('/api/v1/imports/preview?kind=customers', 'externalId,a_loyalty_tier\nx,gold\n', { 'content-type': 'text/csv' }));
      assert.ok(!preview.fields.includes('attribute:a_loyalty_tier'), preview.fields.join());
    },
  },
  {
    route: 'GET /api/v1/analytics/settings',
    expect: "B's own defaults, not A's active window or focus",
    run: async (as) => {
      const settings = await listed(as.get('/api/v1/analytics/settings'));
      assert.notEqual(settings.activeDays, 45);
      assert.equal(settings.focus, null);
    },
  },
  {
    route: 'PATCH /api/v1/analytics/settings',
    expect: "changes B's settings only",
    run: async (as) => assert.equal((await listed(as.patch('/api/v1/analytics/settings', { activeDays: 120 }))).activeDays, 120),
  },
  {
    route: 'GET /api/v1/analytics/status',
    expect: "B's status counts none of A's orders",
    run: async (as) => assert.deepEqual([(await listed(as.get('/api/v1/analytics/status'))).orders], [0]),
  },
  {
    route: 'POST /api/v1/analytics/refresh',
    expect: "queues B's refresh; A's figures keep their time",
    run: async (as) => {
      const r = await as.post('/api/v1/analytics/refresh');
      assert.equal(r.statusCode, 202, r.body);
      noLeak(r);
    },
  },
  {
    route: 'GET /api/v1/analytics/kpis',
    expect: "no figure of B's counts A's orders or customers",
    run: async (as) => {
      const report = await listed(as.get('/api/v1/analytics/kpis?date=2026-03-15&periods=3&grain=month'));
      for (const k of report.kpis) for (const v of k.values) assert.ok(!v.value, `${k.id}: ${v.value}`);
      assert.equal(report.focus, null);
    },
  },
  {
    route: 'GET /api/v1/analytics/cohorts',
    expect: 'no cohorts',
    run: async (as) => assert.deepEqual((await listed(as.get('/api/v1/analytics/cohorts'))).cohorts, []),
  },
  {
    route: 'GET /api/v1/analytics/rfm',
    expect: 'no scored customers',
    run: async (as) => assert.equal((await listed(as.get('/api/v1/analytics/rfm'))).customers, 0),
  },
  {
    route: 'GET /api/v1/analytics/customers',
    expect: "none of A's scored customers, in any segment",
    run: async (as) => {
      assert.deepEqual((await listed(as.get('/api/v1/analytics/customers'))).data, []);
      assert.deepEqual((await listed(as.get('/api/v1/analytics/customers?segment=champions&sort=clv'))).data, []);
    },
  },
  {
    route: 'GET /api/v1/analytics/models',
    expect: "no model fitted on A's orders",
    run: async (as) => assert.equal((await listed(as.get('/api/v1/analytics/models'))).transactions, null),
  },
  {
    route: 'GET /api/v1/analytics/compare',
    expect: 'empty groups',
    run: async (as) => {
      const report = await listed(as.get('/api/v1/analytics/compare'));
      assert.deepEqual([report.groupA.customers, report.groupB.customers, report.features], [0, 0, []]);
    },
  },
  {
    route: 'GET /api/v1/analytics/rules',
    expect: "none of A's product pairs",
    run: async (as) => assert.deepEqual((await listed(as.get('/api/v1/analytics/rules'))).data, []),
  },
  { route: 'GET /api/v1/customers/{id}/analytics', expect: '404', run: async (as) => notFound(as.get(`/api/v1/customers/${c1.id}/analytics`)) },
  { route: 'GET /api/v1/imports/{id}', expect: '404', run: async (as) => notFound(as.get(`/api/v1/imports/${aImport.id}`)) },
  { route: 'GET /api/v1/imports/{id}/errors', expect: '404', run: async (as) => notFound(as.get(`/api/v1/imports/${aImport.id}/errors`)) },
  // ── isolation cases: segments ──
  {
    route: 'GET /api/v1/segments',
    expect: "none of A's segments",
    run: async (as) => {
      const res = await as.get('/api/v1/segments?limit=200');
      assert.ok(!ids((await listed(Promise.resolve(res))).data).includes(aSegment.id));
      await segmentsUntouched(res);
    },
  },
  {
    route: 'POST /api/v1/segments',
    expect: "a segment of B's own whose rules see none of A's customers",
    run: async (as) => {
      const res = await as.post('/api/v1/segments', { name: 'B VIPs', kind: 'dynamic', rules: { type: 'group', op: 'and', conditions: [{ type: 'tag', operator: 'has', value: 'a-vip' }] } });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().memberCount, 0);
      await segmentsUntouched(res);
      assert.equal((await as.delete(`/api/v1/segments/${res.json().id}`)).statusCode, 204);
    },
  },
  {
    route: 'POST /api/v1/segments/preview',
    expect: "B's customers only, never a sample from A",
    run: async (as) => {
      const everyone = await listed(as.post('/api/v1/segments/preview', { rules: { type: 'group', op: 'and', conditions: [] } }));
      assert.ok(!ids(everyone.sample.map((m: { customerId: string }) => ({ id: m.customerId }))).includes(c1.id));
      const aTagged = await listed(as.post('/api/v1/segments/preview', { rules: { type: 'group', op: 'and', conditions: [{ type: 'event', name: 'A-only Purchase', operator: 'did' }] } }));
      assert.equal(aTagged.count, 0);
    },
  },
  { route: 'GET /api/v1/segments/{id}', expect: '404', run: async (as) => notFound(as.get(`/api/v1/segments/${aSegment.id}`)) },
  {
    route: 'PATCH /api/v1/segments/{id}',
    expect: "404; A's segment keeps its name and rules",
    run: async (as) => {
      await notFound(as.patch(`/api/v1/segments/${aDynamicSegment.id}`, { name: 'taken over', rules: { type: 'group', op: 'or', conditions: [] } }));
      await segmentsUntouched();
    },
  },
  {
    route: 'DELETE /api/v1/segments/{id}',
    expect: "404; A's segment stays",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/segments/${aSegment.id}`));
      await segmentsUntouched();
    },
  },
  { route: 'GET /api/v1/segments/{id}/members', expect: '404', run: async (as) => notFound(as.get(`/api/v1/segments/${aSegment.id}/members`)) },
  {
    route: 'POST /api/v1/segments/{id}/members',
    expect: "404 on A's segment; A's customer is not found for B's own segment",
    run: async (as) => {
      await notFound(as.post(`/api/v1/segments/${aSegment.id}/members`, { customerIds: [bCustomer.id] }));
      const own = await as.post('/api/v1/segments', { name: 'B hand-picked', kind: 'manual' });
      assert.equal(own.statusCode, 201, own.body);
      const added = await as.post(`/api/v1/segments/${own.json().id}/members`, { customerIds: [c1.id] });
      assert.deepEqual(added.json(), { added: 0, alreadyMembers: 0, notFound: [c1.id] });
      assert.equal((await as.delete(`/api/v1/segments/${own.json().id}`)).statusCode, 204);
      await segmentsUntouched();
    },
  },
  {
    route: 'DELETE /api/v1/segments/{id}/members/{customerId}',
    expect: "404; A's member stays",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/segments/${aSegment.id}/members/${c1.id}`));
      await segmentsUntouched();
    },
  },
  {
    route: 'POST /api/v1/segments/{id}/import',
    expect: "404; nobody added to A's segment",
    run: async (as) => {
      await notFound(as.post(`/api/v1/segments/${aSegment.id}/import?matchBy=external_id`, 'externalId\nb-ext-1\n', { 'content-type': 'text/csv' }));
      await segmentsUntouched();
    },
  },
  { route: 'GET /api/v1/customers/{id}/segments', expect: '404', run: async (as) => notFound(as.get(`/api/v1/customers/${c1.id}/segments`)) },
  // ── isolation cases: channels ──
  {
    route: 'GET /api/v1/channels/providers',
    expect: 'the same installed providers, nothing of A',
    run: async (as) => channelUntouched(await as.get('/api/v1/channels/providers')),
  },
  {
    route: 'GET /api/v1/channels',
    expect: "none of A's channels",
    run: async (as) => {
      const res = await as.get('/api/v1/channels');
      assert.deepEqual(res.json().data, []);
      await channelUntouched(res);
    },
  },
  {
    route: 'POST /api/v1/channels',
    expect: "a channel of B's own, even under A's channel name",
    run: async (as) => {
      const res = await as.post('/api/v1/channels', { provider: 'webhook', name: `B hook ${randomBytes(3).toString('hex')}`, settings: { url: 'https://b.example/hook', secret: 'b-webhook-secret-123' } });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().isDefault, true, "A's default does not count in B");
      await channelUntouched(res);
      assert.equal((await as.delete(`/api/v1/channels/${res.json().id}`)).statusCode, 204);
    },
  },
  { route: 'GET /api/v1/channels/{id}', expect: '404', run: async (as) => notFound(as.get(`/api/v1/channels/${aChannel.id}`)) },
  {
    route: 'PATCH /api/v1/channels/{id}',
    expect: "404; A's channel keeps its name and secret",
    run: async (as) => {
      await notFound(as.patch(`/api/v1/channels/${aChannel.id}`, { name: 'taken over', settings: { secret: 'b-replaced-secret-123' } }));
      await channelUntouched(await as.get('/api/v1/channels'));
    },
  },
  {
    route: 'DELETE /api/v1/channels/{id}',
    expect: "404; A's channel stays",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/channels/${aChannel.id}`));
      await channelUntouched(await as.get('/api/v1/channels'));
    },
  },
  {
    route: 'POST /api/v1/channels/{id}/verify',
    expect: "404; A's channel status unchanged",
    run: async (as) => {
      await notFound(as.post(`/api/v1/channels/${aChannel.id}/verify`));
      await channelUntouched(await as.get('/api/v1/channels'));
    },
  },
  { route: 'POST /api/v1/channels/{id}/test', expect: "404; nothing sent through A's channel", run: async (as) => notFound(as.post(`/api/v1/channels/${aChannel.id}/test`, { address: 'b@b.example' })) },
  {
    route: 'POST /api/v1/channels/webpush/vapid-keys',
    expect: 'a fresh key pair, nothing stored',
    run: async (as) => channelUntouched(await as.post('/api/v1/channels/webpush/vapid-keys')),
  },
  // ── isolation cases: templates ──
  {
    route: 'GET /api/v1/templates',
    expect: "A's templates are not listed",
    run: async (as) => {
      assert.ok(!ids((await listed(as.get('/api/v1/templates?limit=200'))).data).includes(aTemplate.id));
      await templateUntouched();
    },
  },
  {
    route: 'POST /api/v1/templates',
    expect: "B's template is B's own; A's template is untouched",
    run: async (as) => {
      const created = await as.post('/api/v1/templates', { ...bTemplateInput, name: `B welcome ${randomBytes(3).toString('hex')}` });
      assert.equal(created.statusCode, 201, created.body);
      noLeak(created);
      assert.notEqual(created.json().id, aTemplate.id);
      await templateUntouched();
    },
  },
  { route: 'GET /api/v1/templates/{id}', expect: '404', run: async (as) => notFound(as.get(`/api/v1/templates/${aTemplate.id}`)) },
  {
    route: 'PUT /api/v1/templates/{id}',
    expect: "404; A's template keeps its content",
    run: async (as) => {
      await notFound(as.put(`/api/v1/templates/${aTemplate.id}`, bTemplateInput));
      await templateUntouched();
    },
  },
  {
    route: 'DELETE /api/v1/templates/{id}',
    expect: "404; A's template still exists",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/templates/${aTemplate.id}`));
      await templateUntouched();
    },
  },
  {
    route: 'POST /api/v1/templates/{id}/preview',
    expect: "404 for A's template, and for A's customer in B's template",
    run: async (as) => {
      await notFound(as.post(`/api/v1/templates/${aTemplate.id}/preview`, { customerId: bCustomer.id, channel: 'sms' }));
      const own = (await as.post('/api/v1/templates', { ...bTemplateInput, name: `B preview ${randomBytes(3).toString('hex')}` })).json();
      await notFound(as.post(`/api/v1/templates/${own.id}/preview`, { customerId: c1.id, channel: 'sms' }));
    },
  },
  {
    route: 'POST /api/v1/templates/preview',
    expect: "a draft cannot be rendered with A's customer",
    run: async (as) => notFound(as.post('/api/v1/templates/preview', { customerId: c1.id, channel: 'sms', template: bTemplateInput })),
  },
  { route: 'POST /api/v1/templates/{id}/lint', expect: '404', run: async (as) => notFound(as.post(`/api/v1/templates/${aTemplate.id}/lint`)) },
  {
    route: 'GET /api/v1/messaging/voice',
    expect: "B's voice, not A's tone or signature",
    run: async (as) => {
      const voice = await listed(as.get('/api/v1/messaging/voice'));
      assert.notEqual(voice.signatures.fa, 'A-only signature');
    },
  },
  {
    route: 'PUT /api/v1/messaging/voice',
    expect: "changes B's voice only",
    run: async (as) => {
      assert.equal((await listed(as.put('/api/v1/messaging/voice', { tone: 'formal', signatures: { fa: 'B signature' } }))).signatures.fa, 'B signature');
      await templateUntouched();
    },
  },
  // ── isolation cases: delivery ──
  {
    route: 'POST /api/v1/messages',
    expect: "A's customer is unknown (400 customerId); B's key reuse of A's Idempotency-Key makes B's own message",
    run: async (as) => {
      const r = await as.post('/api/v1/messages', { customerId: c1.id, content: { text: 'B text' }, category: 'transactional' });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.field, 'customerId');
      noLeak(r);
      const own = await as.post('/api/v1/messages', { customerId: bCustomer.id, content: { text: 'B text' }, category: 'transactional', sendAt: new Date(Date.now() + 86_400_000).toISOString() }, { 'idempotency-key': 'shared-message-key' });
      assert.equal(own.statusCode, 202, own.body);
      assert.notEqual(own.json().id, aMessage.id);
      await deliveryUntouched(own);
    },
  },
  {
    route: 'GET /api/v1/messages',
    expect: "none of A's messages, even filtered by A's customer",
    run: async (as) => {
      const r = await as.get(`/api/v1/messages?customerId=${c1.id}`);
      assert.deepEqual(JSON.parse(r.body).data, []);
      const all = await as.get('/api/v1/messages');
      assert.ok(!all.body.includes(aMessage.id));
      await deliveryUntouched(all);
    },
  },
  { route: 'GET /api/v1/messages/{id}', expect: '404', run: async (as) => notFound(as.get(`/api/v1/messages/${aMessage.id}`)) },
  {
    route: 'GET /api/v1/messaging/settings',
    expect: "B's own defaults, not A's quiet hours",
    run: async (as) => {
      const r = await as.get('/api/v1/messaging/settings');
      assert.equal(JSON.parse(r.body).timezone, 'Asia/Tehran');
      await deliveryUntouched(r);
    },
  },
  {
    route: 'PUT /api/v1/messaging/settings',
    expect: "changes B's settings only",
    run: async (as) => {
      const mine = JSON.parse((await as.get('/api/v1/messaging/settings')).body);
      const r = await as.put('/api/v1/messaging/settings', { ...mine, quietHours: { enabled: false, start: '22:00', end: '08:00' } });
      assert.equal(r.statusCode, 200, r.body);
      await deliveryUntouched(r);
    },
  },
  {
    route: 'PUT /api/v1/customers/{id}/addresses/{kind}',
    expect: "404 for A's customer; A's address unchanged",
    run: async (as) => {
      await notFound(as.put(`/api/v1/customers/${c1.id}/addresses/telegram`, { address: '999' }));
      await deliveryUntouched();
    },
  },
  {
    route: 'DELETE /api/v1/customers/{id}/addresses/{kind}',
    expect: "404 for A's customer; A's address still there",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/customers/${c1.id}/addresses/telegram`));
      await deliveryUntouched();
    },
  },
  // ── isolation cases: preferences ──
  {
    route: 'GET /api/v1/messaging/topics',
    expect: "A's topics are not listed",
    run: async (as) => {
      const r = await listed(as.get('/api/v1/messaging/topics'));
      assert.ok(!r.data.some((x: { key: string }) => x.key === 'a-news'));
      await topicsUntouched();
    },
  },
  {
    route: 'POST /api/v1/messaging/topics',
    expect: "B's topic is B's own; A's topics are untouched",
    run: async (as) => {
      const created = await as.post('/api/v1/messaging/topics', { key: `b-${randomBytes(3).toString('hex')}`, labels: { en: 'B news' } });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().optedOut, 0);
      await topicsUntouched(created);
    },
  },
  { route: 'GET /api/v1/messaging/topics/{key}', expect: '404', run: async (as) => notFound(as.get('/api/v1/messaging/topics/a-news')) },
  {
    route: 'PUT /api/v1/messaging/topics/{key}',
    expect: "404; A's labels unchanged",
    run: async (as) => {
      await notFound(as.put('/api/v1/messaging/topics/a-news', { labels: { en: 'B took it' } }));
      await topicsUntouched();
    },
  },
  {
    route: 'DELETE /api/v1/messaging/topics/{key}',
    expect: "404; A's topic still exists",
    run: async (as) => {
      await notFound(as.delete('/api/v1/messaging/topics/a-news'));
      await topicsUntouched();
    },
  },
  // ── isolation cases: broadcasts ──
  {
    route: 'GET /api/v1/broadcasts',
    expect: "A's broadcasts are not listed",
    run: async (as) => {
      const r = await listed(as.get('/api/v1/broadcasts?limit=200'));
      assert.ok(!r.data.some((x: { id: string }) => x.id === aBroadcast.id));
      await broadcastsUntouched();
    },
  },
  {
    route: 'POST /api/v1/broadcasts',
    expect: "400 for A's segment and for A's template; A's broadcast untouched",
    run: async (as) => {
      const bSegment = await ok(as.post('/api/v1/segments', { name: `B audience ${randomBytes(3).toString('hex')}`, kind: 'manual' }), 201);
      const withASegment = await as.post('/api/v1/broadcasts', { name: 'B broadcast', segmentId: aSegment.id, templateId: aTemplate.id });
      assert.deepEqual([withASegment.statusCode, withASegment.json().error.field], [400, 'segmentId'], withASegment.body);
      const withATemplate = await as.post('/api/v1/broadcasts', { name: 'B broadcast', segmentId: bSegment.id, templateId: aTemplate.id });
      assert.deepEqual([withATemplate.statusCode, withATemplate.json().error.field], [400, 'templateId'], withATemplate.body);
      await broadcastsUntouched(withATemplate);
    },
  },
  { route: 'GET /api/v1/broadcasts/{id}', expect: '404', run: async (as) => notFound(as.get(`/api/v1/broadcasts/${aBroadcast.id}`)) },
  {
    route: 'PATCH /api/v1/broadcasts/{id}',
    expect: "404; A's broadcast unchanged",
    run: async (as) => {
      await notFound(as.patch(`/api/v1/broadcasts/${aBroadcast.id}`, { name: 'B took it' }));
      await broadcastsUntouched();
    },
  },
  {
    route: 'DELETE /api/v1/broadcasts/{id}',
    expect: "404; A's broadcast still exists",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/broadcasts/${aBroadcast.id}`));
      await broadcastsUntouched();
    },
  },
  ...(['send', 'pause', 'resume', 'cancel'] as const).map((action) => ({
    route: `POST /api/v1/broadcasts/{id}/${action}`,
    expect: "404; A's broadcast still a draft",
    run: async (as: HttpClient) => {
      await notFound(as.post(`/api/v1/broadcasts/${aBroadcast.id}/${action}`, {}));
      await broadcastsUntouched();
    },
  })),
  { route: 'GET /api/v1/broadcasts/{id}/report', expect: '404', run: async (as) => notFound(as.get(`/api/v1/broadcasts/${aBroadcast.id}/report`)) },
  { route: 'GET /api/v1/broadcasts/{id}/recipients', expect: '404', run: async (as) => notFound(as.get(`/api/v1/broadcasts/${aBroadcast.id}/recipients`)) },
  {
    route: 'POST /api/v1/broadcasts/{id}/test',
    expect: "404; nothing queued for A's broadcast",
    run: async (as) => {
      await notFound(as.post(`/api/v1/broadcasts/${aBroadcast.id}/test`, { customerId: bCustomer.id }));
      await broadcastsUntouched();
    },
  },
  {
    route: 'GET /api/v1/newsletters',
    expect: "A's newsletters are not listed",
    run: async (as) => {
      const r = await listed(as.get('/api/v1/newsletters?limit=200'));
      assert.ok(!r.data.some((x: { id: string }) => x.id === aNewsletter.id));
    },
  },
  {
    route: 'POST /api/v1/newsletters',
    expect: "400 for A's segment; A's newsletter untouched",
    run: async (as) => {
      const res = await as.post('/api/v1/newsletters', { name: 'B digest', feedUrl: 'https://b.example/feed.xml', schedule: { frequency: 'daily', time: '09:00' }, segmentId: aSegment.id, templateId: aTemplate.id });
      assert.deepEqual([res.statusCode, res.json().error.field], [400, 'segmentId'], res.body);
      await broadcastsUntouched(res);
    },
  },
  { route: 'GET /api/v1/newsletters/{id}', expect: '404', run: async (as) => notFound(as.get(`/api/v1/newsletters/${aNewsletter.id}`)) },
  {
    route: 'PATCH /api/v1/newsletters/{id}',
    expect: "404; A's newsletter unchanged",
    run: async (as) => {
      await notFound(as.patch(`/api/v1/newsletters/${aNewsletter.id}`, { feedUrl: 'https://b.example/steal.xml' }));
      await broadcastsUntouched();
    },
  },
  {
    route: 'DELETE /api/v1/newsletters/{id}',
    expect: "404; A's newsletter still exists",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/newsletters/${aNewsletter.id}`));
      await broadcastsUntouched();
    },
  },
  {
    route: 'POST /api/v1/newsletters/{id}/run',
    expect: "404; A's newsletter not run",
    run: async (as) => {
      await notFound(as.post(`/api/v1/newsletters/${aNewsletter.id}/run`, {}));
      await broadcastsUntouched();
    },
  },
  // ── isolation cases: journeys ──
  {
    route: 'GET /api/v1/journeys',
    expect: "A's journeys are not listed",
    run: async (as) => {
      const r = await listed(as.get('/api/v1/journeys?limit=200'));
      assert.ok(!r.data.some((j: { id: string }) => j.id === aJourney.id || j.id === aDraftJourney.id));
      await journeysUntouched();
    },
  },
  {
    route: 'POST /api/v1/journeys',
    expect: "B's draft is B's; activating it on A's segment or template is a 400 naming the field",
    run: async (as) => {
      const created = await as.post('/api/v1/journeys', { name: 'B journey', trigger: { kind: 'segment', segmentId: aSegment.id, action: 'entered' }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] });
      assert.equal(created.statusCode, 201, created.body);
      const activated = await as.post(`/api/v1/journeys/${created.json().id}/activate`);
      assert.equal(activated.statusCode, 400, activated.body);
      assert.equal(activated.json().error.field, 'trigger.segmentId');
      const withTemplate = await as.post('/api/v1/journeys', { name: 'B journey 2', trigger: { kind: 'api' }, start: 's', steps: [{ id: 's', kind: 'send', templateId: aTemplate.id, next: { next: 'end' } }, { id: 'end', kind: 'exit' }] });
      const refused = await as.post(`/api/v1/journeys/${withTemplate.json().id}/activate`);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().error.field, 'steps.0.templateId');
      await journeysUntouched(refused);
    },
  },
  {
    route: 'GET /api/v1/journeys/settings',
    expect: "B's own settings, never A's",
    run: async (as) => {
      assert.notEqual((await listed(as.get('/api/v1/journeys/settings'))).maxActivePerCustomer, 3);
      await journeysUntouched();
    },
  },
  {
    route: 'PUT /api/v1/journeys/settings',
    expect: "changes B's settings only",
    run: async (as) => {
      const r = await as.put('/api/v1/journeys/settings', { maxActivePerCustomer: 7 });
      assert.equal(r.statusCode, 200, r.body);
      await journeysUntouched(r);
    },
  },
  { route: 'GET /api/v1/journeys/{id}', expect: '404', run: async (as) => notFound(as.get(`/api/v1/journeys/${aJourney.id}`)) },
  {
    route: 'DELETE /api/v1/journeys/{id}',
    expect: "404 for A's draft and A's active journey; both stay",
    run: async (as) => {
      await notFound(as.delete(`/api/v1/journeys/${aDraftJourney.id}`));
      await notFound(as.delete(`/api/v1/journeys/${aJourney.id}`));
      await journeysUntouched();
    },
  },
  {
    route: 'PATCH /api/v1/journeys/{id}',
    expect: "404; A's journeys unchanged",
    run: async (as) => {
      await notFound(as.patch(`/api/v1/journeys/${aDraftJourney.id}`, { name: 'B took it' }));
      await notFound(as.patch(`/api/v1/journeys/${aJourney.id}`, { name: 'B took it' }));
      await journeysUntouched();
    },
  },
  ...(['activate', 'pause', 'resume', 'archive'] as const).map((action) => ({
    route: `POST /api/v1/journeys/{id}/${action}`,
    expect: "404; A's journeys keep their status",
    run: async (as: HttpClient) => {
      await notFound(as.post(`/api/v1/journeys/${aJourney.id}/${action}`, {}));
      await notFound(as.post(`/api/v1/journeys/${aDraftJourney.id}/${action}`, {}));
      await journeysUntouched();
    },
  })),
  { route: 'GET /api/v1/journeys/{id}/versions', expect: '404', run: async (as) => notFound(as.get(`/api/v1/journeys/${aJourney.id}/versions`)) },
  { route: 'GET /api/v1/journeys/{id}/runs', expect: '404', run: async (as) => notFound(as.get(`/api/v1/journeys/${aJourney.id}/runs`)) },
  { route: 'GET /api/v1/journeys/{id}/analytics', expect: '404', run: async (as) => notFound(as.get(`/api/v1/journeys/${aJourney.id}/analytics`)) },
  {
    route: 'POST /api/v1/journeys/{id}/simulate',
    expect: "404 on A's journey; A's customer is unknown to B's journey (400 customerId); A's template is neither rendered nor found",
    run: async (as) => {
      await notFound(as.post(`/api/v1/journeys/${aJourney.id}/simulate`, { customerId: bCustomer.id }));
      const own = await as.post('/api/v1/journeys', { name: 'B simulated', trigger: { kind: 'api' }, start: 's', steps: [{ id: 's', kind: 'send', templateId: aTemplate.id, channels: ['sms'], next: { next: 'end' } }, { id: 'end', kind: 'exit' }] });
      const foreign = await as.post(`/api/v1/journeys/${own.json().id}/simulate`, { customerId: c1.id });
      assert.equal(foreign.statusCode, 400, foreign.body);
      assert.equal(foreign.json().error.field, 'customerId');
      const mine = await as.post(`/api/v1/journeys/${own.json().id}/simulate`, { customerId: bCustomer.id });
      assert.equal(mine.statusCode, 200, mine.body);
      assert.equal(mine.json().messages[0].blockedBy, 'template');
      assert.ok(mine.json().problems.some((p: { field: string }) => p.field === 'steps.0.templateId'));
      await journeysUntouched(mine);
    },
  },
  {
    route: 'POST /api/v1/journeys/{id}/check',
    expect: "404 on A's journey",
    run: async (as) => {
      await notFound(as.post(`/api/v1/journeys/${aJourney.id}/check`, {}));
      await journeysUntouched();
    },
  },
  {
    route: 'POST /api/v1/journeys/{id}/runs',
    expect: "404 on A's journey; A's customer is unknown to B's own journey (400 customerId); the shared key starts nothing of A's",
    run: async (as) => {
      await notFound(as.post(`/api/v1/journeys/${aJourney.id}/runs`, { customerId: bCustomer.id, idempotencyKey: 'shared-run-key' }));
      const own = await as.post('/api/v1/journeys', { name: 'B api journey', trigger: { kind: 'api' }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] });
      assert.equal((await as.post(`/api/v1/journeys/${own.json().id}/activate`)).statusCode, 200);
      const foreign = await as.post(`/api/v1/journeys/${own.json().id}/runs`, { customerId: c1.id, idempotencyKey: 'shared-run-key' });
      assert.equal(foreign.statusCode, 400, foreign.body);
      assert.equal(foreign.json().error.field, 'customerId');
      const mine = await as.post(`/api/v1/journeys/${own.json().id}/runs`, { customerId: bCustomer.id, idempotencyKey: 'shared-run-key' });
      assert.ok(mine.statusCode === 201 || mine.statusCode === 200, mine.body);
      await journeysUntouched(mine);
    },
  },
  { route: 'GET /api/v1/customers/{id}/journeys', expect: '404', run: async (as) => notFound(as.get(`/api/v1/customers/${c1.id}/journeys`)) },
  {
    route: 'POST /api/v1/journeys/{id}/runs/bulk',
    expect: "404 on A's journey; on B's own journey, A's segment and A's customer are unknown (400 segmentId, customerIds.0); nothing of A starts",
    run: async (as) => {
      await notFound(as.post(`/api/v1/journeys/${aJourney.id}/runs/bulk`, { customerIds: [bCustomer.id], idempotencyKey: 'shared-bulk-key' }));
      const own = await as.post('/api/v1/journeys', { name: 'B bulk journey', trigger: { kind: 'api' }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] });
      assert.equal((await as.post(`/api/v1/journeys/${own.json().id}/activate`)).statusCode, 200);
      const bySegment = await as.post(`/api/v1/journeys/${own.json().id}/runs/bulk`, { segmentId: aSegment.id, idempotencyKey: 'shared-bulk-key' });
      assert.equal(bySegment.statusCode, 400, bySegment.body);
      assert.equal(bySegment.json().error.field, 'segmentId');
      const byList = await as.post(`/api/v1/journeys/${own.json().id}/runs/bulk`, { customerIds: [c1.id], idempotencyKey: 'shared-bulk-key' });
      assert.equal(byList.statusCode, 400, byList.body);
      assert.equal(byList.json().error.field, 'customerIds.0');
      await journeysUntouched(byList);
    },
  },
  {
    route: 'GET /api/v1/journeys/recipes',
    expect: 'the same ready-made list for everyone, naming nothing of A',
    run: async (as) => {
      const r = await listed(as.get('/api/v1/journeys/recipes?lang=en'));
      assert.equal(r.data.length, 10);
      await journeysUntouched();
    },
  },
  {
    route: 'POST /api/v1/journeys/recipes/{key}/install',
    expect: "B's draft and templates are B's; A cannot see them; A's templates and journeys are untouched",
    run: async (as) => {
      // post_purchase defines no attribute (B's definitions stay empty for the attribute cases).
      const r = await as.post('/api/v1/journeys/recipes/post_purchase/install', { idempotencyKey: 'b-recipe-install' });
      assert.equal(r.statusCode, 201, r.body);
      const templateIds = Object.values(r.json().templateIds as Record<string, string>);
      assert.ok(!templateIds.includes(aTemplate.id));
      for (const templateId of templateIds) await notFound(a.api.get(`/api/v1/templates/${templateId}`));
      await notFound(a.api.get(`/api/v1/journeys/${r.json().journey.id}`));
      await journeysUntouched(r);
    },
  },
  // ── isolation cases: calendar ──
  { route: 'GET /api/v1/customers/{id}/contacts', expect: '404', run: async (as) => notFound(as.get(`/api/v1/customers/${c1.id}/contacts`)) },
  {
    route: 'GET /api/v1/contacts/not-contacted',
    expect: "none of A's customers; A's segment is unknown (400 segmentId)",
    run: async (as) => {
      const r = await listed(as.get('/api/v1/contacts/not-contacted?days=1'));
      assert.ok(!r.data.some((x: { customerId: string }) => x.customerId === c1.id || x.customerId === c2.id));
      const scoped = await as.get(`/api/v1/contacts/not-contacted?segmentId=${aSegment.id}`);
      assert.equal(scoped.statusCode, 400, scoped.body);
      assert.equal(scoped.json().error.field, 'segmentId');
      await calendarUntouched(scoped);
    },
  },
  {
    route: 'GET /api/v1/contacts/coverage',
    expect: "B's own customers only; A's segment is unknown (400 segmentId)",
    run: async (as) => {
      const r = await listed(as.get('/api/v1/contacts/coverage'));
      assert.equal(r.rows.find((x: { channel: string }) => x.channel === 'team').last7, 0, "A's note is not B's contact");
      const scoped = await as.get(`/api/v1/contacts/coverage?segmentId=${aSegment.id}`);
      assert.equal(scoped.statusCode, 400, scoped.body);
      await calendarUntouched(scoped);
    },
  },
  {
    route: 'GET /api/v1/contacts/alert',
    expect: "B's own alert, never A's",
    run: async (as) => {
      const r = await listed(as.get('/api/v1/contacts/alert'));
      assert.notEqual(r.alert?.days, 77);
      await calendarUntouched();
    },
  },
  {
    route: 'PUT /api/v1/contacts/alert',
    expect: "changes B's alert only; A's segment and owner are refused (400)",
    run: async (as) => {
      const foreign = await as.put('/api/v1/contacts/alert', { days: 30, segmentId: aSegment.id });
      assert.equal(foreign.statusCode, 400, foreign.body);
      assert.equal(foreign.json().error.field, 'segmentId');
      const owner = await as.put('/api/v1/contacts/alert', { days: 30, assigneeId: a.ownerId });
      assert.equal(owner.json().error.field, 'assigneeId');
      const own = await as.put('/api/v1/contacts/alert', { days: 30 });
      assert.equal(own.statusCode, 200, own.body);
      await calendarUntouched(own);
    },
  },
  {
    route: 'POST /api/v1/contacts/alert/run',
    expect: "runs B's alert only; no task for A's customers",
    run: async (as) => {
      const r = await as.post('/api/v1/contacts/alert/run');
      assert.equal(r.statusCode, 200, r.body);
      await calendarUntouched(r);
    },
  },
];

async function countRows(table: 'tasks' | 'customers' | 'notes', workspaceId: string): Promise<number> {
  const row = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.n);
}

const callers: [string, HttpClient][] = [
  ['owner key', b.api],
  ['owner console session', bConsole],
];

for (const [via, client] of callers) {
  describe(`isolation: B's ${via} against A's data`, () => {
    for (const c of cases) {
      test(`given A's customers, notes, tasks, keys and members, when B's ${via} calls ${c.route}, then ${c.expect}; A's data is unchanged`, async () => {
        const before = await aView();
        await c.run(client);
        assert.deepEqual(await aView(), before);
      });
    }
  });
}

describe('isolation: coverage and cross-workspace edges', () => {
  test('given /openapi.json, when every /api/v1 operation is listed, then each has an isolation case (a new route fails here until it gets one)', async () => {
    const spec = await ok(t.app.inject({ method: 'GET', url: '/openapi.json' }));
    const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);
    const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, ops]) => Object.keys(ops).filter((m) => methods.has(m)).map((m) => `${m.toUpperCase()} ${path}`));
    assert.ok(documented.length >= 29, `only ${documented.length} /api/v1 operations documented`);
    const covered = new Set(cases.map((c) => c.route));
    assert.deepEqual(documented.filter((r) => !covered.has(r)), [], 'routes without an isolation case');
    assert.deepEqual([...covered].filter((r) => !documented.includes(r)), [], 'isolation cases for routes that no longer exist');
    assert.equal(covered.size, cases.length, 'a route has two isolation cases');
  });

  test('given A used an Idempotency-Key, when B creates a customer with the same key, then B gets a new customer of its own, not A\'s answer replayed', async () => {
    const res = await b.api.post('/api/v1/customers', { firstName: 'Bijan' }, { 'idempotency-key': 'shared-idempotency-key' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['idempotent-replayed'], undefined);
    assert.notEqual(res.json().id, c1.id);
    noLeak(res);
    await ok(b.api.delete(`/api/v1/customers/${res.json().id}`));
  });

  test("given a person in both workspaces, when their session is on B, then A's customer is 404 until they switch to A", async () => {
    const email = `both-${suffix}@example.com`;
    await ok(a.api.post('/api/v1/members', { email, password: 'both-password', role: 'admin' }), 201);
    const added = await ok(b.api.post('/api/v1/members', { email, password: 'both-password', role: 'admin' }), 201);
    const session = await loginSession(t.app, email, 'both-password', { workspaceId: b.id });
    assert.equal(session.session.workspace.id, b.id);
    await notFound(session.get(`/api/v1/customers/${c1.id}`));
    await notFound(session.patch(`/api/v1/customers/${c1.id}`, { firstName: 'Hijacked' }));
    assert.deepEqual(ids((await listed(session.get('/api/v1/customers'))).data), [bCustomer.id]);
    await ok(session.post('/api/auth/switch', { workspaceId: a.id }));
    assert.equal((await ok(session.get(`/api/v1/customers/${c1.id}`))).firstName, 'Arsalan');
    assert.equal((await ok(session.get('/api/v1/workspace'))).id, a.id);
    await ok(b.api.delete(`/api/v1/members/${added.userId}`), 204);
    await ok(a.api.delete(`/api/v1/members/${added.userId}`), 204);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestWorkspace } from '../../testing/harness.ts';
import { runDueAlert } from './alerts.ts';

// No worker in this process: contacts are written as the delivery worker leaves them.
const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });
const dayMs = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * dayMs);

/** A customer created `ageDays` ago. */
async function customer(w: TestWorkspace, firstName: string, ageDays = 200): Promise<string> {
  const res = await w.api.post('/api/v1/customers', { firstName, emails: [`${firstName.toLowerCase()}@example.com`], phones: ['+989121234567'] });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().id as string;
  await sql`update customers set created_at = ${daysAgo(ageDays)} where id = ${id}::uuid`.execute(t.db);
  return id;
}

/** An outbox row as the delivery worker leaves it after handing it to a provider. */
async function sent(w: TestWorkspace, customerId: string, channel: string, ago: number, opts: { status?: string; broadcastId?: string } = {}) {
  await t.db
    .insertInto('messages')
    .values({
      workspace_id: w.id,
      customer_id: customerId,
      idempotency_key: crypto.randomUUID(),
      broadcast_id: opts.broadcastId ?? null,
      category: 'marketing',
      status: (opts.status ?? 'delivered') as 'delivered',
      channel,
      sent_at: opts.status === 'failed' || opts.status === 'queued' ? null : daysAgo(ago),
      content: JSON.stringify({ text: 'hi' }),
    })
    .execute();
}

async function note(w: TestWorkspace, customerId: string, ago: number) {
  const res = await w.api.post(`/api/v1/customers/${customerId}/notes`, { body: 'Called about the order' });
  assert.equal(res.statusCode, 201, res.body);
  await sql`update notes set created_at = ${daysAgo(ago)} where id = ${res.json().id}::uuid`.execute(t.db);
}

const json = async (res: Promise<{ statusCode: number; body: string }>, status = 200) => {
  const r = await res;
  assert.equal(r.statusCode, status, r.body);
  return JSON.parse(r.body);
};

const alertTasks = async (workspaceId: string) =>
  t.db.selectFrom('tasks').select(['customer_id', 'title', 'assignee_id', 'status']).where('workspace_id', '=', workspaceId).where('source', '=', 'contact-alert').orderBy('created_at').execute();

describe('communication calendar: last contacts', () => {
  test('given an API SMS, a broadcast email and a note, when the customer\'s contacts are read, then each channel shows its last contact and by whom, newest first; failed and queued messages do not count', async () => {
    const w = await t.workspace();
    const c = await customer(w, 'Sara');
    const broadcastId = crypto.randomUUID();
    await sent(w, c, 'sms', 20);
    await sent(w, c, 'sms', 10, { status: 'sent' });
    await sent(w, c, 'email', 3, { broadcastId });
    await sent(w, c, 'telegram', 1, { status: 'failed' });
    await sent(w, c, 'bale', 1, { status: 'queued' });
    await note(w, c, 2);
    const body = await json(w.api.get(`/api/v1/customers/${c}/contacts`));
    assert.deepEqual(
      body.channels.map((x: { channel: string; by: string; broadcastId: string | null }) => [x.channel, x.by, x.broadcastId]),
      [
        ['team', 'person', null],
        ['email', 'broadcast', broadcastId],
        ['sms', 'api', null],
      ],
    );
    assert.ok(body.channels[0].label, 'a note names its author');
    assert.equal(Math.round((Date.now() - Date.parse(body.channels[2].at)) / dayMs), 10, 'the latest SMS, not the older one');
    assert.equal(body.lastContactAt, body.channels[0].at);
  });

  test('given a task about the customer marked done, then it counts as a person\'s contact; an open task does not', async () => {
    const w = await t.workspace();
    const c = await customer(w, 'Reza');
    await json(w.api.post('/api/v1/tasks', { title: 'Call Reza', customerId: c, assigneeId: w.ownerId }), 201);
    assert.deepEqual((await json(w.api.get(`/api/v1/customers/${c}/contacts`))).channels, []);
    const done = await json(w.api.post('/api/v1/tasks', { title: 'Call again', customerId: c, assigneeId: w.ownerId }), 201);
    await json(w.api.patch(`/api/v1/tasks/${done.id}`, { status: 'done' }));
    const body = await json(w.api.get(`/api/v1/customers/${c}/contacts`));
    assert.deepEqual(body.channels.map((x: { channel: string; by: string }) => [x.channel, x.by]), [['team', 'person']]);
    assert.ok(body.channels[0].label, "the assignee's name or email");
  });

  test('given an unknown or malformed customer id, then 404 / 400 naming id', async () => {
    const w = await t.workspace();
    await json(w.api.get(`/api/v1/customers/${crypto.randomUUID()}/contacts`), 404);
    const bad = await json(w.api.get('/api/v1/customers/nope/contacts'), 400);
    assert.equal(bad.error.field, 'id');
  });
});

describe('communication calendar: not contacted for N days', () => {
  /** A: last contacted 40 days ago by email; B: never, customer for 100 days; C: SMS 5 days ago; D: new yesterday. */
  async function fourCustomers() {
    const w = await t.workspace();
    const a = await customer(w, 'Ali', 300);
    const b = await customer(w, 'Bahar', 100);
    const c = await customer(w, 'Cyrus', 300);
    const d = await customer(w, 'Dara', 1);
    await sent(w, a, 'email', 40);
    await sent(w, c, 'sms', 5);
    await sent(w, c, 'email', 60);
    return { w, a, b, c, d };
  }
  const ids = (page: { data: { customerId: string }[] }) => page.data.map((r) => r.customerId);

  test('given four customers, when listed for 30 days, then the never-contacted old customer and the one silent for 40 days come, longest silence first; the recent and the new do not', async () => {
    const { w, a, b } = await fourCustomers();
    const page = await json(w.api.get('/api/v1/contacts/not-contacted?days=30'));
    assert.deepEqual(ids(page), [b, a]);
    assert.deepEqual(page.data.map((r: { daysSilent: number; lastContactAt: string | null }) => [r.daysSilent, r.lastContactAt === null]), [[100, true], [40, false]]);
    assert.equal(page.data[1].displayName, 'Ali');
  });

  test('given channel=sms, then a customer reached only by email is silent on SMS', async () => {
    const { w, a, b, c } = await fourCustomers();
    assert.deepEqual(ids(await json(w.api.get('/api/v1/contacts/not-contacted?days=30&channel=sms'))), [a, b]);
    assert.deepEqual(ids(await json(w.api.get('/api/v1/contacts/not-contacted?days=30&channel=email'))), [b, c, a]);
  });

  test('given a segment holding A and C, when filtered by it, then only its silent members are listed', async () => {
    const { w, a, c } = await fourCustomers();
    const seg = await json(w.api.post('/api/v1/segments', { name: 'VIP', kind: 'manual' }), 201);
    await json(w.api.post(`/api/v1/segments/${seg.id}/members`, { customerIds: [a, c] }));
    assert.deepEqual(ids(await json(w.api.get(`/api/v1/contacts/not-contacted?days=30&segmentId=${seg.id}`))), [a]);
  });

  test('given 5 silent customers, when paged 2 at a time, then every one comes once, in order', async () => {
    const w = await t.workspace();
    const all: string[] = [];
    for (let i = 0; i < 5; i++) all.push(await customer(w, `P${i}`, 50 + (i % 2)));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await json(w.api.get(`/api/v1/contacts/not-contacted?days=30&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      assert.ok(page.data.length <= 2);
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual([...seen].sort(), [...all].sort());
    assert.equal(new Set(seen).size, 5);
  });

  test('given bad query parameters, then 400 names the parameter', async () => {
    const w = await t.workspace();
    const other = await t.workspace();
    const foreign = await json(other.api.post('/api/v1/segments', { name: 'Theirs', kind: 'manual' }), 201);
    const cases: [string, string][] = [
      ['days=0', 'days'],
      ['days=abc', 'days'],
      ['days=1.5', 'days'],
      ['channel=pigeon', 'channel'],
      ['segmentId=nope', 'segmentId'],
      [`segmentId=${foreign.id}`, 'segmentId'],
      ['cursor=garbage', 'cursor'],
      ['limit=500', 'limit'],
    ];
    for (const [query, field] of cases) {
      const body = await json(w.api.get(`/api/v1/contacts/not-contacted?${query}`), 400);
      assert.equal(body.error.field, field, query);
    }
  });
});

describe('communication calendar: coverage', () => {
  test('given contacts 3, 20 and 60 days ago, when coverage is read, then each window counts its customers per channel and on any', async () => {
    const w = await t.workspace();
    const a = await customer(w, 'Ali');
    const b = await customer(w, 'Bita');
    const c = await customer(w, 'Cima');
    await customer(w, 'Dana');
    await sent(w, a, 'sms', 3);
    await sent(w, a, 'email', 20);
    await sent(w, b, 'email', 60);
    await note(w, c, 20);
    const body = await json(w.api.get('/api/v1/contacts/coverage'));
    assert.equal(body.customers, 4);
    const row = (ch: string) => body.rows.find((r: { channel: string }) => r.channel === ch);
    assert.deepEqual(row('any'), { channel: 'any', last7: 1, last30: 2, last90: 3 });
    assert.deepEqual(row('email'), { channel: 'email', last7: 0, last30: 1, last90: 2 });
    assert.deepEqual(row('sms'), { channel: 'sms', last7: 1, last30: 1, last90: 1 });
    assert.deepEqual(row('team'), { channel: 'team', last7: 0, last30: 1, last90: 1 });
    const seg = await json(w.api.post('/api/v1/segments', { name: 'B only', kind: 'manual' }), 201);
    await json(w.api.post(`/api/v1/segments/${seg.id}/members`, { customerIds: [b] }));
    const scoped = await json(w.api.get(`/api/v1/contacts/coverage?segmentId=${seg.id}`));
    assert.equal(scoped.customers, 1);
    assert.deepEqual(scoped.rows.find((r: { channel: string }) => r.channel === 'any'), { channel: 'any', last7: 0, last30: 0, last90: 1 });
  });
});

describe('communication calendar: the silence alert', () => {
  test('given an alert for 30 days, when it runs twice and then concurrently, then each silent customer gets exactly one task, assigned', async () => {
    const w = await t.workspace();
    const a = await customer(w, 'Ali', 300);
    const b = await customer(w, 'Bahar', 100);
    const c = await customer(w, 'Cyrus', 300);
    await sent(w, a, 'email', 40);
    await sent(w, c, 'sms', 5);
    assert.deepEqual(await json(w.api.get('/api/v1/contacts/alert')), { alert: null });
    const saved = await json(w.api.put('/api/v1/contacts/alert', { days: 30, assigneeId: w.ownerId }));
    assert.deepEqual([saved.enabled, saved.days, saved.channel, saved.assigneeId, saved.lastRunAt], [true, 30, null, w.ownerId, null]);
    assert.deepEqual(await json(w.api.post('/api/v1/contacts/alert/run')), { tasksCreated: 2 });
    assert.deepEqual(await json(w.api.post('/api/v1/contacts/alert/run')), { tasksCreated: 0 });
    // Several processes' schedulers at once, plus a manual run: nothing new.
    await t.db.updateTable('contact_alerts').set({ last_run_at: null }).where('workspace_id', '=', w.id).execute();
    const runs = await Promise.all([runDueAlert(t.db, 0), runDueAlert(t.db, 0), runDueAlert(t.db, 0), w.api.post('/api/v1/contacts/alert/run')]);
    assert.equal(runs[3].statusCode, 200);
    const tasks = await alertTasks(w.id);
    assert.deepEqual(tasks.map((x) => x.customer_id).sort(), [a, b].sort());
    assert.ok(tasks.every((x) => x.assignee_id === w.ownerId && x.title === 'No contact for 30 days'));
    assert.notEqual((await json(w.api.get('/api/v1/contacts/alert'))).alert.lastRunAt, null);
  });

  test('given an alerted customer whose task was cancelled, then the same silence raises nothing; a later contact that is again 30 days old raises one new task', async () => {
    const w = await t.workspace();
    const a = await customer(w, 'Ali', 300);
    await sent(w, a, 'email', 40);
    await json(w.api.put('/api/v1/contacts/alert', { days: 30 }));
    assert.equal((await json(w.api.post('/api/v1/contacts/alert/run'))).tasksCreated, 1);
    const [task] = await t.db.selectFrom('tasks').select('id').where('workspace_id', '=', w.id).execute();
    await json(w.api.patch(`/api/v1/tasks/${task?.id}`, { status: 'cancelled' }));
    assert.equal((await json(w.api.post('/api/v1/contacts/alert/run'))).tasksCreated, 0, 'same crossing');
    await sent(w, a, 'sms', 35);
    assert.equal((await json(w.api.post('/api/v1/contacts/alert/run'))).tasksCreated, 1, 'a new silence crossed the threshold');
    assert.deepEqual((await alertTasks(w.id)).map((x) => x.status), ['cancelled', 'open']);
  });

  test('given an alert on SMS within a segment, then only its members silent on SMS get tasks; a disabled alert creates none; after the segment is deleted, nobody', async () => {
    const w = await t.workspace();
    const a = await customer(w, 'Ali', 300);
    const b = await customer(w, 'Bahar', 300);
    const c = await customer(w, 'Cyrus', 300);
    await sent(w, a, 'email', 2);
    await sent(w, b, 'sms', 2);
    const seg = await json(w.api.post('/api/v1/segments', { name: 'AB', kind: 'manual' }), 201);
    await json(w.api.post(`/api/v1/segments/${seg.id}/members`, { customerIds: [a, b] }));
    await json(w.api.put('/api/v1/contacts/alert', { days: 30, channel: 'sms', segmentId: seg.id, enabled: false }));
    assert.equal((await json(w.api.post('/api/v1/contacts/alert/run'))).tasksCreated, 0);
    await json(w.api.put('/api/v1/contacts/alert', { days: 30, channel: 'sms', segmentId: seg.id }));
    assert.equal((await json(w.api.post('/api/v1/contacts/alert/run'))).tasksCreated, 1);
    const tasks = await alertTasks(w.id);
    assert.deepEqual(tasks.map((x) => [x.customer_id, x.title]), [[a, 'No contact for 30 days on sms']]);
    assert.ok(!tasks.some((x) => x.customer_id === c));
    // A deleted segment must not widen the alert to everyone (C is silent on SMS and outside it).
    assert.equal((await w.api.delete(`/api/v1/segments/${seg.id}`)).statusCode, 204);
    await t.db.updateTable('contact_alerts').set({ last_run_at: null }).where('workspace_id', '=', w.id).execute();
    assert.equal((await json(w.api.post('/api/v1/contacts/alert/run'))).tasksCreated, 0);
  });

  test('given bad alert settings, then 400 names the field and nothing is saved; a support key may read but not change it', async () => {
    const w = await t.workspace();
    const other = await t.workspace();
    const foreign = await json(other.api.post('/api/v1/segments', { name: 'Theirs', kind: 'manual' }), 201);
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'days'],
      [{ days: 0 }, 'days'],
      [{ days: 30, channel: 'pigeon' }, 'channel'],
      [{ days: 30, segmentId: foreign.id }, 'segmentId'],
      [{ days: 30, assigneeId: other.ownerId }, 'assigneeId'],
      [{ days: 30, extra: true }, ''],
    ];
    for (const [body, field] of cases) {
      const res = await json(w.api.put('/api/v1/contacts/alert', body), 400);
      if (field) assert.equal(res.error.field, field, JSON.stringify(body));
    }
    assert.deepEqual(await json(w.api.get('/api/v1/contacts/alert')), { alert: null });
    const support = await w.keyFor('support');
    await json(support.get('/api/v1/contacts/alert'));
    await json(support.put('/api/v1/contacts/alert', { days: 30 }), 403);
    await json(support.post('/api/v1/contacts/alert/run'), 403);
  });
});

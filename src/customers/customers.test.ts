import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestApp, type TestApp, type TestWorkspace } from '../testing/harness.ts';

const t: TestApp = await createTestApp();
const ws: TestWorkspace = await t.workspace();

describe('customers: create and read', () => {
  test('given Iranian phone forms, when a customer is created, then phones are stored in E.164 and emails lower-cased', async () => {
    const res = await ws.api.post('/api/v1/customers', {
      firstName: 'علی',
      lastName: 'کریمی',
      emails: ['Ali.Karimi@Example.com'],
      phones: ['۰۹۱۲۱۲۳۴۵۶۷', '0098 935 111 2233'],
      birthday: '1990-03-21',
      interests: ['running'],
    });
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json();
    assert.deepEqual(c.phones, ['+989121234567', '+989351112233']);
    assert.deepEqual(c.emails, ['ali.karimi@example.com']);
    assert.equal(c.displayName, 'علی کریمی');
    const got = await ws.api.get(`/api/v1/customers/${c.id}`);
    assert.equal(got.json().birthday, '1990-03-21');
  });
});

const create = async (body: Record<string, unknown>) => {
  const res = await ws.api.post('/api/v1/customers', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
};
const search = async (q: string, client = ws.api) => {
  const res = await client.get(`/api/v1/customers?q=${encodeURIComponent(q)}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data.map((c: { id: string }) => c.id) as string[];
};

describe('customers: search', () => {
  test('given «علی کریمی», when searching «علي كريمي» (Arabic ي and ك), then it is found', async () => {
    const c = await create({ firstName: 'علی', lastName: 'کریمی', externalId: 'search-1' });
    assert.ok((await search('علي كريمي')).includes(c.id));
    assert.ok((await search('كريمي')).includes(c.id));
  });
  test('given a name with ZWNJ, when searching without it, then it is found', async () => {
    const c = await create({ firstName: 'علی‌رضا', lastName: 'نوری' });
    assert.ok((await search('عليرضا')).includes(c.id));
  });
  test('given a phone, when searching it typed in any form, then it is found', async () => {
    const c = await create({ firstName: 'Phone', phones: ['+98 912 777 8899'] });
    for (const form of ['09127778899', '۰۹۱۲۷۷۷۸۸۹۹', '٠٩١٢٧٧٧٨٨٩٩', '00989127778899', '+989127778899', '912 777 8899', '7778899']) {
      assert.ok((await search(form)).includes(c.id), `not found by ${form}`);
    }
  });
  test('given an email and an external id, when searching part of them, then found; unrelated words find nothing', async () => {
    const c = await create({ emails: ['Someone.Unique@Mail.example'], externalId: 'crm-XYZ-42' });
    assert.deepEqual(await search('someone.unique'), [c.id]);
    assert.deepEqual(await search('xyz-42'), [c.id]);
    assert.deepEqual(await search('nobody-has-this-word'), []);
  });
  test('given % or _ in a query, then they are matched literally', async () => {
    assert.deepEqual(await search('%'), []);
    assert.deepEqual(await search('_'), []);
  });
});

describe('customers: list, filters, sort and cursor pagination', () => {
  test('given 7 tagged customers, when paging 3 at a time, then every customer appears exactly once in order', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await create({ firstName: `Pager${i}`, tags: ['pager'], city: 'Tabriz' })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await ws.api.get(`/api/v1/customers?tag=pager&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json();
      seen.push(...page.data.map((c: { id: string }) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse(), 'newest first, no gaps or repeats');

    const byName = await ws.api.get('/api/v1/customers?tag=pager&sort=name&limit=2');
    assert.deepEqual(byName.json().data.map((c: { firstName: string }) => c.firstName), ['Pager0', 'Pager1']);
    const next = await ws.api.get(`/api/v1/customers?tag=pager&sort=name&limit=2&cursor=${byName.json().nextCursor}`);
    assert.deepEqual(next.json().data.map((c: { firstName: string }) => c.firstName), ['Pager2', 'Pager3']);
    const city = await ws.api.get('/api/v1/customers?city=tabriz&limit=100');
    assert.equal(city.json().data.length, 7);
  });
  test('given a forged cursor, then 400 names the cursor', async () => {
    const res = await ws.api.get('/api/v1/customers?cursor=not-a-cursor');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.field, 'cursor');
  });
  test('given consents, when filtering ?consent=sms, then only customers who granted sms are listed', async () => {
    const yes = await create({ firstName: 'ConsentYes', tags: ['consent-filter'] });
    const no = await create({ firstName: 'ConsentNo', tags: ['consent-filter'] });
    await ws.api.put(`/api/v1/customers/${yes.id}/consents/sms`, { status: 'granted', source: 'checkout form' });
    await ws.api.put(`/api/v1/customers/${no.id}/consents/sms`, { status: 'revoked' });
    const res = await ws.api.get('/api/v1/customers?tag=consent-filter&consent=sms');
    assert.deepEqual(res.json().data.map((c: { id: string }) => c.id), [yes.id]);
    const profile = (await ws.api.get(`/api/v1/customers/${yes.id}`)).json();
    assert.equal(profile.consents[0].channel, 'sms');
    assert.equal(profile.consents[0].source, 'checkout form');
  });
});

describe('customers: update, attributes and timeline', () => {
  test('given typed attribute definitions, when values of the right and wrong type are sent, then right ones stick and wrong ones are refused', async () => {
    await ws.api.post('/api/v1/attribute-definitions', { key: 'plan', label: 'Plan', type: 'enum', options: ['basic', 'pro'] });
    await ws.api.post('/api/v1/attribute-definitions', { key: 'score', label: 'Score', type: 'number' });
    const c = await create({ firstName: 'Attr', attributes: { plan: 'pro', score: 7 } });
    assert.deepEqual(c.attributes, { plan: 'pro', score: 7 });
    const wrong = await ws.api.patch(`/api/v1/customers/${c.id}`, { attributes: { score: 'seven' } });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error.field, 'attributes.score');
    const unknown = await ws.api.patch(`/api/v1/customers/${c.id}`, { attributes: { nope: 1 } });
    assert.equal(unknown.json().error.field, 'attributes.nope');
    const cleared = await ws.api.patch(`/api/v1/customers/${c.id}`, { attributes: { score: null }, city: 'Karaj', job: 'Teacher', incomeBand: 'middle', challenges: ['price'] });
    assert.deepEqual(cleared.json().attributes, { plan: 'pro' });
    assert.equal(cleared.json().job, 'Teacher');
  });

  test('given notes, tasks and changes, when reading the timeline, then it is one newest-first history, paginated without gaps', async () => {
    const c = await create({ firstName: 'Timeline' });
    await ws.api.post(`/api/v1/customers/${c.id}/notes`, { body: 'first note' });
    await ws.api.patch(`/api/v1/customers/${c.id}`, { city: 'Rasht', tags: ['a'] });
    const task = await ws.api.post('/api/v1/tasks', { title: 'Call back', customerId: c.id, assigneeId: ws.ownerId, dueAt: '2030-01-01T09:00:00Z' });
    assert.equal(task.statusCode, 201, task.body);
    await ws.api.post(`/api/v1/customers/${c.id}/notes`, { body: 'second note' });

    const all = (await ws.api.get(`/api/v1/customers/${c.id}/timeline?limit=100`)).json().data;
    const summary = all.map((e: { kind: string; data: { action?: string; body?: string } }) => `${e.kind}:${e.data.action ?? e.data.body ?? ''}`);
    assert.deepEqual(summary, ['note:second note', 'task:', 'activity:updated', 'activity:tagged', 'note:first note', 'activity:created']);
    const times = all.map((e: { occurredAt: string }) => e.occurredAt);
    assert.deepEqual(times, [...times].sort().reverse());

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await ws.api.get(`/api/v1/customers/${c.id}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...res.json().data.map((e: { id: string }) => e.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    assert.deepEqual(paged, all.map((e: { id: string }) => e.id));

    const onlyNotes = (await ws.api.get(`/api/v1/customers/${c.id}/timeline?kinds=note`)).json().data;
    assert.equal(onlyNotes.length, 2);

    const done = await ws.api.patch(`/api/v1/tasks/${task.json().id}`, { status: 'done' });
    assert.ok(done.json().completedAt);
    const open = (await ws.api.get(`/api/v1/tasks?customerId=${c.id}&status=open`)).json().data;
    assert.equal(open.length, 0);
  });

  test('given an Idempotency-Key, when the same create is retried, then one customer exists and the same answer is replayed', async () => {
    const headers = { 'idempotency-key': 'retry-me-1' };
    const a = await ws.api.post('/api/v1/customers', { firstName: 'Idem', externalId: 'idem-1' }, headers);
    const b = await ws.api.post('/api/v1/customers', { firstName: 'Idem', externalId: 'idem-1' }, headers);
    assert.equal(a.statusCode, 201);
    assert.equal(b.statusCode, 201);
    assert.equal(b.json().id, a.json().id);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    const count = await t.db.selectFrom('customers').select((eb) => eb.fn.countAll().as('n')).where('external_id', '=', 'idem-1').executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
  });
});

describe('customers: merge, erase, export', () => {
  test('given two profiles of one person, when merged, then the primary keeps its values, gains the other fields and the whole history', async () => {
    const p = await create({ firstName: 'Sara', emails: ['sara@a.example'], externalId: 'm-primary', tags: ['vip'] });
    const s = await create({ firstName: 'S.', lastName: 'Ahmadi', emails: ['sara@b.example'], phones: ['09120000001'], externalId: 'm-secondary', tags: ['newsletter'] });
    await ws.api.post(`/api/v1/customers/${s.id}/notes`, { body: 'note on secondary' });
    await ws.api.put(`/api/v1/customers/${s.id}/consents/email`, { status: 'granted' });

    const res = await ws.api.post('/api/v1/customers/merge', { primaryId: p.id, secondaryId: s.id });
    assert.equal(res.statusCode, 200, res.body);
    const merged = res.json();
    assert.equal(merged.firstName, 'Sara');
    assert.equal(merged.lastName, 'Ahmadi');
    assert.deepEqual(merged.emails, ['sara@a.example', 'sara@b.example']);
    assert.deepEqual(merged.tags, ['vip', 'newsletter']);
    assert.deepEqual(merged.phones, ['+989120000001']);
    assert.equal(merged.consents[0].channel, 'email');

    const timeline = (await ws.api.get(`/api/v1/customers/${p.id}/timeline?limit=100`)).json().data;
    assert.ok(timeline.some((e: { kind: string; data: { body?: string } }) => e.kind === 'note' && e.data.body === 'note on secondary'));
    assert.ok(timeline.some((e: { data: { action?: string } }) => e.data.action === 'merged'));
    assert.equal((await ws.api.get(`/api/v1/customers/${s.id}`)).json().mergedIntoId, p.id);
    assert.deepEqual(await search('sara@b.example'), [p.id], 'the secondary no longer appears by itself');
    const again = await ws.api.post('/api/v1/customers/merge', { primaryId: p.id, secondaryId: s.id });
    assert.equal(again.statusCode, 409);
    const self = await ws.api.post('/api/v1/customers/merge', { primaryId: p.id, secondaryId: p.id });
    assert.equal(self.json().error.field, 'secondaryId');
  });

  test('given a customer with notes, when erased, then personal data is gone but the anonymous record and counts stay', async () => {
    const c = await create({ firstName: 'Erase', lastName: 'Me', emails: ['erase@me.example'], phones: ['09125550000'], city: 'Yazd', tags: ['buyer'] });
    await ws.api.post(`/api/v1/customers/${c.id}/notes`, { body: 'lives at 12 Secret St' });
    await ws.api.post('/api/v1/tasks', { title: 'Call Erase Me', customerId: c.id });
    await ws.api.put(`/api/v1/customers/${c.id}/consents/sms`, { status: 'revoked', source: 'STOP reply' });
    const exported = await ws.api.get(`/api/v1/customers/${c.id}/export`);
    assert.equal(exported.statusCode, 200);
    assert.match(exported.headers['content-disposition'] as string, /attachment/);
    assert.equal(exported.json().notes[0].body, 'lives at 12 Secret St');

    const res = await ws.api.delete(`/api/v1/customers/${c.id}`);
    assert.equal(res.statusCode, 200, res.body);
    const erased = res.json();
    assert.ok(erased.erasedAt);
    for (const field of ['firstName', 'lastName', 'city', 'externalId']) assert.equal(erased[field], null, field);
    assert.deepEqual(erased.emails, []);
    assert.deepEqual(erased.phones, []);
    assert.deepEqual(erased.tags, ['buyer'], 'segment-level data stays for aggregates');
    assert.equal(erased.consents[0].status, 'revoked', 'an opt-out survives erasure');

    const after = (await ws.api.get(`/api/v1/customers/${c.id}/export`)).json();
    assert.deepEqual(after.notes, []);
    assert.equal(after.tasks[0].title, '[erased]');
    const raw = JSON.stringify(await t.db.selectFrom('customers').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow());
    assert.ok(!raw.includes('erase@me.example') && !raw.includes('Erase') && !raw.includes('912555'), raw);
    assert.deepEqual(await search('erase@me.example'), []);
    const patch = await ws.api.patch(`/api/v1/customers/${c.id}`, { firstName: 'Back' });
    assert.equal(patch.statusCode, 409);
  });
});

describe('customers: unmerge', () => {
  test('given a merge, when it is undone, then both customers and their histories come apart as they were', async () => {
    const p = await create({ firstName: 'Parisa', emails: ['parisa@a.example'], externalId: 'um-p' });
    const s = await create({ lastName: 'Rahimi', emails: ['parisa@b.example'], phones: ['09121234000'], externalId: 'um-s', tags: ['from-s'] });
    await ws.api.post(`/api/v1/customers/${s.id}/notes`, { body: 'note of the secondary' });
    await ws.api.post(`/api/v1/customers/${p.id}/notes`, { body: 'note of the primary' });
    await ws.api.put(`/api/v1/customers/${s.id}/consents/sms`, { status: 'revoked', source: 'STOP' });
    await ws.api.post('/api/v1/customers/merge', { primaryId: p.id, secondaryId: s.id });
    await ws.api.patch(`/api/v1/customers/${p.id}`, { city: 'Qom' });

    const merges = (await ws.api.get(`/api/v1/customers/${p.id}/merges`)).json().data;
    assert.equal(merges.length, 1);
    assert.equal(merges[0].moved.notes, 1);
    const undo = await ws.api.post(`/api/v1/customers/merges/${merges[0].id}/undo`);
    assert.equal(undo.statusCode, 200, undo.body);
    const { primary, secondary } = undo.json();
    assert.deepEqual(primary.emails, ['parisa@a.example']);
    assert.equal(primary.lastName, null, 'the field the secondary had filled is given back');
    assert.equal(primary.city, 'Qom', 'changes made after the merge stay');
    assert.equal(primary.externalId, 'um-p');
    assert.deepEqual(secondary.emails, ['parisa@b.example']);
    assert.deepEqual(secondary.phones, ['+989121234000']);
    assert.equal(secondary.externalId, 'um-s');
    assert.equal(secondary.mergedIntoId, null);
    assert.equal(secondary.consents.find((k: { channel: string }) => k.channel === 'sms')?.status, 'revoked', 'an opt-out survives the split');
    const notesOf = async (id: string) => (await ws.api.get(`/api/v1/customers/${id}/notes`)).json().data.map((n: { body: string }) => n.body);
    assert.deepEqual(await notesOf(s.id), ['note of the secondary']);
    assert.deepEqual(await notesOf(p.id), ['note of the primary']);
    assert.equal((await ws.api.post(`/api/v1/customers/merges/${merges[0].id}/undo`)).statusCode, 409, 'a merge is undone once');
  });
});

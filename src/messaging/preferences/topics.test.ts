import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../../testing/harness.ts';

const t = await createTestApp();
const w = await t.workspace('Topic Shop');

test('given a topic, when created, read, listed, relabelled and deleted, then each answer reflects it and the audit log has it', async () => {
  const created = await w.api.post('/api/v1/messaging/topics', { key: 'newsletter', labels: { fa: 'خبرنامه', en: 'Newsletter' } });
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual([created.json().key, created.json().labels, created.json().optedOut], ['newsletter', { fa: 'خبرنامه', en: 'Newsletter' }, 0]);
  assert.equal((await w.api.get('/api/v1/messaging/topics/newsletter')).json().labels.fa, 'خبرنامه');
  const updated = await w.api.put('/api/v1/messaging/topics/newsletter', { labels: { fa: 'خبرنامه هفتگی', ar: 'النشرة' } });
  assert.equal(updated.statusCode, 200, updated.body);
  assert.deepEqual(updated.json().labels, { fa: 'خبرنامه هفتگی', ar: 'النشرة' });
  assert.deepEqual((await w.api.get('/api/v1/messaging/topics')).json().data.map((x: { key: string }) => x.key), ['newsletter']);
  assert.equal((await w.api.delete('/api/v1/messaging/topics/newsletter')).statusCode, 204);
  assert.equal((await w.api.get('/api/v1/messaging/topics/newsletter')).statusCode, 404);
  assert.equal((await w.api.delete('/api/v1/messaging/topics/newsletter')).statusCode, 404);
  assert.equal((await w.api.put('/api/v1/messaging/topics/newsletter', { labels: { en: 'x' } })).statusCode, 404);
  const audit = (await w.api.get('/api/v1/audit-log?limit=50')).json().data.map((e: { action: string }) => e.action);
  for (const action of ['messaging.topic_created', 'messaging.topic_updated', 'messaging.topic_deleted']) assert.ok(audit.includes(action), action);
});

test('given an Idempotency-Key, when the create is retried, then one topic exists; a second create of the key is 409 naming key', async () => {
  const input = { key: 'offers', labels: { en: 'Offers' } };
  const first = await w.api.post('/api/v1/messaging/topics', input, { 'idempotency-key': 'topic-1' });
  const again = await w.api.post('/api/v1/messaging/topics', input, { 'idempotency-key': 'topic-1' });
  assert.equal(first.statusCode, 201, first.body);
  assert.equal(again.statusCode, 201, again.body);
  const clash = await w.api.post('/api/v1/messaging/topics', input);
  assert.equal(clash.statusCode, 409);
  assert.equal(clash.json().error.field, 'key');
});

test('given bad input, when saving a topic, then a 400 names the field and nothing is written', async () => {
  const cases: [unknown, string][] = [
    [{ key: 'Has Spaces', labels: { en: 'x' } }, 'key'],
    [{ key: '', labels: { en: 'x' } }, 'key'],
    [{ labels: { en: 'x' } }, 'key'],
    [{ key: 'ok', labels: {} }, 'labels'],
    [{ key: 'ok', labels: { en: '   ' } }, 'labels.en'],
    [{ key: 'ok', labels: { de: 'Angebote' } }, 'labels.de'],
    [{ key: 'ok', labels: { en: 'x'.repeat(101) } }, 'labels.en'],
    [{ key: 'ok', labels: { en: 'x' }, extra: 1 }, 'extra'],
  ];
  for (const [body, field] of cases) {
    const res = await w.api.post('/api/v1/messaging/topics', body);
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)} → ${res.body}`);
    assert.equal(res.json().error.field ?? '', field, `${JSON.stringify(body)} → ${res.body}`);
  }
  assert.equal((await w.api.put('/api/v1/messaging/topics/Bad%20Key', { labels: { en: 'x' } })).json().error.field, 'key');
  assert.equal((await w.api.get('/api/v1/messaging/topics/ok')).statusCode, 404);
});

test('given roles, when reading and writing topics, then analyst and support read but only messaging:manage writes', async () => {
  for (const role of ['analyst', 'support'] as const) {
    const api = await w.keyFor(role);
    assert.equal((await api.get('/api/v1/messaging/topics')).statusCode, 200);
    assert.equal((await api.post('/api/v1/messaging/topics', { key: `by-${role}`, labels: { en: 'x' } })).statusCode, 403);
    assert.equal((await api.put('/api/v1/messaging/topics/offers', { labels: { en: 'x' } })).statusCode, 403);
    assert.equal((await api.delete('/api/v1/messaging/topics/offers')).statusCode, 403);
  }
  const marketer = await w.keyFor('marketer');
  assert.equal((await marketer.post('/api/v1/messaging/topics', { key: 'by-marketer', labels: { en: 'x' } })).statusCode, 201);
  assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/messaging/topics' })).statusCode, 401);
  assert.equal((await w.api.get('/api/v1/messaging/topics/offers')).json().labels.en, 'Offers');
});

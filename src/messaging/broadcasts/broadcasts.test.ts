import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../testing/harness.ts';
import { bulkCustomers, customer, tehranTime, TestClock, testWorker } from '../delivery/testing/fixtures.ts';
import { RecordingChannel, RecordingDirectory } from '../delivery/testing/recording-channel.ts';
import { assignVariant } from './assignment.ts';
import { liftOver } from './stats.ts';
import { addEvents, createTemplate, manualSegment, messageCounts, testScheduler } from './testing/fixtures.ts';

const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });
const w = await t.workspace('Broadcast Shop');
const promo = await createTemplate(w, 'Promo A');
const promoB = await createTemplate(w, 'Promo B');
const few = await Promise.all(Array.from({ length: 3 }, () => customer(w)));
const fewSegment = await manualSegment(t.db, w, few);

describe('broadcasts API', () => {
  test('given a template, when a broadcast is created, read, listed, changed and deleted, then each answer reflects it', async () => {
    const created = await w.api.post('/api/v1/broadcasts', { name: 'Yalda sale', segmentId: fewSegment, templateId: promo, channels: ['sms', 'email'] });
    assert.equal(created.statusCode, 201, created.body);
    const b = created.json();
    assert.deepEqual([b.status, b.category, b.templateId, b.variants, b.channels, b.goal, b.holdoutPercent], ['draft', 'marketing', promo, [{ key: 'A', templateId: promo, weight: 1 }], ['sms', 'email'], { event: 'Order Completed', days: 7 }, 0]);
    assert.match(b.createdBy, /.+/);
    const read = (await w.api.get(`/api/v1/broadcasts/${b.id}`)).json();
    assert.deepEqual(read.progress, { audience: null, holdout: 0, pending: 0, byStatus: {}, byReason: {} });
    const listed = (await w.api.get('/api/v1/broadcasts?status=draft')).json();
    assert.ok(listed.data.some((x: { id: string }) => x.id === b.id));
    const changed = await w.api.patch(`/api/v1/broadcasts/${b.id}`, { name: 'Yalda sale 2', variants: [{ templateId: promo, weight: 3 }, { templateId: promoB, weight: 1 }], holdoutPercent: 10, maxPerMinute: 600 });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual([changed.json().name, changed.json().variants.map((v: { key: string; weight: number }) => `${v.key}${v.weight}`), changed.json().maxPerMinute], ['Yalda sale 2', ['A3', 'B1'], 600]);
    assert.equal((await w.api.delete(`/api/v1/broadcasts/${b.id}`)).statusCode, 204);
    assert.equal((await w.api.get(`/api/v1/broadcasts/${b.id}`)).statusCode, 404);
  });

  test('given the same Idempotency-Key twice, when creating, then one broadcast exists and the second answer replays the first', async () => {
    const body = { name: 'Once', segmentId: fewSegment, templateId: promo };
    const first = await w.api.post('/api/v1/broadcasts', body, { 'idempotency-key': 'bc-once' });
    const again = await w.api.post('/api/v1/broadcasts', body, { 'idempotency-key': 'bc-once' });
    assert.equal(again.json().id, first.json().id);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    const rows = await t.db.selectFrom('broadcasts').select('id').where('workspace_id', '=', w.id).where('name', '=', 'Once').execute();
    assert.equal(rows.length, 1);
  });

  test('given bad input, when creating or sending, then a 400 names the field and nothing is written', async () => {
    const before = await t.db.selectFrom('broadcasts').select(sql<number>`count(*)::int`.as('n')).where('workspace_id', '=', w.id).executeTakeFirstOrThrow();
    const base = { name: 'Bad', segmentId: fewSegment, templateId: promo };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, templateId: undefined }, 'templateId'],
      [{ ...base, variants: [{ templateId: promo }] }, 'variants'],
      [{ ...base, segmentId: crypto.randomUUID() }, 'segmentId'],
      [{ ...base, segmentId: 'not-a-uuid' }, 'segmentId'],
      [{ ...base, templateId: crypto.randomUUID() }, 'templateId'],
      [{ ...base, templateId: undefined, variants: [{ templateId: promo }, { templateId: crypto.randomUUID() }] }, 'variants.1.templateId'],
      [{ ...base, templateId: undefined, variants: Array.from({ length: 5 }, () => ({ templateId: promo })) }, 'variants'],
      [{ ...base, holdoutPercent: 60 }, 'holdoutPercent'],
      [{ ...base, channels: ['sms', 'sms'] }, 'channels'],
      [{ ...base, channels: ['fax'] }, 'channels'],
      [{ ...base, maxPerMinute: 0 }, 'maxPerMinute'],
      [{ ...base, goal: { event: '', days: 7 } }, 'goal.event'],
      [{ ...base, topic: 'Not A Key' }, 'topic'],
      [{ ...base, surprise: true }, 'surprise'],
    ];
    for (const [body, field] of cases) {
      const res = await w.api.post('/api/v1/broadcasts', body);
      assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
      assert.equal(res.json().error.field, field, res.body);
    }
    const draft = (await w.api.post('/api/v1/broadcasts', base)).json();
    const badSend = await w.api.post(`/api/v1/broadcasts/${draft.id}/send`, { sendAt: 'tomorrow at noon' });
    assert.equal(badSend.statusCode, 400);
    assert.equal(badSend.json().error.field, 'sendAt');
    assert.equal((await w.api.get(`/api/v1/broadcasts/${draft.id}`)).json().status, 'draft', 'a bad send changed nothing');
    const after = await t.db.selectFrom('broadcasts').select(sql<number>`count(*)::int`.as('n')).where('workspace_id', '=', w.id).executeTakeFirstOrThrow();
    assert.equal(after.n, before.n + 1, 'only the good draft was written');
  });

  test('given roles, when an analyst or support person tries to write, then 403; reading works for the analyst', async () => {
    const analyst = await w.keyFor('analyst');
    const support = await w.keyFor('support');
    assert.equal((await analyst.get('/api/v1/broadcasts')).statusCode, 200);
    assert.equal((await analyst.post('/api/v1/broadcasts', { name: 'x', segmentId: fewSegment, templateId: promo })).statusCode, 403);
    assert.equal((await support.post('/api/v1/newsletters', {})).statusCode, 403);
    const marketer = await w.keyFor('marketer');
    assert.equal((await marketer.post('/api/v1/broadcasts', { name: 'By a marketer', segmentId: fewSegment, templateId: promo })).statusCode, 201);
  });
});

describe('sending a broadcast', () => {
  test('given 400 members, A/B 3:1 and a 20 % holdout, when sent and delivered, then each member has one message keyed per recipient, arms match the hash, progress and report add up', async () => {
    const members = await bulkCustomers(t.db, w.id, 400, `ab-${w.id}`);
    const segmentId = await manualSegment(t.db, w, members);
    const b = (await w.api.post('/api/v1/broadcasts', { name: 'A/B', segmentId, variants: [{ templateId: promo, weight: 3 }, { templateId: promoB, weight: 1 }], holdoutPercent: 20, channels: ['sms'], category: 'transactional', goal: { event: 'Order Completed', days: 3 } })).json();
    const sent = await w.api.post(`/api/v1/broadcasts/${b.id}/send`, {});
    assert.equal(sent.statusCode, 202, sent.body);
    assert.equal(sent.json().status, 'sending');
    assert.equal((await w.api.post(`/api/v1/broadcasts/${b.id}/send`, {})).statusCode, 409, 'a broadcast goes once');
    assert.equal((await w.api.patch(`/api/v1/broadcasts/${b.id}`, { name: 'late' })).statusCode, 409);

    await testScheduler(t.db, { batchSize: 64 }).tick();
    const recipients = await t.db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', b.id).execute();
    assert.equal(recipients.length, 400);
    for (const r of recipients) assert.equal(r.variant, assignVariant(b.id, r.customer_id, [{ key: 'A', templateId: promo, weight: 3 }, { key: 'B', templateId: promoB, weight: 1 }], 20), 'SQL and JS agree');
    const arms = { A: 0, B: 0, holdout: 0 } as Record<string, number>;
    for (const r of recipients) arms[r.variant] = (arms[r.variant] ?? 0) + 1;
    const messages = await t.db.selectFrom('messages').select(['customer_id', 'idempotency_key', 'template_id', 'id']).where('broadcast_id', '=', b.id).execute();
    assert.equal(messages.length, 400 - (arms.holdout as number), 'the holdout receives nothing');
    const templateOf = new Map(recipients.map((r) => [r.customer_id, r.variant === 'A' ? promo : promoB]));
    for (const m of messages) {
      assert.equal(m.idempotency_key, `broadcast:${b.id}:${m.customer_id}`);
      assert.equal(m.template_id, templateOf.get(m.customer_id));
    }

    const sms = new RecordingChannel('sms');
    const clock = new TestClock(tehranTime('12:00'));
    await testWorker(t.db, new RecordingDirectory({ sms }), clock).drain();
    await testScheduler(t.db, { now: clock.now }).tick();
    const detail = (await w.api.get(`/api/v1/broadcasts/${b.id}`)).json();
    assert.equal(detail.status, 'sent');
    assert.deepEqual(detail.progress, { audience: 400, holdout: arms.holdout, pending: 0, byStatus: { sent: messages.length }, byReason: {} });

    // Conversions: 30 of A, 5 of B and 4 of the holdout order within 3 days; 10 more of A order too late.
    const of = (arm: string) => recipients.filter((r) => r.variant === arm).map((r) => r.customer_id);
    const start = new Date(detail.startedAt);
    await addEvents(t.db, w.id, 'Order Completed', [...of('A').slice(0, 30), ...of('B').slice(0, 5), ...of('holdout').slice(0, 4)], new Date(start.getTime() + 86_400_000));
    await addEvents(t.db, w.id, 'Order Completed', of('A').slice(30, 40), new Date(start.getTime() + 4 * 86_400_000));
    await addEvents(t.db, w.id, 'Product Viewed', of('B').slice(5, 20), new Date(start.getTime() + 3_600_000));
    const report = (await w.api.get(`/api/v1/broadcasts/${b.id}/report`)).json();
    assert.equal(report.confidenceMethod, 'newcombe-hybrid-score');
    const [a, bb] = report.variants;
    assert.deepEqual([a.key, a.recipients, a.sent, a.conversions], ['A', arms.A, arms.A, 30]);
    assert.deepEqual([bb.key, bb.recipients, bb.conversions], ['B', arms.B, 5]);
    assert.deepEqual([report.holdout.recipients, report.holdout.conversions, report.holdout.lift], [arms.holdout, 4, null]);
    const expected = liftOver(30, arms.A as number, 4, arms.holdout as number);
    assert.equal(a.conversionRate, 30 / (arms.A as number));
    assert.deepEqual(a.lift, expected);

    const pageA = (await w.api.get(`/api/v1/broadcasts/${b.id}/recipients?variant=A&limit=50`)).json();
    assert.equal(pageA.data.length, 50);
    assert.ok(pageA.data.every((r: { variant: string; status: string; messageId: string }) => r.variant === 'A' && r.status === 'sent' && r.messageId));
    const pageA2 = (await w.api.get(`/api/v1/broadcasts/${b.id}/recipients?variant=A&limit=50&cursor=${pageA.nextCursor}`)).json();
    assert.ok(pageA2.data[0].customerId > pageA.data[49].customerId, 'keyset pages continue');
    const holdouts = (await w.api.get(`/api/v1/broadcasts/${b.id}/recipients?status=holdout&limit=200`)).json();
    assert.equal(holdouts.data.length, arms.holdout);
    assert.ok(holdouts.data.every((r: { messageId: string | null }) => r.messageId === null));
  });

  test('given 20,000 members and weights 1:1:2, when assigned, then each arm is within 2 percentage points of its share and the holdout of its 10 %', async () => {
    const variants = [
      { key: 'A' as const, templateId: promo, weight: 1 },
      { key: 'B' as const, templateId: promo, weight: 1 },
      { key: 'C' as const, templateId: promo, weight: 2 },
    ];
    const counts: Record<string, number> = {};
    const broadcastId = crypto.randomUUID();
    for (let i = 0; i < 20_000; i++) {
      const arm = assignVariant(broadcastId, crypto.randomUUID(), variants, 10);
      counts[arm] = (counts[arm] ?? 0) + 1;
    }
    const share = (arm: string) => (counts[arm] ?? 0) / 20_000;
    for (const [arm, expected] of [['holdout', 0.1], ['A', 0.225], ['B', 0.225], ['C', 0.45]] as const) assert.ok(Math.abs(share(arm) - expected) < 0.02, `${arm}: ${share(arm)}`);
    const id = crypto.randomUUID();
    assert.equal(assignVariant(broadcastId, id, variants, 10), assignVariant(broadcastId, id, variants, 10), 'stable');
  });

  test('given a future sendAt, when the scheduler ticks before and after it, then nothing is enqueued before and everything after', async () => {
    const b = (await w.api.post('/api/v1/broadcasts', { name: 'Later', segmentId: fewSegment, templateId: promo })).json();
    const at = new Date(Date.now() + 3_600_000);
    const res = await w.api.post(`/api/v1/broadcasts/${b.id}/send`, { sendAt: at.toISOString().replace('Z', '+00:00') });
    assert.deepEqual([res.statusCode, res.json().status, res.json().sendAt], [202, 'scheduled', at.toISOString()]);
    await testScheduler(t.db, { now: () => new Date(at.getTime() - 1000) }).tick();
    assert.deepEqual(await messageCounts(t.db, b.id), {});
    await testScheduler(t.db, { now: () => new Date(at.getTime() + 1000) }).tick();
    assert.deepEqual(await messageCounts(t.db, b.id), { queued: 3 });
    assert.equal((await w.api.get(`/api/v1/broadcasts/${b.id}`)).json().status, 'sending');
  });

  test('given maxPerMinute 60, when enqueued, then message n may not go before start + n seconds', async () => {
    const members = await bulkCustomers(t.db, w.id, 120, `throttle-${w.id}`);
    const segmentId = await manualSegment(t.db, w, members);
    const b = (await w.api.post('/api/v1/broadcasts', { name: 'Slow', segmentId, templateId: promo, maxPerMinute: 60 })).json();
    await w.api.post(`/api/v1/broadcasts/${b.id}/send`, {});
    await testScheduler(t.db, { batchSize: 50 }).tick();
    const started = new Date((await w.api.get(`/api/v1/broadcasts/${b.id}`)).json().startedAt).getTime();
    const rows = await t.db.selectFrom('messages').select('not_before').where('broadcast_id', '=', b.id).orderBy('not_before').execute();
    assert.equal(rows.length, 120);
    // A slot already past when its batch was enqueued goes at once (not_before = the enqueue time).
    rows.forEach((r, n) => {
      const late = r.not_before.getTime() - (started + n * 1000);
      assert.ok(late >= 0 && late < 2000, `message ${n} is ${late} ms off its slot`);
    });
    assert.equal(rows.at(-1)?.not_before.getTime(), started + 119_000, 'the last one a little under 2 minutes after the start');
  });

  test('given a marketing broadcast with a topic, when a member opted out of that topic on every channel, then they get no message and are counted as topic-opt-out', async () => {
    const members = await Promise.all(Array.from({ length: 3 }, () => customer(w)));
    const segmentId = await manualSegment(t.db, w, members);
    await sql`insert into topic_opt_outs (workspace_id, customer_id, topic, channel, source) values (${w.id}::uuid, ${members[0]}::uuid, 'yalda', '*', 'api')`.execute(t.db);
    // Opted out of a different topic, or of this one on a single channel: the pipeline's per-channel check, not the snapshot's.
    await sql`insert into topic_opt_outs (workspace_id, customer_id, topic, channel, source) values (${w.id}::uuid, ${members[1]}::uuid, 'other', '*', 'api'), (${w.id}::uuid, ${members[2]}::uuid, 'yalda', 'sms', 'api')`.execute(t.db);
    const b = (await w.api.post('/api/v1/broadcasts', { name: 'Topic', segmentId, templateId: promo, topic: 'yalda' })).json();
    assert.equal(b.topic, 'yalda');
    await w.api.post(`/api/v1/broadcasts/${b.id}/send`, {});
    await testScheduler(t.db).tick();
    const messages = await t.db.selectFrom('messages').select('customer_id').where('broadcast_id', '=', b.id).execute();
    assert.deepEqual(new Set(messages.map((m) => m.customer_id)), new Set(members.slice(1)));
    const progress = (await w.api.get(`/api/v1/broadcasts/${b.id}`)).json().progress;
    assert.deepEqual([progress.audience, progress.pending, progress.byReason], [3, 0, { 'topic-opt-out': 1 }]);
    const skipped = (await w.api.get(`/api/v1/broadcasts/${b.id}/recipients?status=skipped`)).json();
    assert.deepEqual(skipped.data.map((r: { customerId: string; reason: string; messageId: null }) => [r.customerId, r.reason, r.messageId]), [[members[0], 'topic-opt-out', null]]);
    await w.api.post(`/api/v1/broadcasts/${b.id}/cancel`, {});
  });

  test('given a broadcast, when a test send goes to one customer, then a message is queued outside the broadcast and its counts', async () => {
    const b = (await w.api.post('/api/v1/broadcasts', { name: 'Test me', segmentId: fewSegment, variants: [{ templateId: promo }, { templateId: promoB }] })).json();
    const res = await w.api.post(`/api/v1/broadcasts/${b.id}/test`, { customerId: few[0], variant: 'B' });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual([res.json().broadcastId, res.json().templateId, res.json().category], [null, promoB, 'transactional']);
    assert.equal((await w.api.post(`/api/v1/broadcasts/${b.id}/test`, { customerId: few[0], variant: 'C' })).json().error.field, 'variant');
    assert.equal((await w.api.post(`/api/v1/broadcasts/${b.id}/test`, { customerId: crypto.randomUUID() })).json().error.field, 'customerId');
    assert.deepEqual((await w.api.get(`/api/v1/broadcasts/${b.id}`)).json().progress.byStatus, {});
  });
});

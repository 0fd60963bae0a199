import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { createDb } from '../../database.ts';
import { createTestApp } from '../../testing/harness.ts';
import { customer } from '../delivery/testing/fixtures.ts';
import { runDueNewsletter } from './newsletters.ts';
import { createTemplate, manualSegment, testScheduler } from './testing/fixtures.ts';

const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });
const w = await t.workspace('Ketab Blog');
const members = await Promise.all(Array.from({ length: 4 }, () => customer(w)));
const segmentId = await manualSegment(t.db, w, members);
const templateId = await createTemplate(w, 'Digest');

/** A local blog: its RSS items can be changed between runs, and it can fail. */
let items: { guid: string; title: string; date: string }[] = [
  { guid: 'p1', title: 'First post', date: 'Mon, 02 Mar 2026 08:00:00 GMT' },
  { guid: 'p2', title: 'Second post', date: 'Tue, 03 Mar 2026 08:00:00 GMT' },
];
let failing = false;
let requests = 0;
const blog = http.createServer((_req, res) => {
  requests++;
  if (failing) return void res.writeHead(503).end('maintenance');
  const body = items.map((i) => `<item><title>${i.title}</title><link>https://blog.example/${i.guid}</link><guid>${i.guid}</guid><description>About ${i.title}</description><pubDate>${i.date}</pubDate></item>`).join('');
  res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>${body}</channel></rss>`);
});
blog.listen(0, '127.0.0.1');
await once(blog, 'listening');
const feedUrl = `http://127.0.0.1:${(blog.address() as AddressInfo).port}/feed.xml`;
after(() => blog.close());

describe('RSS newsletters', () => {
  test('given bad input, when creating a newsletter, then a 400 names the field', async () => {
    const base = { name: 'Weekly', feedUrl, schedule: { frequency: 'weekly', dayOfWeek: 6, time: '10:00' }, segmentId, templateId };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, feedUrl: 'ftp://blog.example/feed' }, 'feedUrl'],
      [{ ...base, schedule: { frequency: 'weekly', time: '10:00' } }, 'schedule.dayOfWeek'],
      [{ ...base, schedule: { frequency: 'daily', time: '25:00' } }, 'schedule.time'],
      [{ ...base, segmentId: crypto.randomUUID() }, 'segmentId'],
      [{ ...base, templateId: crypto.randomUUID() }, 'templateId'],
      [{ ...base, maxItems: 0 }, 'maxItems'],
    ];
    for (const [body, field] of cases) {
      const res = await w.api.post('/api/v1/newsletters', body);
      assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
      assert.equal(res.json().error.field, field, res.body);
    }
  });

  test('given a feed, when run now, then its items go out as one broadcast with vars.items; a run without new items sends nothing; a new item is sent alone', async () => {
    const created = await w.api.post('/api/v1/newsletters', { name: 'Blog digest', feedUrl, schedule: { frequency: 'daily', time: '09:00' }, segmentId, templateId, channels: ['email'] });
    assert.equal(created.statusCode, 201, created.body);
    const n = created.json();
    assert.ok(n.nextRunAt && new Date(n.nextRunAt) > new Date(), 'scheduled in the future');

    const first = (await w.api.post(`/api/v1/newsletters/${n.id}/run`, {})).json();
    assert.deepEqual([first.outcome, first.items, first.error], ['sent', 2, null]);
    const broadcast = (await w.api.get(`/api/v1/broadcasts/${first.broadcastId}`)).json();
    assert.deepEqual([broadcast.status, broadcast.newsletterId, broadcast.templateId, broadcast.channels], ['sending', n.id, templateId, ['email']]);
    assert.deepEqual(
      broadcast.variables.items.map((i: { id: string; title: string; link: string; summary: string; date: string }) => [i.id, i.title, i.link, i.summary, i.date]),
      [
        ['p2', 'Second post', 'https://blog.example/p2', 'About Second post', '2026-03-03T08:00:00.000Z'],
        ['p1', 'First post', 'https://blog.example/p1', 'About First post', '2026-03-02T08:00:00.000Z'],
      ],
    );
    await testScheduler(t.db).tick();
    const messages = await t.db.selectFrom('messages').select(['customer_id', 'variables']).where('broadcast_id', '=', first.broadcastId).execute();
    assert.equal(messages.length, 4);
    assert.ok(messages.every((m) => (m.variables.items as unknown[]).length === 2), 'each message carries the items for its template');

    const again = (await w.api.post(`/api/v1/newsletters/${n.id}/run`, {})).json();
    assert.deepEqual(again, { outcome: 'no-new-items', items: 0, broadcastId: null, error: null });

    items = [{ guid: 'p3', title: 'Third post', date: 'Wed, 04 Mar 2026 08:00:00 GMT' }, ...items];
    const third = (await w.api.post(`/api/v1/newsletters/${n.id}/run`, {})).json();
    assert.deepEqual([third.outcome, third.items], ['sent', 1]);
    const thirdBroadcast = (await w.api.get(`/api/v1/broadcasts/${third.broadcastId}`)).json();
    assert.deepEqual(thirdBroadcast.variables.items.map((i: { id: string }) => i.id), ['p3']);
    const view = (await w.api.get(`/api/v1/newsletters/${n.id}`)).json();
    assert.deepEqual([view.lastItemAt, view.lastBroadcastId, view.lastError], ['2026-03-04T08:00:00.000Z', third.broadcastId, null]);
    const listed = (await w.api.get(`/api/v1/broadcasts?newsletterId=${n.id}`)).json();
    assert.equal(listed.data.length, 2);
  });

  test('given a failing feed, when run, then the outcome is failed with the reason, nothing is sent, and the reason is kept until a good run', async () => {
    const n = (await w.api.post('/api/v1/newsletters', { name: 'Flaky', feedUrl, schedule: { frequency: 'daily', time: '09:00' }, segmentId, templateId })).json();
    failing = true;
    const run = (await w.api.post(`/api/v1/newsletters/${n.id}/run`, {})).json();
    failing = false;
    assert.deepEqual([run.outcome, run.broadcastId, run.error], ['failed', null, 'the feed answered HTTP 503']);
    assert.equal((await w.api.get(`/api/v1/newsletters/${n.id}`)).json().lastError, 'the feed answered HTTP 503');
    const good = (await w.api.post(`/api/v1/newsletters/${n.id}/run`, {})).json();
    assert.equal(good.outcome, 'sent');
    assert.equal((await w.api.get(`/api/v1/newsletters/${n.id}`)).json().lastError, null);
  });

  test('given a due newsletter, when two schedulers claim at once, then it runs once and its next run moves to the next day', async () => {
    const n = (await w.api.post('/api/v1/newsletters', { name: 'Due', feedUrl, schedule: { frequency: 'daily', time: '09:00' }, segmentId, templateId })).json();
    // Only this one may be due (the earlier tests' newsletters share its schedule).
    await t.db.updateTable('newsletters').set({ active: false }).where('id', '<>', n.id).execute();
    const due = new Date(n.nextRunAt);
    const now = new Date(due.getTime() + 60_000);
    const before = requests;
    const pools = [createDb(t.config.databaseUrl as string, 2), createDb(t.config.databaseUrl as string, 2)];
    try {
      const ran = await Promise.all(pools.map((db) => runDueNewsletter(db, now)));
      assert.deepEqual(ran.sort(), [false, true], 'one claim, one skip');
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
    }
    assert.equal(requests - before, 1, 'the feed was fetched once');
    const view = (await w.api.get(`/api/v1/newsletters/${n.id}`)).json();
    assert.equal(new Date(view.nextRunAt).getTime(), due.getTime() + 86_400_000, 'the next 09:00 in Tehran');
    assert.ok(view.lastBroadcastId);
    assert.equal(await runDueNewsletter(t.db, now), false, 'not due again until tomorrow');
  });

  test('given a newsletter, when changed (inactive) and deleted, then it has no next run and is gone, its broadcasts stay', async () => {
    const n = (await w.api.post('/api/v1/newsletters', { name: 'To delete', feedUrl, schedule: { frequency: 'weekly', dayOfWeek: 0, time: '18:30' }, segmentId, templateId })).json();
    const run = (await w.api.post(`/api/v1/newsletters/${n.id}/run`, {})).json();
    const off = await w.api.patch(`/api/v1/newsletters/${n.id}`, { active: false, name: 'Paused digest' });
    assert.deepEqual([off.statusCode, off.json().active, off.json().nextRunAt, off.json().name], [200, false, null, 'Paused digest']);
    assert.equal((await w.api.delete(`/api/v1/newsletters/${n.id}`)).statusCode, 204);
    assert.equal((await w.api.get(`/api/v1/newsletters/${n.id}`)).statusCode, 404);
    assert.equal((await w.api.get(`/api/v1/broadcasts/${run.broadcastId}`)).statusCode, 200);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newItems, parseFeed } from './feed.ts';

const rss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Ketab blog</title>
    <item><title>Older &amp; wiser</title><link>https://ketab.example/1</link><guid isPermaLink="false">post-1</guid>
      <description><![CDATA[<p>First <b>post</b></p>]]></description><pubDate>Mon, 02 Mar 2026 08:00:00 +0330</pubDate></item>
    <item><title>خبر تازه</title><link>https://ketab.example/2</link><guid>post-2</guid>
      <description>تخفیف &lt;b&gt;یلدا&lt;/b&gt;</description><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate></item>
    <item><title>Undated</title><link>https://ketab.example/3</link></item>
  </channel>
</rss>`;

const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Shop news</title>
  <entry><title type="html">Sale</title><id>urn:uuid:a</id><link rel="alternate" href="https://shop.example/sale"/><link rel="edit" href="https://shop.example/edit/a"/>
    <updated>2026-03-04T09:00:00Z</updated><summary>Half price</summary></entry>
  <entry><title>Only one link</title><id>urn:uuid:b</id><link href="https://shop.example/b"/><published>2026-03-05T09:00:00+03:30</published><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>
</feed>`;

test('given an RSS 2.0 feed, when parsed, then items come newest first with guid, link, plain-text summary and ISO date; undated last', () => {
  const r = parseFeed(rss);
  assert.ok(r.ok);
  assert.deepEqual(r.value, [
    { id: 'post-2', title: 'خبر تازه', link: 'https://ketab.example/2', summary: 'تخفیف یلدا', date: '2026-03-03T10:00:00.000Z' },
    { id: 'post-1', title: 'Older & wiser', link: 'https://ketab.example/1', summary: 'First post', date: '2026-03-02T04:30:00.000Z' },
    { id: 'https://ketab.example/3', title: 'Undated', link: 'https://ketab.example/3', summary: '', date: null },
  ]);
});

test('given an Atom feed, when parsed, then the alternate link, summary or content, and published/updated dates are used', () => {
  const r = parseFeed(atom);
  assert.ok(r.ok);
  assert.deepEqual(r.value, [
    { id: 'urn:uuid:b', title: 'Only one link', link: 'https://shop.example/b', summary: 'Body', date: '2026-03-05T05:30:00.000Z' },
    { id: 'urn:uuid:a', title: 'Sale', link: 'https://shop.example/sale', summary: 'Half price', date: '2026-03-04T09:00:00.000Z' },
  ]);
});

test('given broken or foreign XML, when parsed, then an error says why', () => {
  const broken = parseFeed('<rss><channel><item></channel>');
  assert.equal(broken.ok, false);
  assert.match(broken.ok ? '' : broken.error, /not well-formed/);
  const html = parseFeed('<html><body>hi</body></html>');
  assert.deepEqual(html, { ok: false, error: 'neither RSS 2.0 (<rss>) nor Atom (<feed>)' });
});

test('given items already sent, when selecting new ones, then only newer dates and unseen ids pass, at most max', () => {
  const parsed = parseFeed(rss);
  assert.ok(parsed.ok);
  const items = parsed.value;
  assert.deepEqual(newItems(items, null, [], 10).map((i) => i.id), ['post-2', 'post-1', 'https://ketab.example/3'], 'first run: everything');
  assert.deepEqual(newItems(items, null, [], 1).map((i) => i.id), ['post-2'], 'at most max, newest first');
  assert.deepEqual(newItems(items, new Date('2026-03-03T10:00:00Z'), ['post-2', 'https://ketab.example/3'], 10), [], 'nothing new');
  assert.deepEqual(newItems(items, new Date('2026-03-02T04:30:00Z'), ['post-1'], 10).map((i) => i.id), ['post-2', 'https://ketab.example/3']);
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { addCustomer } from '../../analytics/testing.ts';
import { loadMasterKey } from '../../platform/secrets.ts';
import { createTestApp } from '../../testing/harness.ts';
import { preferenceLinksFor, type PreferenceLinkRequest } from './links.ts';
import { isOptedOut } from './opt-outs.ts';
import { preferenceKey, signPreferenceToken } from './tokens.ts';

const t = await createTestApp();
const w = await t.workspace('Gol Shop');
const other = await t.workspace('Other Shop');
const key = preferenceKey(loadMasterKey(t.config));
const links = preferenceLinksFor(key, t.config.publicUrl);
const path = (url: string) => new URL(url).pathname;

// An email channel besides the link's own: the page lists every channel the workspace sends on.
const smtp = await w.api.post('/api/v1/channels', { provider: 'smtp', name: 'Shop mail', settings: { host: '127.0.0.1', port: 2525, from: 'shop@gol.example' } });
assert.equal(smtp.statusCode, 201, smtp.body);
for (const topic of [{ key: 'newsletter', labels: { fa: 'خبرنامه', en: 'Newsletter' } }, { key: 'offers', labels: { fa: 'پیشنهادها', ar: 'العروض', en: 'Offers' } }]) {
  assert.equal((await w.api.post('/api/v1/messaging/topics', topic)).statusCode, 201);
}

const page = (method: 'GET' | 'POST', url: string, payload?: string, contentType = 'application/x-www-form-urlencoded') =>
  t.app.inject({ method, url, ...(payload === undefined ? {} : { payload, headers: { 'content-type': contentType } }) });
const oneClick = (url: string) => page('POST', url, 'List-Unsubscribe=One-Click');
const customer = (body: Record<string, unknown>) => addCustomer(w.api, { emails: [`c-${randomUUID()}@example.com`], phones: [], ...body });
const consentOf = async (id: string, channel: string) => (await w.api.get(`/api/v1/customers/${id}`)).json().consents.find((c: { channel: string }) => c.channel === channel);
const timeline = async (id: string) => (await w.api.get(`/api/v1/customers/${id}/timeline?kinds=activity&limit=100`)).json().data as { data: Record<string, unknown> }[];
const linkFor = (customerId: string, extra: Partial<PreferenceLinkRequest> = {}) => links({ workspaceId: w.id, customerId, channel: 'email', ...extra });

describe('one-click unsubscribe (RFC 8058)', () => {
  test('given a one-click POST, then the channel consent is revoked with source one-click and the message id on the timeline; 200, no redirect; a repeat changes nothing', async () => {
    const id = await customer({ firstName: 'Sara' });
    const messageId = randomUUID();
    const url = path(linkFor(id, { messageId }).unsubscribeUrl);
    const res = await oneClick(url);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers.location, undefined);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.deepEqual([(await consentOf(id, 'email')).status, (await consentOf(id, 'email')).source], ['revoked', 'one-click']);
    const entries = (await timeline(id)).filter((e) => e.data.action === 'consent_changed');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.data.source, 'one-click');
    assert.match(String(entries[0]?.data.actorLabel), new RegExp(messageId));
    assert.equal((await oneClick(url)).statusCode, 200);
    assert.equal((await timeline(id)).filter((e) => e.data.action === 'consent_changed').length, 1, 'the repeat recorded nothing');
  });

  test('given multipart/form-data (as some mailbox providers post it), when one-click is posted, then it unsubscribes too', async () => {
    const id = await customer({});
    const body = '--xyz\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--xyz--\r\n';
    const res = await page('POST', path(linkFor(id).unsubscribeUrl), body, 'multipart/form-data; boundary=xyz');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await consentOf(id, 'email')).status, 'revoked');
  });

  test('given a GET of the unsubscribe link (a mail scanner prefetching), then a confirm page answers and nothing changes', async () => {
    const id = await customer({ language: 'en' });
    const url = path(linkFor(id).unsubscribeUrl);
    const res = await page('GET', url);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<form method="post"/);
    assert.match(res.body, /name="List-Unsubscribe" value="One-Click"/);
    assert.equal(await consentOf(id, 'email'), undefined);
    assert.equal((await timeline(id)).filter((e) => e.data.action !== 'created').length, 0);
  });

  test('given a POST without List-Unsubscribe=One-Click, then 400 and nothing changes', async () => {
    const id = await customer({});
    assert.equal((await page('POST', path(linkFor(id).unsubscribeUrl), 'something=else')).statusCode, 400);
    assert.equal((await page('POST', path(linkFor(id).unsubscribeUrl))).statusCode, 400);
    assert.equal(await consentOf(id, 'email'), undefined);
  });

  test('given a link with a topic, when one-click is posted, then only that topic on that channel is opted out; the channel consent stays', async () => {
    const id = await customer({});
    const messageId = randomUUID();
    assert.equal((await oneClick(path(linkFor(id, { topic: 'newsletter', messageId }).unsubscribeUrl))).statusCode, 200);
    assert.equal(await isOptedOut(t.db, w.id, id, 'newsletter', 'email'), true);
    assert.equal(await isOptedOut(t.db, w.id, id, 'newsletter', 'sms'), false);
    assert.equal(await isOptedOut(t.db, w.id, id, 'offers', 'email'), false);
    assert.equal(await consentOf(id, 'email'), undefined);
    const entry = (await timeline(id)).find((e) => e.data.action === 'topic_opted_out');
    assert.deepEqual([entry?.data.topic, entry?.data.channels, entry?.data.source, entry?.data.messageId], ['newsletter', ['email'], 'one-click', messageId]);
  });
});

describe('tokens that must not work', () => {
  test('given a tampered token, when any public page is asked, then a 404 page answers (not a 500) and nothing changes', async () => {
    const id = await customer({});
    const token = path(linkFor(id).unsubscribeUrl).slice(3);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const [method, url] of [['GET', `/p/${tampered}`], ['POST', `/p/${tampered}`], ['GET', `/u/${tampered}`], ['POST', `/u/${tampered}`], ['GET', '/u/x'], ['GET', `/p/${'A'.repeat(500)}`]] as const) {
      const res = await page(method, url, method === 'POST' ? 'List-Unsubscribe=One-Click' : undefined);
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
      assert.match(res.body, /<html lang="fa" dir="rtl">/);
    }
    assert.equal(await consentOf(id, 'email'), undefined);
  });

  test("given a token signed for another workspace with this workspace's customer id, then it touches nothing here", async () => {
    const id = await customer({});
    const foreign = signPreferenceToken(key, { workspaceId: other.id, customerId: id, channel: 'email', issuedAt: new Date() });
    assert.equal((await oneClick(`/u/${foreign}`)).statusCode, 404);
    assert.equal((await page('POST', `/p/${foreign}`, 'action=unsubscribe-all&shown=channel%3Aemail')).statusCode, 404);
    assert.equal((await page('GET', `/p/${foreign}`)).statusCode, 404);
    assert.equal(await consentOf(id, 'email'), undefined);
  });

  test('given an erased customer, when their old link is used, then 404; a merged-away profile acts on the surviving one', async () => {
    const erased = await customer({});
    assert.equal((await w.api.delete(`/api/v1/customers/${erased}`)).statusCode, 200);
    assert.equal((await oneClick(path(linkFor(erased).unsubscribeUrl))).statusCode, 404);
    const primary = await customer({ externalId: `p-${randomUUID()}` });
    const secondary = await customer({ externalId: `s-${randomUUID()}` });
    assert.equal((await w.api.post('/api/v1/customers/merge', { primaryId: primary, secondaryId: secondary })).statusCode, 200);
    assert.equal((await oneClick(path(linkFor(secondary).unsubscribeUrl))).statusCode, 200);
    assert.equal((await consentOf(primary, 'email')).status, 'revoked');
  });
});

describe('the preference page', () => {
  test('given a fa customer, then the page is fa, right-to-left, with Persian digits, every channel and every topic', async () => {
    const id = await customer({ firstName: 'مریم', language: 'fa' });
    const res = await page('GET', path(linkFor(id, { channel: 'sms' }).preferencesUrl));
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<html lang="fa" dir="rtl">/);
    assert.match(res.body, /مریم عزیز/);
    assert.match(res.body, /۲ از ۲ موضوع فعال است/);
    assert.doesNotMatch(res.body.replace(/<style>[\s\S]*<\/style>/, ''), />[^<]*\d[^<]*</, 'no Latin digits in the visible text');
    // SMS is opt-in by default (no consent yet: unticked), email opt-out (ticked): the pipeline's own rule.
    assert.match(res.body, /name="channel:sms">/);
    for (const field of ['channel:email', 'topic:newsletter', 'topic:offers']) assert.match(res.body, new RegExp(`name="${field}" checked`));
    assert.match(res.body, /پیامک/);
    assert.match(res.body, /خبرنامه/);
  });

  test('given an en customer, then the page is English, left-to-right with Latin digits; ?lang=ar switches to Arabic right-to-left', async () => {
    const id = await customer({ firstName: 'John', language: 'en' });
    const url = path(linkFor(id).preferencesUrl);
    const en = await page('GET', url);
    assert.match(en.body, /<html lang="en" dir="ltr">/);
    assert.match(en.body, /Dear John,/);
    assert.match(en.body, /2 of 2 topics are on/);
    const ar = await page('GET', `${url}?lang=ar`);
    assert.match(ar.body, /<html lang="ar" dir="rtl">/);
    assert.match(ar.body, /٢ من ٢/);
    assert.match(ar.body, /العروض/);
  });

  test('given a topic unticked on the page, when saved, then isOptedOut is true on every channel, the timeline says preference-page, and ticking it again opts back in', async () => {
    const id = await customer({ language: 'en' });
    const messageId = randomUUID();
    const url = path(linkFor(id, { messageId }).preferencesUrl);
    const shown = 'shown=channel%3Aemail&shown=topic%3Anewsletter&shown=topic%3Aoffers';
    const saved = await page('POST', url, `${shown}&channel%3Aemail=on&topic%3Aoffers=on&action=save`);
    assert.equal(saved.statusCode, 200, saved.body);
    assert.match(saved.body, /Saved: 1 change/);
    assert.match(saved.body, /name="topic:newsletter">/, 'shown unticked after the save');
    for (const channel of ['email', 'sms', 'telegram']) assert.equal(await isOptedOut(t.db, w.id, id, 'newsletter', channel), true);
    assert.equal(await isOptedOut(t.db, w.id, id, 'offers', 'email'), false);
    assert.equal(await consentOf(id, 'email'), undefined, 'a ticked channel that was already on is left alone');
    const entry = (await timeline(id)).find((e) => e.data.action === 'topic_opted_out');
    assert.deepEqual([entry?.data.source, entry?.data.messageId], ['preference-page', messageId]);
    const repeat = await page('POST', url, `${shown}&channel%3Aemail=on&topic%3Aoffers=on&action=save`);
    assert.match(repeat.body, /Nothing needed changing/);
    await page('POST', url, `${shown}&channel%3Aemail=on&topic%3Anewsletter=on&topic%3Aoffers=on&action=save`);
    assert.equal(await isOptedOut(t.db, w.id, id, 'newsletter', 'email'), false);
    assert.ok((await timeline(id)).some((e) => e.data.action === 'topic_opted_in'));
    const exported = (await w.api.get(`/api/v1/customers/${id}/export`)).json();
    assert.ok(JSON.stringify(exported).includes('topicOptOuts'));
  });

  test('given "unsubscribe from everything", then every shown channel is revoked and every topic opted out; items not shown are left alone', async () => {
    const id = await customer({ language: 'fa' });
    const url = path(linkFor(id, { channel: 'sms' }).preferencesUrl);
    const res = await page('POST', url, 'shown=channel%3Asms&shown=channel%3Aemail&shown=topic%3Anewsletter&channel%3Asms=on&action=unsubscribe-all');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /ذخیره شد: ۲ تغییر/);
    assert.equal(await consentOf(id, 'sms'), undefined, 'opt-in SMS without consent is already off: nothing to write');
    assert.equal((await consentOf(id, 'email')).source, 'preference-page');
    assert.equal(await isOptedOut(t.db, w.id, id, 'newsletter', 'sms'), true);
    assert.equal(await isOptedOut(t.db, w.id, id, 'offers', 'sms'), false, 'offers was not on the posted page');
  });
});

describe('opt-outs follow the customer', () => {
  test('given a topic opt-out on a merged-away profile, when merged, then it holds for the primary; when the primary is erased, then the rows are gone', async () => {
    const primary = await customer({ externalId: `p-${randomUUID()}` });
    const secondary = await customer({ externalId: `s-${randomUUID()}` });
    assert.equal((await oneClick(path(linkFor(secondary, { topic: 'offers', channel: 'sms' }).unsubscribeUrl))).statusCode, 200);
    assert.equal((await w.api.post('/api/v1/customers/merge', { primaryId: primary, secondaryId: secondary })).statusCode, 200);
    assert.equal(await isOptedOut(t.db, w.id, primary, 'offers', 'sms'), true);
    assert.equal((await w.api.get('/api/v1/messaging/topics/offers')).json().optedOut >= 1, true);
    assert.equal((await w.api.delete(`/api/v1/customers/${primary}`)).statusCode, 200);
    const rows = await t.db.selectFrom('topic_opt_outs').select('topic').where('customer_id', 'in', [primary, secondary]).execute();
    assert.deepEqual(rows, []);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestApp, type TestWorkspace } from '../../testing/harness.ts';
import type { OutgoingMessage } from '../channels/channel.ts';
import { linkButtonLabel } from '../channels/bot-api/labels.ts';
import { preferenceLinksFor } from '../preferences/links.ts';
import { preferenceKey, verifyPreferenceToken } from '../preferences/tokens.ts';
import { TemplateRenderer } from '../templates/render.ts';
import { consent, customer, enqueue, statusOf, tehranTime, TestClock, testWorker } from './testing/fixtures.ts';
import { RecordingChannel, RecordingDirectory } from './testing/recording-channel.ts';

/** Delivery wired to the real template renderer and preference links (the pipeline tests use an echo renderer). */
const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });
const key = preferenceKey(Buffer.alloc(32, 7));

function setup(w: TestWorkspace) {
  const handed: OutgoingMessage[] = [];
  const record = (m: OutgoingMessage) => {
    handed.push(m);
    return { status: 'sent' as const, providerMessageId: `p-${m.id}` };
  };
  const email = new RecordingChannel('email', record);
  const sms = new RecordingChannel('sms', record);
  const telegram = new RecordingChannel('telegram', record);
  const clock = new TestClock(tehranTime('12:00'));
  const worker = testWorker(t.db, new RecordingDirectory({ email, sms, telegram }), clock, {
    renderer: new TemplateRenderer(t.db),
    links: preferenceLinksFor(key, 'https://crm.example.com'),
  });
  const sent = (id: string) => handed.find((m) => m.id === id);
  return { w, clock, worker, handed, sent };
}

async function template(w: TestWorkspace, body: Record<string, unknown>): Promise<string> {
  const res = await w.api.post('/api/v1/templates', { category: 'marketing', ...body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

const offersEmail = { fa: { email: { subject: 'Offer for {{ customer.first_name }}', body: '<p>Hi {{ customer.first_name }} <a href="{{ links.unsubscribe }}">unsubscribe</a></p>' }, sms: { text: 'Hi {{ customer.first_name }} {{ links.unsubscribe }}' } } };

async function optOut(workspaceId: string, customerId: string, topic: string, channel: string) {
  await t.db.insertInto('topic_opt_outs').values({ workspace_id: workspaceId, customer_id: customerId, topic, channel, source: 'test' }).execute();
}

describe('delivery: topic opt-outs', () => {
  test('given a customer opted out of topic "offers" on email, when an offers message may use email then SMS, then it goes by SMS; email-only is skipped topic-opt-out', async () => {
    const w = await t.workspace();
    const { clock, worker, sent } = setup(w);
    const offers = await template(w, { name: 'Offers', topic: 'offers', variants: offersEmail });
    const c = await customer(w);
    await consent(w, c, 'sms', 'granted');
    await optOut(w.id, c, 'offers', 'email');
    const [fallback, emailOnly] = await enqueue(t.db, w.id, clock, [
      { customerId: c, channels: ['email', 'sms'], templateId: offers },
      { customerId: c, channels: ['email'], templateId: offers },
    ]);
    await worker.drain();
    assert.deepEqual(await statusOf(t.db, fallback as string).then((s) => [s.status, s.channel]), ['sent', 'sms']);
    assert.deepEqual(await statusOf(t.db, emailOnly as string).then((s) => [s.status, s.reason]), ['skipped', 'topic-opt-out']);
    assert.equal(sent(emailOnly as string), undefined);
  });

  test('given an opt-out of "offers" on all channels, when marketing and transactional messages of that topic are due, then marketing is skipped on every channel and transactional goes', async () => {
    const w = await t.workspace();
    const { clock, worker, sent } = setup(w);
    const offers = await template(w, { name: 'Offers', topic: 'offers', variants: offersEmail });
    const c = await customer(w);
    await consent(w, c, 'sms', 'granted');
    await optOut(w.id, c, 'offers', '*');
    const [marketing, receipt] = await enqueue(t.db, w.id, clock, [
      { customerId: c, channels: ['email', 'sms'], templateId: offers },
      { customerId: c, channels: ['email'], templateId: offers, category: 'transactional' },
    ]);
    await worker.drain();
    assert.deepEqual(await statusOf(t.db, marketing as string).then((s) => [s.status, s.reason]), ['skipped', 'topic-opt-out']);
    assert.equal(sent(marketing as string), undefined);
    assert.equal((await statusOf(t.db, receipt as string)).status, 'sent');
  });

  test('given opt-outs of another topic and of a template without topic, when marketing goes, then it is sent and its one-click link leaves exactly its own topic', async () => {
    const w = await t.workspace();
    const { clock, worker, sent } = setup(w);
    const offers = await template(w, { name: 'Offers', topic: 'offers', variants: offersEmail });
    const plain = await template(w, { name: 'Plain', variants: offersEmail });
    const c = await customer(w, { firstName: 'Reza' });
    await optOut(w.id, c, 'newsletter', '*');
    const [withTopic, withoutTopic] = await enqueue(t.db, w.id, clock, [
      { customerId: c, channels: ['email'], templateId: offers },
      { customerId: c, channels: ['email'], templateId: plain },
    ]);
    await worker.drain();
    assert.equal((await statusOf(t.db, withTopic as string)).status, 'sent');
    assert.equal((await statusOf(t.db, withoutTopic as string)).status, 'sent');
    const claimsOf = (id: string) => {
      const url = sent(id)?.unsubscribeUrl ?? '';
      assert.ok(url.startsWith('https://crm.example.com/u/'), url);
      assert.ok(sent(id)?.html?.includes(url), 'the rendered body carries the same link');
      return verifyPreferenceToken(key, url.slice('https://crm.example.com/u/'.length));
    };
    const topical = claimsOf(withTopic as string);
    assert.deepEqual([topical?.topic, topical?.channel, topical?.messageId, topical?.customerId], ['offers', 'email', withTopic, c]);
    assert.equal(claimsOf(withoutTopic as string)?.topic, undefined);
    assert.equal(sent(withTopic as string)?.subject, 'Offer for Reza');
  });
});

describe('delivery: messenger button text', () => {
  test('given a messenger template with a Liquid button text, when it goes by Telegram, then the driver gets it as metadata.buttonText and labels the button with it', async () => {
    const w = await t.workspace();
    const { clock, worker, sent } = setup(w);
    const promo = await template(w, { name: 'Bot promo', variants: { en: { messenger: { text: 'New in store', buttonText: 'Shop, {{ customer.first_name }}', buttonUrl: 'https://shop.example/{{ customer.id }}' } } } });
    const withButton = await customer(w, { firstName: 'Mina' });
    assert.equal((await w.api.put(`/api/v1/customers/${withButton}/addresses/telegram`, { address: '424242' })).statusCode, 200);
    const noButton = await template(w, { name: 'Bot plain', variants: { en: { messenger: { text: 'Hello', buttonUrl: 'https://shop.example/' } } } });
    const [id, plainId] = await enqueue(t.db, w.id, clock, [
      { customerId: withButton, channels: ['telegram'], templateId: promo },
      { customerId: withButton, channels: ['telegram'], templateId: noButton, category: 'transactional' },
    ]);
    await worker.drain();
    const m = sent(id as string);
    assert.equal(m?.metadata?.buttonText, 'Shop, Mina');
    assert.equal(m?.metadata?.messageId, id);
    assert.equal(m?.url, `https://shop.example/${withButton}`);
    assert.equal(linkButtonLabel(m?.to.language, m?.metadata), 'Shop, Mina');
    const plainMessage = sent(plainId as string);
    assert.equal(plainMessage?.metadata?.buttonText, undefined);
    assert.equal(linkButtonLabel('en', plainMessage?.metadata), 'Open');
  });
});

describe('delivery: inline content is Liquid', () => {
  test('given inline content with customer fields, when it is sent, then text and subject are rendered as text and the html escaped', async () => {
    const w = await t.workspace();
    const { worker, sent } = setup(w);
    const c = await customer(w, { firstName: '<b>Sara</b>' });
    const res = await w.api.post('/api/v1/messages', {
      customerId: c,
      channels: ['email'],
      category: 'transactional',
      content: { text: 'Hi {{ customer.first_name }}, code {{ vars.code }}', subject: 'For {{ customer.first_name | default: "you" }}', html: '<p>{{ customer.first_name }} {{ vars.missing | default: "friend" }}</p>' },
      variables: { code: 'A-17' },
    });
    assert.equal(res.statusCode, 202, res.body);
    await worker.drain();
    const id = res.json().id;
    assert.equal((await statusOf(t.db, id)).status, 'sent');
    const m = sent(id);
    assert.equal(m?.text, 'Hi <b>Sara</b>, code A-17');
    assert.equal(m?.subject, 'For <b>Sara</b>');
    assert.equal(m?.html, '<p>&lt;b&gt;Sara&lt;/b&gt; friend</p>');
  });

  test('given inline content with a Liquid syntax error, when it is posted, then 400 names the field with line and column and nothing is queued', async () => {
    const w = await t.workspace();
    const c = await customer(w);
    const res = await w.api.post('/api/v1/messages', { customerId: c, channels: ['email'], category: 'transactional', content: { text: 'fine', html: '<p>\n{% if customer.first_name %}x</p>' } });
    assert.equal(res.statusCode, 400, res.body);
    const error = res.json().error;
    assert.equal(error.field, 'content.html');
    assert.match(error.message, /^content\.html: line 2, column 1: /);
    const listed = await w.api.get(`/api/v1/messages?customerId=${c}`);
    assert.deepEqual(listed.json().data, []);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../platform/errors.ts';
import { compileTemplate, mjmlStats } from './compile.ts';
import type { CustomerScope, RecipientData } from './context.ts';
import { parseTemplate, renderFor, type WorkspaceFacts } from './render.ts';
import { type TemplateInput, templateInput } from './schema.ts';

const customer = (over: Partial<CustomerScope> = {}): RecipientData => ({
  customer: {
    id: '00000000-0000-4000-8000-000000000001',
    external_id: null,
    first_name: 'Sara',
    last_name: 'Ahmadi',
    full_name: 'Sara Ahmadi',
    email: 'sara@example.com',
    phone: null,
    emails: ['sara@example.com'],
    phones: [],
    birthday: '1990-03-21',
    gender: null,
    city: 'Tehran',
    language: null,
    timezone: null,
    tags: [],
    attributes: { tier: 'gold' },
    created_at: '2024-01-01T00:00:00.000Z',
    ...over,
  },
});
const facts = (over: Partial<WorkspaceFacts> = {}): WorkspaceFacts => ({
  id: 'ws',
  name: 'Shop',
  defaultLanguage: 'fa',
  timezone: 'Asia/Tehran',
  voice: { tone: 'formal', greetings: {}, signatures: {}, updatedAt: null },
  parsedVoice: new Map(),
  ...over,
});

async function build(input: unknown) {
  const t: TemplateInput = templateInput.parse(input);
  const compiled = await compileTemplate(t);
  return parseTemplate({ id: 't1', name: t.name, category: t.category, useVoice: t.useVoice, variants: t.variants, compiled, version: 1 });
}

async function rejected(input: unknown): Promise<AppError> {
  try {
    await compileTemplate(templateInput.parse(input));
  } catch (e) {
    assert.ok(e instanceof AppError);
    return e;
  }
  assert.fail('expected the template to be rejected');
}

const mjml = (inner: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${inner}</mj-text></mj-column></mj-section></mj-body></mjml>`;

test('given a customer named <script>, when rendered, then the email HTML escapes it and the SMS keeps it as written', async () => {
  const t = await build({ name: 'x', category: 'transactional', variants: { en: { email: { subject: 'Hi {{ customer.first_name }}', format: 'mjml', body: mjml('Hello {{ customer.first_name }}') }, sms: { text: 'Hello {{ customer.first_name }}' } } } });
  const evil = customer({ first_name: '<script>alert(1)</script>' });
  const email = await renderFor(t, facts(), evil, { channel: 'email' });
  assert.ok(email.ok);
  assert.match(email.value.html ?? '', /Hello &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(email.value.html ?? '', /<script>/);
  assert.equal(email.value.subject, 'Hi <script>alert(1)</script>'); // a header, not HTML
  const sms = await renderFor(t, facts(), evil, { channel: 'sms' });
  assert.ok(sms.ok);
  assert.equal(sms.value.text, 'Hello <script>alert(1)</script>');
});

test('given variants, when rendering, then the language falls back: requested → customer → workspace default → first, skipping variants without the channel', async () => {
  const t = await build({
    name: 'x',
    category: 'transactional',
    variants: { fa: { sms: { text: 'fa' } }, ar: { sms: { text: 'ar' }, push: { title: 'ar', body: 'ar' } }, en: { sms: { text: 'en' } } },
  });
  const lang = async (c: RecipientData, language: string | undefined, f = facts(), channel: 'sms' | 'webpush' = 'sms') => {
    const r = await renderFor(t, f, c, { channel, language });
    assert.ok(r.ok);
    return [r.value.language, r.value.text];
  };
  assert.deepEqual(await lang(customer({ language: 'ar' }), 'en'), ['en', 'en']);
  assert.deepEqual(await lang(customer({ language: 'ar' }), undefined), ['ar', 'ar']);
  assert.deepEqual(await lang(customer({ language: 'en-GB' }), 'de'), ['en', 'en']);
  assert.deepEqual(await lang(customer(), undefined), ['fa', 'fa']);
  assert.deepEqual(await lang(customer(), undefined, facts({ defaultLanguage: 'en' })), ['en', 'en']);
  assert.deepEqual(await lang(customer({ language: 'en' }), 'en', facts(), 'webpush'), ['ar', 'ar']); // only ar has push
  const none = await renderFor(t, facts(), customer(), { channel: 'email' });
  assert.equal(none.ok, false);
});

test('given missing variables, when rendered, then they print nothing and | default gives the fallback', async () => {
  const t = await build({ name: 'x', category: 'transactional', variants: { en: { sms: { text: 'A[{{ customer.nickname }}] B[{{ vars.code | default: "none" }}] C[{{ customer.attributes.tier }}] D[{{ vars.code }}]' } } } });
  const r = await renderFor(t, facts(), customer(), { channel: 'sms', variables: {} });
  assert.ok(r.ok);
  assert.equal(r.value.text, 'A[] B[none] C[gold] D[]');
  const withVar = await renderFor(t, facts(), customer(), { channel: 'sms', variables: { code: 'X1' } });
  assert.ok(withVar.ok);
  assert.equal(withVar.value.text, 'A[] B[X1] C[gold] D[X1]');
});

test('given Liquid syntax errors, when saved, then the error names the field with line and column', async () => {
  const e1 = await rejected({ name: 'x', category: 'marketing', variants: { fa: { email: { subject: 's', body: '<p>one</p>\n<p>two</p>\n<p>{{ customer.first_name | nope }}</p>' } } } });
  assert.equal(e1.field, 'variants.fa.email.body');
  assert.equal(e1.message, 'variants.fa.email.body: line 3, column 4: undefined filter: nope');
  const e2 = await rejected({ name: 'x', category: 'marketing', variants: { en: { sms: { text: 'ok' } }, fa: { sms: { text: 'سلام\n{% if customer.first_name %}x' } } } });
  assert.equal(e2.field, 'variants.fa.sms.text');
  assert.match(e2.message, /^variants\.fa\.sms\.text: line 2, column 1: tag \{% if customer\.first_name %\} not closed/);
  const e3 = await rejected({ name: 'x', category: 'marketing', variants: { en: { webhook: { payload: { a: { b: ['ok', '{{ x '] } } } } } });
  assert.equal(e3.field, 'variants.en.webhook.payload.a.b.1');
});

test('given an MJML error, when saved, then it is rejected naming the field and line', async () => {
  const e = await rejected({ name: 'x', category: 'transactional', variants: { en: { email: { subject: 's', format: 'mjml', body: '<mjml><mj-body>\n<mj-section><mj-colum>x</mj-colum></mj-section></mj-body></mjml>' } } } });
  assert.equal(e.field, 'variants.en.email.body');
  assert.match(e.message, /^variants\.en\.email\.body: line 2: .*mj-colum/);
});

test('given file tags or prototype access, then the sandbox refuses them', async () => {
  const e = await rejected({ name: 'x', category: 'transactional', variants: { en: { sms: { text: '{% include "/etc/passwd" %}' } } } });
  assert.match(e.message, /tag "include" not found/);
  const t = await build({ name: 'x', category: 'transactional', variants: { en: { sms: { text: '[{{ customer.constructor }}][{{ customer.tags.constructor.name }}]' } } } });
  const r = await renderFor(t, facts(), customer(), { channel: 'sms' });
  assert.ok(r.ok);
  assert.equal(r.value.text, '[][]');
});

test('given an MJML template, when rendered many times, then MJML was compiled once at save and never per render', async () => {
  const before = mjmlStats.compilations;
  const t = await build({ name: 'x', category: 'transactional', variants: { en: { email: { subject: 's', format: 'mjml', body: mjml('Hi {{ customer.first_name }}') } } } });
  assert.equal(mjmlStats.compilations, before + 1);
  for (let i = 0; i < 200; i++) {
    const r = await renderFor(t, facts(), customer({ first_name: `N${i}` }), { channel: 'email' });
    assert.ok(r.ok && r.value.html?.includes(`Hi N${i}`));
  }
  assert.equal(mjmlStats.compilations, before + 1);
});

test('given useVoice, when rendered on each channel, then greeting and signature of the tone wrap the content', async () => {
  const input = {
    name: 'x',
    category: 'transactional',
    useVoice: true,
    variants: {
      fa: { sms: { text: 'سفارش شما ارسال شد.' }, email: { subject: 's', format: 'mjml', body: mjml('سفارش شما ارسال شد.') }, messenger: { text: 'بسته در راه است' } },
      en: { sms: { text: '{{ voice.greeting }} Your order shipped.' } },
    },
  };
  const t = await build(input);
  const formal = await renderFor(t, facts(), customer({ first_name: 'سارا' }), { channel: 'sms' });
  assert.ok(formal.ok);
  assert.equal(formal.value.text, 'سارا گرامی،\nسفارش شما ارسال شد.\nبا احترام، Shop');
  const friendly = facts({ voice: { tone: 'friendly', greetings: {}, signatures: { fa: '{{ brand.name }} ❤' }, updatedAt: null } });
  const sms = await renderFor(t, friendly, customer({ first_name: 'سارا' }), { channel: 'sms' });
  assert.ok(sms.ok);
  assert.equal(sms.value.text, 'سلام سارا جان!\nسفارش شما ارسال شد.\nShop ❤');
  const bale = await renderFor(t, friendly, customer({ first_name: null }), { channel: 'bale' });
  assert.ok(bale.ok);
  assert.equal(bale.value.text, 'سلام!\nبسته در راه است\nShop ❤');
  const email = await renderFor(t, friendly, customer({ first_name: '<b>سارا</b>' }), { channel: 'email' });
  assert.ok(email.ok);
  assert.match(email.value.html ?? '', /سلام &lt;b&gt;سارا&lt;\/b&gt; جان!/);
  assert.match(email.value.text, /^سلام <b>سارا<\/b> جان!\n+سفارش شما ارسال شد.\n+Shop ❤$/);
  // The author placed the greeting: it is not added a second time; the signature still is.
  const en = await renderFor(t, facts(), customer(), { channel: 'sms', language: 'en' });
  assert.ok(en.ok);
  assert.equal(en.value.text, 'Dear Sara, Your order shipped.\nKind regards,\nShop');
});

test('given a webhook payload, when a value contains quotes, then the rendered JSON stays valid and keeps non-string values', async () => {
  const t = await build({ name: 'x', category: 'transactional', variants: { en: { webhook: { payload: { name: '{{ customer.first_name }}', n: 3, ok: true, list: ['{{ customer.city }}'] } } } } });
  const r = await renderFor(t, facts(), customer({ first_name: 'Sa"ra\\' }), { channel: 'webhook' });
  assert.ok(r.ok);
  assert.deepEqual(JSON.parse(r.value.text), { name: 'Sa"ra\\', n: 3, ok: true, list: ['Tehran'] });
});

test('given a WhatsApp approved template, when rendered, then each parameter is rendered in order with the template identity', async () => {
  const t = await build({ name: 'x', category: 'transactional', variants: { fa: { whatsapp: { templateName: 'order_shipped', templateLanguage: 'fa', parameters: ['{{ customer.first_name }}', '{{ vars.total | toman }}'] } } } });
  const r = await renderFor(t, facts(), customer(), { channel: 'whatsapp', variables: { total: 1_250_000 } });
  assert.ok(r.ok);
  assert.deepEqual(r.value.template, { name: 'order_shipped', language: 'fa', parameters: ['Sara', '۱۲۵٬۰۰۰ تومان'] });
});

test('given an email without a text part, then the text is generated from the rendered HTML with link addresses', async () => {
  const t = await build({ name: 'x', category: 'marketing', variants: { en: { email: { subject: 's', body: '<html><head><style>p{}</style></head><body><p>Hi {{ customer.first_name }} &amp; co</p><p><a href="{{ links.unsubscribe }}">Unsubscribe</a></p></body></html>' } } } });
  const r = await renderFor(t, facts(), customer(), { channel: 'email', links: { unsubscribeUrl: 'https://x.test/u?a=1&b=2' } });
  assert.ok(r.ok);
  assert.equal(r.value.text, 'Hi Sara & co\nUnsubscribe (https://x.test/u?a=1&b=2)');
  assert.match(r.value.html ?? '', /href="https:\/\/x\.test\/u\?a=1&amp;b=2"/);
});

test('given messenger content with a button, when rendered for Telegram, Bale, Eitaa or Rubika, then text, link and label are rendered', async () => {
  const t = await build({ name: 'x', category: 'transactional', variants: { fa: { messenger: { text: 'سفارش {{ vars.order }} ارسال شد', buttonText: 'پیگیری {{ vars.order }}', buttonUrl: 'https://shop.test/o/{{ vars.order }}' } } } });
  for (const channel of ['telegram', 'bale', 'eitaa', 'rubika'] as const) {
    const r = await renderFor(t, facts(), customer(), { channel, variables: { order: 'A7' } });
    assert.ok(r.ok);
    assert.deepEqual(r.value, { language: 'fa', text: 'سفارش A7 ارسال شد', url: 'https://shop.test/o/A7', buttonText: 'پیگیری A7' });
  }
});

test('given an HTML email with useVoice, when saved and rendered, then the greeting opens the body and the signature closes it, escaped once', async () => {
  const t = await build({ name: 'x', category: 'transactional', useVoice: true, variants: { en: { email: { subject: 's', format: 'html', body: '<html><body><p>Your order shipped.</p></body></html>' } } } });
  const r = await renderFor(t, facts(), customer({ first_name: 'Tom & Jerry' }), { channel: 'email' });
  assert.ok(r.ok);
  assert.match(r.value.html ?? '', /<body><p dir="ltr">Dear Tom &amp; Jerry,<\/p><p>Your order shipped\.<\/p><p dir="ltr">Kind regards,<br \/>\nShop<\/p><\/body>/);
  assert.equal(r.value.text, 'Dear Tom & Jerry,\nYour order shipped.\nKind regards,\nShop');
});

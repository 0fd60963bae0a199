import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LintContext, type LintInput, lintTemplate } from './lint.ts';
import type { Tone, Variants } from './schema.ts';

const context = (tone: Tone = 'formal', defaultLanguage = 'fa'): LintContext => ({ voice: { tone, greetings: {}, signatures: {} }, defaultLanguage });
const lint = (variants: Variants, over: Partial<LintInput> = {}, ctx = context()) => lintTemplate({ category: 'marketing', useVoice: false, variants, ...over }, ctx);
const codes = (variants: Variants, over: Partial<LintInput> = {}, ctx = context()) => lint(variants, over, ctx).map((w) => `${w.code} ${w.field}`);
const email = (body: string, subject = 'Offer') => ({ subject, format: 'html' as const, body });

test('given a marketing email without {{ links.unsubscribe }}, then it is flagged; with it, or when transactional, it is not', () => {
  assert.deepEqual(codes({ fa: { email: email('<p>تخفیف</p>') } }), ['missing-unsubscribe variants.fa.email.body']);
  assert.deepEqual(codes({ fa: { email: email('<p>تخفیف</p><a href="{{ links.unsubscribe }}">لغو</a>') } }), []);
  assert.deepEqual(codes({ fa: { email: email('<p>x</p>') } }, { category: 'transactional' }), []);
});

test('given a marketing SMS without an opt-out line, then it is flagged; «لغو۱۱», STOP or a link satisfy it', () => {
  assert.deepEqual(codes({ fa: { sms: { text: 'تخفیف ویژه' } } }), ['missing-opt-out variants.fa.sms.text']);
  assert.deepEqual(codes({ fa: { sms: { text: 'تخفیف ویژه\nلغو۱۱' } } }), []);
  assert.deepEqual(codes({ fa: { sms: { text: 'Sale! Reply STOP to opt out' } } }), []);
  assert.deepEqual(codes({ fa: { sms: { text: 'Sale {{ links.unsubscribe }}' } } }), []);
  assert.deepEqual(codes({ fa: { sms: { text: 'کد ورود' } } }, { category: 'transactional' }), []);
});

test('given a formal voice, when a fa template says «جان», then it is flagged as informal; words inside other words are not', () => {
  assert.deepEqual(codes({ fa: { sms: { text: 'سلام {{ customer.first_name }} جان، لغو۱۱' } } }), ['informal-in-formal-voice variants.fa.sms.text']);
  assert.deepEqual(codes({ fa: { sms: { text: 'اطلاعات جانبی محصول، لغو۱۱' } } }), []);
  const [w] = lint({ en: { push: { title: 'Hey you', body: 'gonna love it' } } }, {}, context('formal', 'en'));
  assert.equal(w?.message, 'The brand voice is formal but this uses «hey»');
});

test('given a friendly voice, when a template uses formal phrases, then it is flagged', () => {
  assert.deepEqual(codes({ fa: { sms: { text: 'مشتری گرامی، خواهشمند است مراجعه کنید. لغو۱۱' } } }, {}, context('friendly')), ['formal-in-friendly-voice variants.fa.sms.text']);
  assert.deepEqual(codes({ en: { email: email('We hereby inform you {{ links.unsubscribe }}', 'News') } }, {}, context('friendly', 'en')), ['formal-in-friendly-voice variants.en.email.body']);
  assert.deepEqual(codes({ fa: { sms: { text: 'سلام! لغو۱۱' } } }, {}, context('friendly')), []);
});

test('given no variant in the workspace default language, then it is flagged', () => {
  assert.deepEqual(codes({ en: { sms: { text: 'Hi STOP' } } }), ['missing-default-language variants']);
  assert.deepEqual(codes({ en: { sms: { text: 'Hi STOP' } } }, {}, context('formal', 'en')), []);
});

test('given a subject longer than mobile inboxes show, then it is flagged, counting each variable as 8 characters', () => {
  const long = 'x'.repeat(43); // + one variable (8) = 51
  assert.deepEqual(codes({ fa: { email: email('{{ links.unsubscribe }}', `${long}{{ customer.first_name }}`) } }), ['subject-too-long variants.fa.email.subject']);
  assert.deepEqual(codes({ fa: { email: email('{{ links.unsubscribe }}', `${'x'.repeat(42)}{{ customer.first_name }}`) } }), []);
});

test('given an SMS over two segments (UCS-2 67 per part), then it is flagged with its count; the voice lines count too', () => {
  const text = `${'ب'.repeat(120)} لغو۱۱`; // 126 UCS-2 units: 2 segments
  assert.deepEqual(codes({ fa: { sms: { text } } }), []);
  const [w] = lint({ fa: { sms: { text: `${'ب'.repeat(140)} لغو۱۱` } } });
  assert.equal(w?.code, 'sms-too-long');
  assert.equal(w?.message, 'About 146 UCS-2 characters: 3 SMS segments per recipient (more than 2)');
  // With the formal greeting and signature added, the 2-segment text becomes 3.
  assert.deepEqual(codes({ fa: { sms: { text } } }, { useVoice: true }), ['sms-too-long variants.fa.sms.text']);
  assert.deepEqual(codes({ en: { sms: { text: `${'a'.repeat(300)} STOP` } } }, {}, context('formal', 'en')), []); // GSM-7: 2 × 153
});

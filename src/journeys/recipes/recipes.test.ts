import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { customer } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { recipes } from './catalog.ts';
import { attributesOf, install, rendered } from './testing.ts';

/** The ready-made journeys' API: the list in three languages, one-click install, idempotency, roles, the texts' check. */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });

/** A context like each trigger's, so every template renders every branch it has. */
const sampleContext: Record<string, Record<string, unknown>> = {
  birthday: { source: 'birthday', date: '2026-10-07', storedDate: '1990-10-08', calendar: 'jalali' },
  cart_abandonment: { cart: { products: [{ productId: 'p-1', name: 'Tea glass set', price: 1_250_000, quantity: 2 }, { productId: 'p-2', name: null, quantity: 1 }], value: 2_500_000, currency: 'IRR' } },
  browse_abandonment: { product: { id: 'p-9', name: 'Walnut desk', price: 48_000_000, currency: 'IRR', url: 'https://shop.test/p-9' }, views: 3 },
  back_in_stock: { product: { id: 'p-9', name: 'Walnut desk', price: 49.5, currency: 'USD', url: null }, change: 'back_in_stock' },
  vip_thank_you: { orderId: 'o-77', total: 9_000_000, currency: 'IRR' },
  subscription_renewal: { source: 'attribute', storedDate: '2026-12-01' },
  incident_apology: { incident: { fa: 'دیروز پرداخت‌ها دو بار کسر شد.', en: 'Yesterday some payments were charged twice.' } },
};

describe('ready-made journeys: the API', () => {
  test('given the list, when asked in Persian, Arabic (Accept-Language) and English (?lang=), then all ten recipes come in that language with trigger, steps and templates counted', async () => {
    const w = await t.workspace();
    const fa = (await w.api.get('/api/v1/journeys/recipes')).json();
    const asking = (url: string, language: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${w.api.key}`, 'accept-language': language } });
    const ar = (await asking('/api/v1/journeys/recipes', 'ar-IQ,ar;q=0.9,en;q=0.5')).json();
    const en = (await asking('/api/v1/journeys/recipes?lang=en', 'fa')).json();
    assert.deepEqual([fa.language, ar.language, en.language], ['fa', 'ar', 'en']);
    assert.equal(fa.data.length, 10);
    assert.deepEqual(
      en.data.map((r: { key: string }) => r.key),
      ['onboarding', 'post_purchase', 'win_back', 'birthday', 'cart_abandonment', 'browse_abandonment', 'back_in_stock', 'vip_thank_you', 'subscription_renewal', 'incident_apology'],
    );
    const winBack = (list: { data: { key: string }[] }) => list.data.find((r) => r.key === 'win_back') as Record<string, unknown>;
    assert.equal(winBack(en).name, 'Win-back');
    assert.equal(winBack(fa).name, 'بازگرداندن مشتریان خاموش');
    assert.equal(winBack(ar).name, 'استعادة العملاء الغائبين');
    assert.equal(winBack(en).trigger, 'inactivity');
    assert.equal(winBack(en).triggerSummary, '90 days without an order');
    assert.equal(winBack(fa).triggerSummary, '۹۰ روز بدون سفارش', 'Persian digits');
    assert.equal(winBack(ar).triggerSummary, '٩٠ يوماً بلا طلب', 'Arabic-Indic digits');
    assert.equal(winBack(en).steps, 7);
    assert.equal(winBack(en).templates, 2);
    assert.deepEqual(winBack(en).settings, ['days']);
    const support = await w.keyFor('support');
    assert.equal((await support.get('/api/v1/journeys/recipes')).statusCode, 200, 'every role may read the list');
  });

  test('given each recipe, when installed, then a draft journey wired to new templates (email + SMS in fa, ar and en) whose template check finds nothing in either voice, and which render for a customer', async () => {
    const w = await t.workspace();
    const people = { fa: await customer(w, { firstName: 'سارا', language: 'fa' }), ar: await customer(w, { firstName: 'ليلى', language: 'ar' }), en: await customer(w, { firstName: 'John', language: 'en' }) };
    for (const tone of ['formal', 'friendly'] as const) {
      assert.equal((await w.api.put('/api/v1/messaging/voice', { tone })).statusCode, 200);
      for (const recipe of recipes) {
        const installed = await install(w, recipe.key, {}, { 'accept-language': 'en' });
        assert.equal(installed.journey.status, 'draft');
        assert.equal(installed.journey.name, recipe.name.en);
        const sends = installed.journey.steps.filter((s) => s.kind === 'send') as unknown as { templateId: string }[];
        assert.deepEqual(new Set(sends.map((s) => s.templateId)), new Set(Object.values(installed.templateIds)), `${recipe.key}: every template is sent by a step`);
        for (const [key, id] of Object.entries(installed.templateIds)) {
          const template = (await w.api.get(`/api/v1/templates/${id}`)).json();
          assert.deepEqual(Object.keys(template.variants).sort(), ['ar', 'en', 'fa']);
          for (const variant of Object.values(template.variants) as Record<string, unknown>[]) assert.ok(variant.email && variant.sms, `${recipe.key}.${key}: email and SMS`);
          assert.deepEqual(template.warnings, [], `${recipe.key}.${key} (${tone}): ${JSON.stringify(template.warnings)}`);
          for (const [language, customerId] of Object.entries(people)) {
            const m = { customerId, templateId: id, category: template.category, variables: { code: 'K7PQM-2XD9R', percent: 10, validDays: 14, trigger: sampleContext[recipe.key] ?? {} } };
            const sms = await rendered(t.db, w.id, m, 'sms');
            const email = await rendered(t.db, w.id, m, 'email');
            assert.equal(sms.language, language);
            assert.ok(!/\{\{|\{%/.test(sms.text + (email.html ?? '')), `${recipe.key}.${key}: no Liquid left`);
            assert.ok(sms.text.length > 20 && (email.subject?.length ?? 0) > 5);
          }
        }
      }
    }
    const welcome = await rendered(t.db, w.id, { customerId: people.fa, templateId: (await install(w, 'browse_abandonment')).templateIds.offer as string, category: 'marketing', variables: { code: 'K7PQM-2XD9R', percent: 10, trigger: sampleContext.browse_abandonment } }, 'email');
    assert.match(welcome.html ?? '', /۱۰٪ تخفیف/, 'Persian digits');
    assert.match(welcome.html ?? '', /۴٬۸۰۰٬۰۰۰ تومان/, 'an Iranian price in tomans');
    assert.match(welcome.html ?? '', /Walnut desk/);
    assert.match(welcome.html ?? '', /https:\/\/vafa\.test\/u\/x/, 'the unsubscribe link of a marketing email');
  });

  test('given a double click, when the same Idempotency-Key (header or body) installs twice, then one journey and one set of templates; a new key installs a second copy with its own template names', async () => {
    const w = await t.workspace();
    const first = await install(w, 'birthday', {}, { 'idempotency-key': 'click-1' });
    const again = await install(w, 'birthday', {}, { 'idempotency-key': 'click-1' });
    assert.equal(again.journey.id, first.journey.id);
    const byBody = await install(w, 'birthday', { idempotencyKey: 'click-2' });
    const byBodyAgain = await install(w, 'birthday', { idempotencyKey: 'click-2' });
    assert.equal(byBodyAgain.journey.id, byBody.journey.id);
    assert.notEqual(byBody.journey.id, first.journey.id);
    const journeys = (await w.api.get('/api/v1/journeys?limit=50')).json().data;
    assert.equal(journeys.length, 2);
    const names = (await w.api.get('/api/v1/templates?limit=50')).json().data.map((x: { name: string }) => x.name).sort();
    assert.deepEqual(names, ['تبریک تولد · تبریک تولد', 'تبریک تولد · تبریک تولد (2)']);
    assert.deepEqual(first.attributesDefined, ['last_gift_code']);
    assert.deepEqual(byBody.attributesDefined, [], 'the attribute is defined once');
  });

  test('given settings, when installing, then they shape the journey; a setting the recipe does not take, an unknown recipe and a role without journeys:manage are refused', async () => {
    const w = await t.workspace();
    const winBack = await install(w, 'win_back', { name: 'Come back, 60 days', days: 60 });
    assert.equal(winBack.journey.name, 'Come back, 60 days');
    assert.deepEqual(winBack.journey.trigger, { kind: 'inactivity', days: 60, activity: 'order' });
    const renewal = await install(w, 'subscription_renewal', { days: 3, attribute: 'plan_ends_on' });
    assert.equal((renewal.journey.trigger as unknown as { offsetDays: number; attribute: string }).offsetDays, -3);
    assert.deepEqual(renewal.attributesDefined, ['plan_ends_on']);
    const defs = (await w.api.get('/api/v1/attribute-definitions')).json();
    assert.equal((defs.data ?? defs).find((d: { key: string }) => d.key === 'plan_ends_on')?.type, 'date');
    const vip = await install(w, 'vip_thank_you', { orderAbove: 20_000_000 });
    assert.deepEqual(vip.journey.trigger, { kind: 'vip', orderAbove: 20_000_000 });

    const wrong = await w.api.post('/api/v1/journeys/recipes/birthday/install', { orderAbove: 5 });
    assert.equal(wrong.statusCode, 400, wrong.body);
    assert.equal(wrong.json().error.field, 'orderAbove');
    const bad = await w.api.post('/api/v1/journeys/recipes/win_back/install', { days: 0 });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.field, /days/);
    assert.equal((await w.api.post('/api/v1/journeys/recipes/no_such_recipe/install', {})).statusCode, 404);
    const analyst = await w.keyFor('analyst');
    assert.equal((await analyst.post('/api/v1/journeys/recipes/birthday/install', {})).statusCode, 403);
    const marketer = await w.keyFor('marketer');
    assert.equal((await marketer.post('/api/v1/journeys/recipes/birthday/install', {})).statusCode, 201);
  });

  test('given a workspace without channels, when a recipe is installed and activated, then the draft exists and activation names the send step that has no channel', async () => {
    const w = await t.workspace();
    const installed = await install(w, 'incident_apology');
    const res = await w.api.post(`/api/v1/journeys/${installed.journey.id}/activate`);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.field, 'steps.2.channels');
    assert.match(res.json().error.message, /apologise/);
    assert.equal((await w.api.get(`/api/v1/journeys/${installed.journey.id}`)).json().status, 'draft');
    const someone = await customer(w);
    assert.deepEqual(await attributesOf(t.db, someone), {});
  });
});

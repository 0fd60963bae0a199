import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addCustomer, addOrders } from '../../analytics/testing.ts';
import { createTestApp } from '../../testing/harness.ts';
import { mjmlStats } from './compile.ts';
import { TemplateRenderer } from './render.ts';

const t = await createTestApp();
const w = await t.workspace('Ketab Shop');

const mjmlBody = (inner: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${inner}</mj-text></mj-column></mj-section></mj-body></mjml>`;
const welcome = {
  name: 'Welcome',
  category: 'marketing',
  variants: {
    fa: {
      email: { subject: 'خوش آمدید {{ customer.first_name }}', format: 'mjml', body: mjmlBody('تولد شما: {{ customer.birthday | jalali }}<br/><a href="{{ links.unsubscribe }}">لغو اشتراک</a>') },
      sms: { text: '{{ customer.first_name | default: "مشتری" }} عزیز، خرید آخر: {{ last_order.total_minor | toman }}\nلغو۱۱' },
    },
    en: { sms: { text: 'Welcome {{ customer.first_name }}! Reply STOP to opt out' } },
  },
};
const sara = await addCustomer(w.api, { firstName: 'سارا', birthday: '1990-03-21', language: 'fa', emails: ['sara@example.com'] });
await addOrders(t.db, w.id, [{ customerId: sara, on: '2026-01-10', total: 1_250_000, currency: 'IRR' }]);

test('given a template, when created, read, listed, replaced and deleted, then each answer reflects it and the version grows', async () => {
  const created = await w.api.post('/api/v1/templates', welcome);
  assert.equal(created.statusCode, 201, created.body);
  const body = created.json();
  assert.deepEqual([body.name, body.category, body.version, body.warnings], ['Welcome', 'marketing', 1, []]);
  const list = (await w.api.get('/api/v1/templates')).json();
  const row = list.data.find((r: { id: string }) => r.id === body.id);
  assert.deepEqual([row.languages.sort(), row.channels], [['en', 'fa'], ['email', 'sms']]);
  const replaced = await w.api.put(`/api/v1/templates/${body.id}`, { ...welcome, name: 'Welcome 2', version: 1 });
  assert.equal(replaced.statusCode, 200, replaced.body);
  assert.equal(replaced.json().version, 2);
  const stale = await w.api.put(`/api/v1/templates/${body.id}`, { ...welcome, version: 1 });
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.json().error.field, 'version');
  assert.equal((await w.api.get(`/api/v1/templates/${body.id}`)).json().name, 'Welcome 2');
  assert.equal((await w.api.delete(`/api/v1/templates/${body.id}`)).statusCode, 204);
  assert.equal((await w.api.get(`/api/v1/templates/${body.id}`)).statusCode, 404);
});

test('given an Idempotency-Key, when the create is retried, then one template exists; a second name clash is 409', async () => {
  const input = { ...welcome, name: 'Idempotent' };
  const first = await w.api.post('/api/v1/templates', input, { 'idempotency-key': 'tpl-1' });
  const again = await w.api.post('/api/v1/templates', input, { 'idempotency-key': 'tpl-1' });
  assert.equal(first.statusCode, 201);
  assert.equal(again.statusCode, 201);
  assert.equal(again.json().id, first.json().id);
  const clash = await w.api.post('/api/v1/templates', input);
  assert.equal(clash.statusCode, 409);
  assert.equal(clash.json().error.field, 'name');
  const rows = await t.db.selectFrom('message_templates').select('id').where('workspace_id', '=', w.id).where('name', '=', 'Idempotent').execute();
  assert.equal(rows.length, 1);
});

test('given bad input, when saving, then a 400 names the field (with line and column for Liquid) and nothing is written', async () => {
  const cases: [unknown, string, RegExp][] = [
    [{ ...welcome, name: 'Bad', variants: { fa: { sms: { text: 'سلام\n\n  {{ customer.first_name | nope }}' } } } }, 'variants.fa.sms.text', /line 3, column 3: undefined filter: nope/],
    [{ ...welcome, name: 'Bad', variants: { fa: { email: { subject: 's', format: 'mjml', body: '<mjml><mj-body><mj-foo/></mj-body></mjml>' } } } }, 'variants.fa.email.body', /line 1: .*mj-foo/],
    [{ ...welcome, name: 'Bad', variants: {} }, 'variants', /at least one language/],
    [{ ...welcome, name: 'Bad', variants: { fa: {} } }, 'variants.fa', /at least one channel/],
    [{ ...welcome, name: 'Bad', variants: { farsi: { sms: { text: 'x' } } } }, 'variants.farsi', /Invalid key/],
    [{ ...welcome, name: 'Bad', category: 'promo' }, 'category', /./],
    [{ ...welcome, name: 'Bad', variants: { fa: { whatsapp: { parameters: [] } } } }, 'variants.fa.whatsapp.templateName', /templateName or a text/],
  ];
  for (const [input, field, message] of cases) {
    const res = await w.api.post('/api/v1/templates', input);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.field, field, res.body);
    assert.match(res.json().error.message, message);
  }
  const written = await t.db.selectFrom('message_templates').select('id').where('workspace_id', '=', w.id).where('name', '=', 'Bad').execute();
  assert.deepEqual(written, []);
});

test('given a saved template, when previewed with a real customer, then Liquid, Jalali dates and the last order in toman are rendered', async () => {
  const id = (await w.api.post('/api/v1/templates', { ...welcome, name: 'Preview me' })).json().id;
  const email = await w.api.post(`/api/v1/templates/${id}/preview`, { customerId: sara, channel: 'email' });
  assert.equal(email.statusCode, 200, email.body);
  assert.equal(email.json().language, 'fa');
  assert.equal(email.json().subject, 'خوش آمدید سارا');
  assert.match(email.json().html, /تولد شما: ۱ فروردین ۱۳۶۹/);
  const sms = (await w.api.post(`/api/v1/templates/${id}/preview`, { customerId: sara, channel: 'sms' })).json();
  assert.equal(sms.text, 'سارا عزیز، خرید آخر: ۱۲۵٬۰۰۰ تومان\nلغو۱۱');
  assert.deepEqual(sms.sms, { encoding: 'ucs2', units: sms.text.length, segments: 1 });
  const en = (await w.api.post(`/api/v1/templates/${id}/preview`, { customerId: sara, channel: 'sms', language: 'en' })).json();
  assert.equal(en.text, 'Welcome سارا! Reply STOP to opt out');
  const noChannel = await w.api.post(`/api/v1/templates/${id}/preview`, { customerId: sara, channel: 'webpush' });
  assert.equal(noChannel.statusCode, 400);
  assert.equal(noChannel.json().error.field, 'channel');
});

test("given another workspace's customer, when previewing, then 404; an unsaved draft previews and reports its syntax errors under template.", async () => {
  const other = await t.workspace();
  const stranger = await addCustomer(other.api, { firstName: 'Stranger' });
  const id = (await w.api.post('/api/v1/templates', { ...welcome, name: 'Strangers' })).json().id;
  assert.equal((await w.api.post(`/api/v1/templates/${id}/preview`, { customerId: stranger, channel: 'sms' })).statusCode, 404);
  const draft = await w.api.post('/api/v1/templates/preview', { customerId: sara, channel: 'sms', template: { name: 'd', category: 'marketing', variants: { fa: { sms: { text: 'سلام {{ customer.first_name }}' } } } } });
  assert.equal(draft.statusCode, 200, draft.body);
  assert.equal(draft.json().text, 'سلام سارا');
  assert.deepEqual(draft.json().warnings.map((x: { code: string }) => x.code), ['missing-opt-out']);
  const broken = await w.api.post('/api/v1/templates/preview', { customerId: sara, channel: 'sms', template: { name: 'd', category: 'marketing', variants: { fa: { sms: { text: 'a\n{% if %}' } } } } });
  assert.equal(broken.statusCode, 400);
  assert.equal(broken.json().error.field, 'template.variants.fa.sms.text');
  assert.match(broken.json().error.message, /line 2, column 6: invalid value expression/);
});

test('given roles, then analysts and support may read and preview but not write; marketers may write', async () => {
  const analyst = await w.keyFor('analyst');
  const marketer = await w.keyFor('marketer');
  assert.equal((await analyst.get('/api/v1/templates')).statusCode, 200);
  assert.equal((await analyst.post('/api/v1/templates', { ...welcome, name: 'By analyst' })).statusCode, 403);
  assert.equal((await analyst.put('/api/v1/messaging/voice', { tone: 'friendly' })).statusCode, 403);
  assert.equal((await marketer.post('/api/v1/templates', { ...welcome, name: 'By marketer' })).statusCode, 201);
  const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/templates' });
  assert.equal(anonymous.statusCode, 401);
});

test('given the brand voice, when set to friendly with a custom fa signature, then lint and voiced templates follow it; bad Liquid is refused', async () => {
  const ws = await t.workspace('Voice Shop');
  const c = await addCustomer(ws.api, { firstName: 'علی', language: 'fa' });
  const initial = (await ws.api.get('/api/v1/messaging/voice')).json();
  assert.equal(initial.tone, 'formal');
  assert.match(initial.effective.fa.greeting, /گرامی/);
  const formalTpl = { name: 'Voiced', category: 'marketing', useVoice: true, variants: { fa: { sms: { text: 'سلام جان، تخفیف داریم. لغو۱۱' }, messenger: { text: 'تخفیف داریم' } } } };
  const created = (await ws.api.post('/api/v1/templates', formalTpl)).json();
  assert.deepEqual(created.warnings.map((x: { code: string }) => x.code), ['informal-in-formal-voice']);
  const bad = await ws.api.put('/api/v1/messaging/voice', { tone: 'friendly', signatures: { fa: '{{ workspace.name ' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.field, 'signatures.fa');
  const saved = await ws.api.put('/api/v1/messaging/voice', { tone: 'friendly', signatures: { fa: 'تیم {{ workspace.name }}' } });
  assert.equal(saved.statusCode, 200, saved.body);
  assert.equal(saved.json().effective.fa.signature, 'تیم {{ workspace.name }}');
  assert.deepEqual((await ws.api.post(`/api/v1/templates/${created.id}/lint`)).json().warnings, []);
  const preview = (await ws.api.post(`/api/v1/templates/${created.id}/preview`, { customerId: c, channel: 'telegram' })).json();
  assert.ok(preview.text, JSON.stringify(preview));
  assert.deepEqual([preview.language, preview.text.split('\n')[0]], ['fa', 'سلام علی جان!']);
  const sms = (await ws.api.post(`/api/v1/templates/${created.id}/preview`, { customerId: c, channel: 'sms' })).json();
  assert.equal(sms.text, 'سلام علی جان!\nسلام جان، تخفیف داریم. لغو۱۱\nتیم Voice Shop');
});

test('given the renderer the delivery pipeline uses, when a template is edited, then the next render uses the new version, and errors are Results', async () => {
  const renderer = new TemplateRenderer(t.db);
  const id = (await w.api.post('/api/v1/templates', { name: 'Versioned', category: 'transactional', variants: { en: { sms: { text: 'v1 {{ vars.code }}' } } } })).json().id;
  const render = (templateId = id, customerId = sara) => renderer.render({ workspaceId: w.id, customerId, templateId, channel: 'sms', variables: { code: 42 } });
  assert.deepEqual(await render(), { ok: true, value: { language: 'en', text: 'v1 42' } });
  await w.api.put(`/api/v1/templates/${id}`, { name: 'Versioned', category: 'transactional', variants: { en: { sms: { text: 'v2 {{ vars.code }}' } } } });
  assert.deepEqual(await render(), { ok: true, value: { language: 'en', text: 'v2 42' } });
  assert.equal((await render('00000000-0000-4000-8000-000000000000')).ok, false);
  assert.equal((await render(id, '00000000-0000-4000-8000-000000000000')).ok, false);
  const other = await t.workspace();
  const foreign = await renderer.render({ workspaceId: other.id, customerId: sara, templateId: id, channel: 'sms' });
  assert.deepEqual(foreign, { ok: false, error: `template ${id} not found` });
});

test('given an MJML email and a real customer, when rendered repeatedly, then MJML is not compiled again (renders/s is reported)', async () => {
  const renderer = new TemplateRenderer(t.db);
  const id = (await w.api.post('/api/v1/templates', { ...welcome, name: 'Throughput' })).json().id;
  const compilations = mjmlStats.compilations;
  const renderOne = async (i: number) => {
    const r = await renderer.render({ workspaceId: w.id, customerId: sara, templateId: id, channel: 'email', links: { unsubscribeUrl: `https://x.test/u/${i}` } });
    assert.ok(r.ok && r.value.html?.includes(`https://x.test/u/${i}`));
  };
  const n = 1000;
  let started = performance.now();
  for (let i = 0; i < n; i++) await renderOne(i);
  const sequential = Math.round(n / ((performance.now() - started) / 1000));
  // A broadcast renders several recipients at once; the pool (10 connections) bounds the overlap.
  const inFlight = 16;
  started = performance.now();
  for (let i = 0; i < n; i += inFlight) await Promise.all(Array.from({ length: inFlight }, (_, k) => renderOne(i + k)));
  const concurrent = Math.round(n / ((performance.now() - started) / 1000));
  assert.equal(mjmlStats.compilations, compilations);
  console.log(`# MJML email renders with a real customer and last order (one query each): ${sequential}/s one at a time, ${concurrent}/s with ${inFlight} in flight`);
});

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createTestApp } from '../../testing/harness.ts';
import { startLocalSmtpServer } from './email/testing.ts';

/** Channel settings over the API: validation, sealed secrets, defaults, verify, test send, roles. */
const t = await createTestApp();
const w = await t.workspace();
const smtpAuth = { user: 'shop', password: 'smtp-Pa55-only-in-tests' };
const smtp = await startLocalSmtpServer({ auth: smtpAuth });
after(() => smtp.close());

const emailSettings = (over: Record<string, unknown> = {}) => ({ host: smtp.host, port: smtp.port, user: smtpAuth.user, password: smtpAuth.password, from: 'Shop <news@shop.example>', ...over });
const SECRET_MARKERS = [smtpAuth.password, 'webhook-secret-0123456789', 'another-Pa55'];

function noSecrets(body: string) {
  for (const s of SECRET_MARKERS) assert.ok(!body.includes(s), `a secret leaked: ${body.slice(0, 300)}`);
}

async function create(body: Record<string, unknown>, status = 201) {
  const res = await w.api.post('/api/v1/channels', body);
  assert.equal(res.statusCode, status, res.body);
  noSecrets(res.body);
  return res.json();
}

describe('channel providers', () => {
  test('given the installed drivers, when listed, then each comes with a JSON schema form and its secret fields', async () => {
    const res = await w.api.get('/api/v1/channels/providers');
    assert.equal(res.statusCode, 200, res.body);
    const byProvider = new Map(res.json().data.map((p: { provider: string }) => [p.provider, p]));
    const smtpProvider = byProvider.get('smtp') as { kind: string; secrets: string[]; settingsSchema: { properties: Record<string, unknown>; required: string[] } };
    assert.equal(smtpProvider.kind, 'email');
    assert.deepEqual(smtpProvider.secrets, ['password']);
    assert.ok(smtpProvider.settingsSchema.properties.host && smtpProvider.settingsSchema.properties.password);
    assert.deepEqual(smtpProvider.settingsSchema.required.sort(), ['from', 'host']);
    assert.deepEqual((byProvider.get('webpush') as { secrets: string[] }).secrets, ['privateKey']);
    assert.deepEqual((byProvider.get('webhook') as { secrets: string[] }).secrets, ['secret']);
  });
});

describe('configuring channels', () => {
  let first: { id: string; webhookUrl: string };

  test('given an email channel, when created, then secrets come back only as { set } and are sealed in the database', async () => {
    first = await create({ provider: 'smtp', name: 'Newsletter SMTP', settings: emailSettings() });
    assert.deepEqual(first, {
      ...first,
      kind: 'email',
      provider: 'smtp',
      isDefault: true,
      enabled: true,
      status: 'unverified',
      settings: { host: smtp.host, port: smtp.port, secure: false, user: 'shop', from: 'Shop <news@shop.example>', ratePerSecond: 10, maxConnections: 5, password: { set: true } },
    });
    assert.match(first.webhookUrl, new RegExp(`^http://127\\.0\\.0\\.1:4000/hooks/channels/${first.id}/[\\w-]{32}$`));
    const row = await t.db.selectFrom('channel_configs').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    assert.ok(row.secrets?.startsWith('v1.'));
    noSecrets(JSON.stringify(row));
    for (const url of ['/api/v1/channels', `/api/v1/channels/${first.id}`]) noSecrets((await w.api.get(url)).body);
  });

  test('given bad input, when creating, then 400 names the field and nothing is stored', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ provider: 'pigeon', name: 'x', settings: {} }, 'provider'],
      [{ provider: 'smtp', name: 'x', settings: emailSettings({ host: '' }) }, 'settings.host'],
      [{ provider: 'smtp', name: 'x', settings: emailSettings({ port: 70000 }) }, 'settings.port'],
      [{ provider: 'smtp', name: 'x', settings: emailSettings({ colour: 'red' }) }, 'settings.colour'],
      [{ provider: 'smtp', name: '', settings: emailSettings() }, 'name'],
      [{ provider: 'smtp', name: 'x', settings: emailSettings(), extra: 1 }, 'extra'],
      [{ provider: 'webhook', name: 'x', settings: { url: 'ftp://x', secret: 'webhook-secret-0123456789' } }, 'settings.url'],
      [{ provider: 'smtp', name: 'x', settings: emailSettings(), enabled: false, isDefault: true }, 'isDefault'],
    ];
    for (const [body, field] of cases) {
      const res = await w.api.post('/api/v1/channels', body);
      assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
      assert.equal(res.json().error.field, field, res.body);
      noSecrets(res.body);
    }
    const dup = await create({ provider: 'smtp', name: 'Newsletter SMTP', settings: emailSettings() }, 409);
    assert.equal(dup.error.field, 'name');
    assert.equal((await w.api.get('/api/v1/channels')).json().data.length, 1);
    assert.equal((await w.api.get('/api/v1/channels/not-a-uuid')).json().error.field, 'id');
  });

  test('given stored credentials, when verified, then ok; with a wrong password, failing with the server\'s answer; an edit without the secret keeps it', async () => {
    const ok = await w.api.post(`/api/v1/channels/${first.id}/verify`);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'ok');
    const wrong = await w.api.patch(`/api/v1/channels/${first.id}`, { settings: { password: 'another-Pa55' } });
    assert.equal(wrong.json().status, 'unverified', 'new credentials are not verified yet');
    const failing = (await w.api.post(`/api/v1/channels/${first.id}/verify`)).json();
    assert.equal(failing.status, 'failing');
    assert.match(failing.statusMessage, /535 5\.7\.8 Authentication credentials invalid/);
    assert.ok(failing.statusAt);
    await w.api.patch(`/api/v1/channels/${first.id}`, { settings: { password: smtpAuth.password } });
    // Changing another field, with the secret omitted or sent back as the { set } marker, keeps it.
    await w.api.patch(`/api/v1/channels/${first.id}`, { settings: { replyTo: 'care@shop.example' } });
    const kept = await w.api.patch(`/api/v1/channels/${first.id}`, { name: 'Main SMTP', settings: { password: { set: true }, ratePerSecond: 20 } });
    assert.equal(kept.statusCode, 200, kept.body);
    assert.deepEqual([kept.json().name, kept.json().settings.replyTo, kept.json().settings.ratePerSecond, kept.json().settings.password], ['Main SMTP', 'care@shop.example', 20, { set: true }]);
    assert.equal((await w.api.post(`/api/v1/channels/${first.id}/verify`)).json().status, 'ok');
    const bad = await w.api.patch(`/api/v1/channels/${first.id}`, { settings: { port: 'x' } });
    assert.equal(bad.json().error.field, 'settings.port');
  });

  test('given a test send, when the address is given, then the mail arrives and the mapped outcome is reported; a refused mailbox reports suppressed', async () => {
    const res = await w.api.post(`/api/v1/channels/${first.id}/test`, { address: 'owner@shop.example', subject: 'آزمایش', text: 'سلام از وفا' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().outcome.status, 'sent');
    const [mail] = await smtp.waitFor(1);
    assert.equal(mail?.subject, 'آزمایش');
    assert.equal(mail?.text?.trim(), 'سلام از وفا');
    smtp.refuseRecipient.set('nobody@shop.example', { code: 550, message: '5.1.1 No such user here' });
    const refused = (await w.api.post(`/api/v1/channels/${first.id}/test`, { address: 'nobody@shop.example' })).json().outcome;
    assert.deepEqual(refused, { status: 'suppressed', reason: 'invalid-address', error: '550 5.1.1 No such user here' });
    const missing = await w.api.post(`/api/v1/channels/${first.id}/test`, {});
    assert.equal(missing.json().error.field, 'address');
  });

  test('given several email channels, then exactly one enabled channel is the default through create, set-default, disable and delete', async () => {
    const second = await create({ provider: 'smtp', name: 'Transactional SMTP', settings: emailSettings() });
    assert.equal(second.isDefault, false);
    const defaults = async () => (await w.api.get('/api/v1/channels?kind=email')).json().data.filter((c: { isDefault: boolean }) => c.isDefault).map((c: { id: string }) => c.id);
    await w.api.patch(`/api/v1/channels/${second.id}`, { isDefault: true });
    assert.deepEqual(await defaults(), [second.id]);
    const off = await w.api.patch(`/api/v1/channels/${second.id}`, { enabled: false });
    assert.deepEqual([off.json().enabled, off.json().isDefault], [false, false]);
    assert.deepEqual(await defaults(), [first.id]);
    const only = await w.api.patch(`/api/v1/channels/${first.id}`, { isDefault: false });
    assert.equal(only.statusCode, 400, only.body);
    assert.equal(only.json().error.field, 'isDefault');
    await w.api.patch(`/api/v1/channels/${second.id}`, { enabled: true });
    assert.deepEqual(await defaults(), [first.id]);
    await w.api.patch(`/api/v1/channels/${first.id}`, { isDefault: false });
    assert.deepEqual(await defaults(), [second.id]);
    assert.equal((await w.api.delete(`/api/v1/channels/${second.id}`)).statusCode, 204);
    assert.deepEqual(await defaults(), [first.id]);
    assert.equal((await w.api.get(`/api/v1/channels/${second.id}`)).statusCode, 404);
  });

  test('given VAPID key generation, then a fresh pair is returned and accepted by the web push settings', async () => {
    const keys = (await w.api.post('/api/v1/channels/webpush/vapid-keys')).json();
    const push = await create({ provider: 'webpush', name: 'Site push', settings: { subject: 'mailto:ops@shop.example', ...keys } });
    assert.deepEqual(push.settings.privateKey, { set: true });
    assert.ok(!JSON.stringify(push).includes(keys.privateKey));
    assert.equal((await w.api.post(`/api/v1/channels/${push.id}/verify`)).json().status, 'ok');
  });
});

describe('sealed secrets and concurrency', () => {
  test('given a sealed secret copied from another channel row, when verified, then the channel is failing with the reason and nothing is sent', async () => {
    const donor = await create({ provider: 'webhook', name: 'Donor hook', settings: { url: 'https://a.example/hook', secret: 'webhook-secret-0123456789' } });
    const victim = await create({ provider: 'webhook', name: 'Victim hook', settings: { url: 'https://b.example/hook', secret: 'webhook-secret-0123456789' } });
    const sealed = await t.db.selectFrom('channel_configs').select('secrets').where('id', '=', donor.id).executeTakeFirstOrThrow();
    await t.db.updateTable('channel_configs').set({ secrets: sealed.secrets, version: 99 }).where('id', '=', victim.id).execute();
    const res = (await w.api.post(`/api/v1/channels/${victim.id}/verify`)).json();
    assert.equal(res.status, 'failing');
    assert.match(res.statusMessage, /do not open/);
    assert.deepEqual(res.settings.secret, { set: false }, 'a secret that does not open is shown as missing, to be entered again');
  });

  test('given two first channels of a kind created at once, then exactly one becomes the default', async () => {
    const fresh = await t.workspace();
    const body = (name: string) => ({ provider: 'webhook', name, settings: { url: 'https://c.example/hook', secret: 'webhook-secret-0123456789' } });
    const answers = await Promise.all([fresh.api.post('/api/v1/channels', body('one')), fresh.api.post('/api/v1/channels', body('two')), fresh.api.post('/api/v1/channels', body('three'))]);
    assert.deepEqual(answers.map((a) => a.statusCode), [201, 201, 201]);
    assert.equal(answers.filter((a) => a.json().isDefault).length, 1);
  });
});

describe('who may see and change channels', () => {
  test('given a marketer and a support agent, then neither may change channels, both may read them, and neither sees the webhook URL', async () => {
    const marketer = await w.keyFor('marketer');
    const support = await w.keyFor('support');
    const [channel] = (await w.api.get('/api/v1/channels')).json().data;
    for (const who of [marketer, support]) {
      assert.equal((await who.post('/api/v1/channels', { provider: 'smtp', name: 'x', settings: emailSettings() })).statusCode, 403);
      assert.equal((await who.patch(`/api/v1/channels/${channel.id}`, { name: 'y' })).statusCode, 403);
      assert.equal((await who.post(`/api/v1/channels/${channel.id}/verify`)).statusCode, 403);
      assert.equal((await who.post(`/api/v1/channels/${channel.id}/test`, { address: 'a@b.c' })).statusCode, 403);
      assert.equal((await who.delete(`/api/v1/channels/${channel.id}`)).statusCode, 403);
      const list = await who.get('/api/v1/channels');
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().data[0].webhookUrl, undefined);
      noSecrets(list.body);
    }
    const analyst = await w.keyFor('analyst');
    assert.equal((await analyst.get('/api/v1/channels/providers')).statusCode, 200);
  });
});

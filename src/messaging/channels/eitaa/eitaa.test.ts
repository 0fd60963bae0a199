import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { measureSendRate, message, silentContext } from '../bot-api/contract.ts';
import type { Channel } from '../channel.ts';
import { type FakeEitaayar, startFakeEitaayar } from './fake-eitaayar.ts';
import { eitaaDriver } from './index.ts';

describe('eitaa (eitaayar) driver', () => {
  const token = 'eitaayar-token-123';
  let api: FakeEitaayar;
  let channel: Channel;
  before(async () => {
    api = await startFakeEitaayar(token);
    api.channels.add('vafa_news');
    api.channels.add('vafa_vip');
    channel = eitaaDriver.create(eitaaDriver.settings.parse({ token, channelId: 'vafa_news', baseUrl: `${api.url}/api`, timeoutMs: 300 }), silentContext());
  });
  after(async () => {
    await channel.close();
    await api.close();
  });

  test('given settings without a channel, when parsed, then channelId is named', () => {
    const parsed = eitaaDriver.settings.safeParse({ token });
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /channelId/);
    assert.deepEqual(eitaaDriver.secrets, ['token']);
  });

  test('given an empty address, when a Persian post with a url is sent, then it goes to the configured channel as a form with the link appended', async () => {
    const before = api.requests.length;
    const outcome = await channel.send(message('', { url: 'https://shop.example/x' }));
    assert.deepEqual(outcome, { status: 'sent', providerMessageId: '1' });
    const request = api.requests[before]!;
    assert.equal(request.path, `/api/${token}/sendMessage`);
    assert.equal(request.form.get('chat_id'), 'vafa_news');
    assert.equal(request.form.get('text'), 'سلام مریم، تخفیف ۲۰٪ امروز\nhttps://shop.example/x');
  });

  test('given another channel as the address, when sent, then the post goes there', async () => {
    const before = api.requests.length;
    assert.equal((await channel.send(message('vafa_vip'))).status, 'sent');
    assert.equal(api.requests[before]!.form.get('chat_id'), 'vafa_vip');
  });

  test('given a channel the token cannot post to, when sent, then it fails permanently (a configuration error, not a customer suppression)', async () => {
    const outcome = await channel.send(message('someone_else'));
    assert.equal(outcome.status, 'failed-permanent');
    assert.match(outcome.status === 'failed-permanent' ? outcome.error : '', /chat not found.*admin/);
  });

  test('given a flood answer, an outage page and a dropped connection, when sent, then each is retryable', async () => {
    api.script.push({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } } });
    assert.deepEqual(await channel.send(message('')), { status: 'failed-retryable', error: 'Too Many Requests: retry after 3', retryAfterMs: 3000 });
    api.script.push({ status: 502, raw: '<html>502</html>' });
    assert.equal((await channel.send(message(''))).status, 'failed-retryable');
    api.script.push({ status: 200, hangUp: true });
    const dropped = await channel.send(message(''));
    assert.equal(dropped.status, 'failed-retryable');
    assert.ok(dropped.status === 'failed-retryable' && !dropped.error.includes(token));
  });

  test('given a wrong token, when sent and verified, then both fail permanently with the provider message', async () => {
    const wrong = eitaaDriver.create(eitaaDriver.settings.parse({ token: 'wrong-token', channelId: 'vafa_news', baseUrl: `${api.url}/api` }), silentContext());
    assert.deepEqual(await wrong.send(message('')), { status: 'failed-permanent', error: 'Unauthorized: invalid token' });
    assert.deepEqual(await wrong.verify(), { ok: false, error: 'Unauthorized: invalid token' });
  });

  test('given a valid token, when verified, then getMe answers and the target channel is named', async () => {
    assert.deepEqual(await channel.verify(), { ok: true, value: { detail: '@vafa_shop; posts go to vafa_news' } });
  });

  test('given the driver, then it has no inbound webhook (Eitaayar posts only)', () => {
    assert.equal(channel.handleWebhook, undefined);
  });

  test('given the local server, when 2,000 posts are sent 32 at a time, then the rate is reported', async (t) => {
    const fast = eitaaDriver.create(eitaaDriver.settings.parse({ token, channelId: 'vafa_news', baseUrl: `${api.url}/api` }), silentContext());
    const rate = await measureSendRate(fast, '', 2000, 32);
    await fast.close();
    t.diagnostic(`eitaayar: ${rate} sends/s against the local Eitaayar server`);
    assert.ok(rate > 0);
  });
});

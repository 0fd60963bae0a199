import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { measureSendRate, message, silentContext } from '../bot-api/contract.ts';
import { deriveWebhookSecret } from '../bot-api/secret.ts';
import type { Channel, WebhookRequest } from '../channel.ts';
import { type FakeRubika, rubikaError, startFakeRubika } from './fake-rubika.ts';
import { rubikaDriver } from './index.ts';

describe('rubika driver', () => {
  const token = 'RUBIKA-TOKEN-abc123';
  const secret = deriveWebhookSecret(token, 'rubika');
  let api: FakeRubika;
  let channel: Channel;
  const settings = (extra: Record<string, unknown> = {}) => rubikaDriver.settings.parse({ token, baseUrl: `${api.url}/v3`, ...extra });
  before(async () => {
    api = await startFakeRubika(token);
    api.open.add('b0CHAT1');
    channel = rubikaDriver.create(settings({ timeoutMs: 300 }), silentContext());
  });
  after(async () => {
    await channel.close();
    await api.close();
  });

  test('given an open chat, when a Persian text with a url is sent, then it is sent with an inline Link button and the message id comes back', async () => {
    const before = api.requests.length;
    const outcome = await channel.send(message('b0CHAT1', { url: 'https://shop.example/x' }));
    assert.deepEqual(outcome, { status: 'sent', providerMessageId: '1000' });
    assert.equal(api.requests[before]!.path, `/v3/${token}/sendMessage`);
    assert.deepEqual(api.requests[before]!.json, {
      chat_id: 'b0CHAT1',
      text: 'سلام مریم، تخفیف ۲۰٪ امروز',
      inline_keypad: { rows: [{ buttons: [{ id: 'vafa-link', type: 'Link', button_text: 'مشاهده', button_link: { type: 'url', link_url: 'https://shop.example/x' } }] }] },
    });
  });

  test('given an unknown chat, when sent, then it is suppressed: invalid-address', async () => {
    assert.deepEqual(await channel.send(message('b0NOPE')), { status: 'suppressed', reason: 'invalid-address', error: 'INVALID_INPUT: chat not found' });
  });

  test('given a user who blocked the bot, when sent, then it is suppressed: blocked', async () => {
    api.script.push(rubikaError('INVALID_ACCESS', 'user blocked the bot'));
    const outcome = await channel.send(message('b0CHAT1'));
    assert.equal(outcome.status === 'suppressed' && outcome.reason, 'blocked');
  });

  test('given TOO_REQUESTS, a 503 and a timeout, when sent, then each is retryable', async () => {
    api.script.push(rubikaError('TOO_REQUESTS', 'slow down'));
    assert.deepEqual(await channel.send(message('b0CHAT1')), { status: 'failed-retryable', error: 'TOO_REQUESTS: slow down', retryAfterMs: 1000 });
    api.script.push({ status: 503, raw: 'unavailable' });
    assert.equal((await channel.send(message('b0CHAT1'))).status, 'failed-retryable');
    api.script.push({ status: 200, body: { status: 'OK', data: {} }, delayMs: 1000 });
    assert.deepEqual(await channel.send(message('b0CHAT1')), { status: 'failed-retryable', error: 'provider unreachable: no answer within 300 ms' });
  });

  test('given a wrong token, when sent and verified, then both fail permanently with the provider message', async () => {
    const wrong = rubikaDriver.create(settings({ token: 'WRONG-token' }), silentContext());
    assert.deepEqual(await wrong.send(message('b0CHAT1')), { status: 'failed-permanent', error: 'INVALID_ACCESS: token is invalid' });
    assert.deepEqual(await wrong.verify(), { ok: false, error: 'INVALID_ACCESS: token is invalid' });
  });

  test('given a valid token and an https webhook URL, when verified, then ReceiveUpdate is pointed at the URL with the derived secret', async () => {
    assert.deepEqual(await channel.verify(), { ok: true, value: { detail: '@vafa_bot; webhook registered' } });
    assert.deepEqual(api.endpoints.at(-1), { url: `https://crm.example.com/hooks/channels/c1?vafa_secret=${secret}`, type: 'ReceiveUpdate' });
  });

  const hook = (body: unknown, query: Record<string, string> = { vafa_secret: secret }): WebhookRequest => ({
    method: 'POST',
    url: 'https://crm.example.com/hooks/channels/c1',
    headers: {},
    query,
    rawBody: typeof body === 'string' ? body : JSON.stringify(body),
  });

  test('given a new message with the right secret, when it arrives, then it becomes an inbound message', () => {
    const result = channel.handleWebhook!(hook({ update: { type: 'NewMessage', chat_id: 'b0CHAT1', new_message: { message_id: '55', text: 'لغو', time: '1760000000', sender_id: 'u0X', sender_type: 'User' } } }));
    assert.deepEqual(result, { ok: true, value: { receipts: [], inbound: [{ from: 'b0CHAT1', text: 'لغو', at: new Date(1_760_000_000_000), providerMessageId: '55', profile: { name: undefined, phone: undefined } }] } });
  });

  test('given a start with a payload and a shared contact, when they arrive, then the payload reads as /start and the phone as E.164', () => {
    const started = channel.handleWebhook!(hook({ update: { type: 'NewMessage', chat_id: 'b0CHAT1', new_message: { message_id: '56', text: '', time: '1760000000', aux_data: { start_id: 'c_8f2a' } } } }));
    assert.ok(started.ok);
    assert.equal(started.value.inbound[0]!.text, '/start c_8f2a');
    const contact = channel.handleWebhook!(hook({ update: { type: 'NewMessage', chat_id: 'b0CHAT1', new_message: { message_id: '57', time: '1760000000', contact_message: { phone_number: '989121234567', first_name: 'مریم', last_name: 'رضایی' } } } }));
    assert.ok(contact.ok);
    assert.deepEqual(contact.value.inbound[0]!.profile, { name: 'مریم رضایی', phone: '+989121234567' });
  });

  test('given a StoppedBot update, when it arrives, then it is acknowledged with nothing to record', () => {
    assert.deepEqual(channel.handleWebhook!(hook({ update: { type: 'StoppedBot', chat_id: 'b0CHAT1' } })), { ok: true, value: { receipts: [], inbound: [] } });
  });

  test('given a missing or wrong secret, when an update arrives, then it is 401', () => {
    for (const query of [{}, { vafa_secret: 'guess' }] as Record<string, string>[]) {
      const result = channel.handleWebhook!(hook({ update: { type: 'NewMessage', chat_id: 'b0CHAT1', new_message: {} } }, query));
      assert.equal(!result.ok && result.error.status, 401);
    }
  });

  test('given a malformed body with the right secret, when it arrives, then it is 400', () => {
    for (const body of ['nope', '{}', '{"update":{"type":"NewMessage"}}', '{"update":{"type":"NewMessage","chat_id":"b0"}}']) {
      const result = channel.handleWebhook!(hook(body));
      assert.equal(!result.ok && result.error.status, 400, body);
    }
  });

  test('given the local server, when 2,000 messages are sent 32 at a time, then the rate is reported', async (t) => {
    const fast = rubikaDriver.create(settings(), silentContext());
    const rate = await measureSendRate(fast, 'b0CHAT1', 2000, 32);
    await fast.close();
    t.diagnostic(`rubika: ${rate} sends/s against the local Rubika server`);
    assert.ok(rate > 0);
  });
});

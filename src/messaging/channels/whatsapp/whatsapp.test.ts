import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { measureSendRate, message, silentContext } from '../bot-api/contract.ts';
import type { Channel, WebhookRequest } from '../channel.ts';
import { type FakeGraphApi, graphError, startFakeGraphApi } from './fake-graph-api.ts';
import { whatsappDriver } from './index.ts';

const secrets = { accessToken: 'EAAG-test-access-token', appSecret: 'app-secret-123', verifyToken: 'verify-me-please' };
const phoneNumberId = '1098765432';

describe('whatsapp cloud driver', () => {
  let api: FakeGraphApi;
  let channel: Channel;
  const settings = (extra: Record<string, unknown> = {}) => whatsappDriver.settings.parse({ phoneNumberId, ...secrets, baseUrl: api.url, ...extra });
  before(async () => {
    api = await startFakeGraphApi({ accessToken: secrets.accessToken, phoneNumberId, version: 'v23.0' });
    api.windowClosed.add('989120000002');
    api.stoppedMarketing.add('989120000003');
    api.undeliverable.add('989120000004');
    api.templates.add('winback_offer');
    channel = whatsappDriver.create(settings({ timeoutMs: 300 }), silentContext());
  });
  after(async () => {
    await channel.close();
    await api.close();
  });

  test('given the settings, when parsed, then the three credentials are secrets and a bad phone number id is rejected naming the field', () => {
    assert.deepEqual([...whatsappDriver.secrets].sort(), ['accessToken', 'appSecret', 'verifyToken']);
    const parsed = whatsappDriver.settings.safeParse({ ...secrets, phoneNumberId: 'abc' });
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /phoneNumberId/);
    assert.equal(settings().apiVersion, 'v23.0');
  });

  test('given a customer inside the window, when a Persian text is sent, then it goes as type text to the number without + and the wamid comes back', async () => {
    const before = api.requests.length;
    const outcome = await channel.send(message('+989120000001'));
    assert.equal(outcome.status, 'sent');
    assert.match(outcome.status === 'sent' ? (outcome.providerMessageId ?? '') : '', /^wamid\.TEST\d+$/);
    const request = api.requests[before]!;
    assert.equal(request.path, `/v23.0/${phoneNumberId}/messages`);
    assert.equal(request.headers.authorization, `Bearer ${secrets.accessToken}`);
    assert.deepEqual(request.json, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '989120000001',
      type: 'text',
      text: { preview_url: false, body: 'سلام مریم، تخفیف ۲۰٪ امروز' },
    });
  });

  test('given a message with a url, when sent, then it is an interactive cta_url button labelled in the message language', async () => {
    const before = api.requests.length;
    assert.equal((await channel.send(message('+989120000001', { url: 'https://shop.example/x' }))).status, 'sent');
    assert.deepEqual((api.requests[before]!.json as Record<string, unknown>).interactive, {
      type: 'cta_url',
      body: { text: 'سلام مریم، تخفیف ۲۰٪ امروز' },
      action: { name: 'cta_url', parameters: { display_text: 'مشاهده', url: 'https://shop.example/x' } },
    });
  });

  test('given a template, when sent, then it goes as an approved template with language and body parameters', async () => {
    const before = api.requests.length;
    const outcome = await channel.send(message('+989120000002', { template: { name: 'winback_offer', language: 'fa', parameters: ['مریم', '۲۰٪'] } }));
    assert.equal(outcome.status, 'sent');
    const body = api.requests[before]!.json as Record<string, unknown>;
    assert.equal(body.type, 'template');
    assert.deepEqual(body.template, {
      name: 'winback_offer',
      language: { code: 'fa' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'مریم' }, { type: 'text', text: '۲۰٪' }] }],
    });
  });

  test('given a customer outside the 24-hour window, when free text is sent, then it fails permanently saying a template is needed', async () => {
    const outcome = await channel.send(message('+989120000002'));
    assert.equal(outcome.status, 'failed-permanent');
    assert.match(outcome.status === 'failed-permanent' ? outcome.error : '', /approved template is needed/);
  });

  test('given a customer who stopped marketing messages, when sent, then the outcome is suppressed: unsubscribed', async () => {
    const outcome = await channel.send(message('+989120000003'));
    assert.equal(outcome.status === 'suppressed' && outcome.reason, 'unsubscribed');
  });

  test('given an undeliverable number, when sent, then it fails permanently with the details', async () => {
    assert.deepEqual(await channel.send(message('+989120000004')), { status: 'failed-permanent', error: 'Message undeliverable: Receiver is incapable of receiving this message' });
  });

  test('given an unknown template, when sent, then it fails permanently with the provider message', async () => {
    const outcome = await channel.send(message('+989120000001', { template: { name: 'nope', language: 'fa', parameters: [] } }));
    assert.equal(outcome.status, 'failed-permanent');
    assert.match(outcome.status === 'failed-permanent' ? outcome.error : '', /does not exist/);
  });

  test('given an address that is not a phone number, when sent, then it is suppressed as invalid without calling the API', async () => {
    const before = api.requests.length;
    assert.equal((await channel.send(message('maryam@example.com'))).status, 'suppressed');
    assert.equal(api.requests.length, before);
  });

  test('given throughput and pair rate limits, a 5xx and a timeout, when sent, then each is retryable', async () => {
    for (const code of [130429, 131056, 131048, 131000]) {
      api.script.push(graphError(400, code, `limit ${code}`));
      assert.deepEqual(await channel.send(message('+989120000001')), { status: 'failed-retryable', error: `limit ${code}` });
    }
    api.script.push({ status: 503, raw: 'Service Unavailable' });
    assert.equal((await channel.send(message('+989120000001'))).status, 'failed-retryable');
    api.script.push({ status: 200, body: {}, delayMs: 1000 });
    assert.deepEqual(await channel.send(message('+989120000001')), { status: 'failed-retryable', error: 'provider unreachable: no answer within 300 ms' });
  });

  test('given an expired token, when sent and verified, then both fail permanently with the provider message', async () => {
    const expired = whatsappDriver.create(settings({ accessToken: 'EAAG-expired-token' }), silentContext());
    const outcome = await expired.send(message('+989120000001'));
    assert.equal(outcome.status, 'failed-permanent');
    const verified = await expired.verify();
    assert.equal(verified.ok, false);
    assert.match(!verified.ok ? verified.error : '', /Error validating access token/);
  });

  test('given valid credentials, when verified, then the verified name and number come back; a wrong phone id fails with the provider message', async () => {
    assert.deepEqual(await channel.verify(), { ok: true, value: { detail: 'Vafa Shop +98 21 1234 5678' } });
    const wrong = await whatsappDriver.create(settings({ phoneNumberId: '555' }), silentContext()).verify();
    assert.equal(wrong.ok, false);
    assert.match(!wrong.ok ? wrong.error : '', /does not exist/);
  });

  const get = (query: Record<string, string>): WebhookRequest => ({ method: 'GET', url: 'https://crm.example.com/hooks/channels/c1', headers: {}, query, rawBody: '' });
  test('given Meta verification with the right token, when it arrives, then the challenge is echoed; a wrong token is 401, a missing challenge 400', () => {
    const good = channel.handleWebhook!(get({ 'hub.mode': 'subscribe', 'hub.verify_token': secrets.verifyToken, 'hub.challenge': '1158201444' }));
    assert.deepEqual(good, { ok: true, value: { receipts: [], inbound: [], reply: { status: 200, contentType: 'text/plain', body: '1158201444' } } });
    const wrong = channel.handleWebhook!(get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' }));
    assert.equal(!wrong.ok && wrong.error.status, 401);
    const missing = channel.handleWebhook!(get({ 'hub.mode': 'subscribe', 'hub.verify_token': secrets.verifyToken }));
    assert.equal(!missing.ok && missing.error.status, 400);
  });

  const notification = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '982112345678', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: 'مریم' }, wa_id: '989120000001' }],
              messages: [{ from: '989120000001', id: 'wamid.IN1', timestamp: '1760000000', type: 'text', text: { body: 'لغو' } }],
              statuses: [
                { id: 'wamid.A', status: 'sent', timestamp: '1760000001', recipient_id: '989120000001' },
                { id: 'wamid.A', status: 'delivered', timestamp: '1760000002', recipient_id: '989120000001' },
                { id: 'wamid.A', status: 'read', timestamp: '1760000003', recipient_id: '989120000001' },
                { id: 'wamid.B', status: 'failed', timestamp: '1760000004', recipient_id: '989120000003', errors: [{ code: 131050, title: 'User has stopped marketing messages' }] },
                { id: 'wamid.C', status: 'failed', timestamp: '1760000005', recipient_id: '989120000002', errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'More than 24 hours have passed' } }] },
                { id: 'wamid.D', status: 'failed', timestamp: '1760000006', recipient_id: '989120000001', errors: [{ code: 130429, title: 'Rate limit hit' }] },
              ],
            },
          },
        ],
      },
    ],
  };
  const signed = (rawBody: string, signature?: string): WebhookRequest => ({
    method: 'POST',
    url: 'https://crm.example.com/hooks/channels/c1',
    headers: signature === undefined ? {} : { 'x-hub-signature-256': signature },
    query: {},
    rawBody,
  });
  const sign = (raw: string) => `sha256=${createHmac('sha256', secrets.appSecret).update(raw).digest('hex')}`;

  test('given a signed notification, when it arrives, then statuses become receipts with codes mapped and messages become inbound from +wa_id', () => {
    const raw = JSON.stringify(notification);
    const result = channel.handleWebhook!(signed(raw, sign(raw)));
    assert.ok(result.ok);
    assert.deepEqual(result.value.receipts, [
      { providerMessageId: 'wamid.A', status: 'delivered', at: new Date(1_760_000_002_000) },
      { providerMessageId: 'wamid.A', status: 'read', at: new Date(1_760_000_003_000) },
      { providerMessageId: 'wamid.B', status: 'suppressed', reason: 'unsubscribed', error: 'User has stopped marketing messages', at: new Date(1_760_000_004_000) },
      { providerMessageId: 'wamid.C', status: 'failed-permanent', error: 'outside the 24-hour customer-service window: an approved template is needed (More than 24 hours have passed)', at: new Date(1_760_000_005_000) },
      { providerMessageId: 'wamid.D', status: 'failed-retryable', error: 'Rate limit hit', at: new Date(1_760_000_006_000) },
    ]);
    assert.deepEqual(result.value.inbound, [
      { from: '+989120000001', text: 'لغو', at: new Date(1_760_000_000_000), providerMessageId: 'wamid.IN1', profile: { name: 'مریم', phone: '+989120000001' } },
    ]);
  });

  test('given a missing, wrong or body-mismatched signature, when a notification arrives, then it is 401', () => {
    const raw = JSON.stringify(notification);
    for (const signature of [undefined, 'sha256=00', sign(raw.replace('لغو', 'سلام'))]) {
      const result = channel.handleWebhook!(signed(raw, signature));
      assert.equal(!result.ok && result.error.status, 401, String(signature));
    }
  });

  test('given a correctly signed but malformed body, when it arrives, then it is 400', () => {
    for (const raw of ['not json', '{"object":"page","entry":[]}', '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"statuses":[{"status":"read"}]}}]}]}']) {
      const result = channel.handleWebhook!(signed(raw, sign(raw)));
      assert.equal(!result.ok && result.error.status, 400, raw);
    }
  });

  test('given the local server, when 2,000 messages are sent 32 at a time, then the rate is reported', async (t) => {
    const fast = whatsappDriver.create(settings(), silentContext());
    const rate = await measureSendRate(fast, '+989120000001', 2000, 32);
    await fast.close();
    t.diagnostic(`whatsapp-cloud: ${rate} sends/s against the local Graph API server`);
    assert.ok(rate > 0);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Channel, WebhookRequest } from '../channel.ts';
import { smsMessage, testChannelContext } from '../testing/context.ts';
import { twilioDriver, twilioSettings } from './index.ts';
import { startTwilioServer, twilioError, type TwilioLocalServer } from './local-server.ts';
import { twilioSignature } from './signature.ts';

const webhookUrl = 'https://crm.example.com/hooks/channels/6f1c2a9e-3b0d-4e7a-9c55-2d8e1f4a7b60';
const owned = '+15005550006';
let server: TwilioLocalServer;
let channel: Channel;

function open(overrides: Record<string, unknown> = {}): Channel {
  const settings = twilioSettings.parse({
    accountSid: server.accountSid,
    authToken: server.authToken,
    from: owned,
    baseUrl: server.url,
    timeoutMs: 300,
    ...overrides,
  });
  return twilioDriver.create(settings, testChannelContext(webhookUrl));
}

before(async () => {
  server = await startTwilioServer({ numbers: [owned] });
  channel = open();
});
after(async () => {
  await channel.close();
  await server.close();
});

describe('Twilio signature', () => {
  test('given Twilio’s published example, when signed, then the signature matches the documented value', () => {
    // TwilioDevEd/api-snippets security/signature_validation: token 12345 → RSOYDt4T1cUTdK1PDd93/VVr8B8=
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    assert.equal(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', Object.entries(params)), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });
});

describe('Twilio send', () => {
  test('given valid credentials, when a Persian SMS is sent, then it is sent with the SM sid, Basic auth and our StatusCallback', async () => {
    const text = 'سلام مریم، امتیاز شما ۱۲۰ شد 🎉';
    const outcome = await channel.send(smsMessage('+989121234567', text));
    const created = server.sent.at(-1)!;
    assert.deepEqual(outcome, { status: 'sent', providerMessageId: created.sid });
    assert.match(created.sid, /^SM[0-9a-f]{32}$/);
    const form = new URLSearchParams(server.received.at(-1)!.body);
    assert.equal(form.get('Body'), text);
    assert.equal(form.get('To'), '+989121234567');
    assert.equal(form.get('From'), owned);
    assert.equal(form.get('StatusCallback'), webhookUrl);
    assert.equal(server.received.at(-1)!.path, `/2010-04-01/Accounts/${server.accountSid}/Messages.json`);
  });

  test('given a Messaging Service, when sending, then MessagingServiceSid replaces From', async () => {
    const service = open({ from: undefined, messagingServiceSid: `MG${'a'.repeat(32)}` });
    const outcome = await service.send(smsMessage('+14155550100', 'hi'));
    assert.equal(outcome.status, 'sent');
    const form = new URLSearchParams(server.received.at(-1)!.body);
    assert.equal(form.get('MessagingServiceSid'), `MG${'a'.repeat(32)}`);
    assert.equal(form.has('From'), false);
    await service.close();
  });

  test('given a wrong auth token, when sending, then failed-permanent with Twilio’s message', async () => {
    const wrong = open({ authToken: 'wrong-token-0123456789abcdef' });
    assert.deepEqual(await wrong.send(smsMessage('+14155550100', 'x')), { status: 'failed-permanent', error: 'Twilio 20003: Authenticate' });
    await wrong.close();
  });

  test('given a recipient who replied STOP, when sending, then 21610 suppresses as unsubscribed', async () => {
    server.unsubscribed.add('+14155550199');
    assert.deepEqual(await channel.send(smsMessage('+14155550199', 'x')), {
      status: 'suppressed',
      reason: 'unsubscribed',
      error: 'Twilio 21610: Attempt to send to unsubscribed recipient',
    });
  });

  test('given Twilio rejects the number (21211, 21614), when sending, then the address is suppressed as invalid', async () => {
    server.answerNext(twilioError(400, 21211, "Invalid 'To' Phone Number: +1415"));
    const invalid = await channel.send(smsMessage('+14155550100', 'x'));
    assert.equal(invalid.status === 'suppressed' && invalid.reason, 'invalid-address');
    server.answerNext(twilioError(400, 21614, "'To' number is not a valid mobile number"));
    const landline = await channel.send(smsMessage('+14155550100', 'x'));
    assert.equal(landline.status === 'suppressed' && landline.reason, 'invalid-address');
  });

  test('given a From the account does not own, when sending, then failed-permanent (21606)', async () => {
    const other = open({ from: '+15005550009' });
    const outcome = await other.send(smsMessage('+14155550100', 'x'));
    assert.equal(outcome.status, 'failed-permanent');
    assert.match(outcome.status === 'failed-permanent' ? outcome.error : '', /^Twilio 21606: /);
    await other.close();
  });

  test('given 429 (20429) with Retry-After, when sending, then retryable after the delay', async () => {
    server.answerNext({ ...twilioError(429, 20429, 'Too Many Requests'), headers: { 'retry-after': '5' } });
    assert.deepEqual(await channel.send(smsMessage('+14155550100', 'x')), { status: 'failed-retryable', error: 'Twilio 20429: Too Many Requests', retryAfterMs: 5000 });
  });

  test('given a full sender queue (21611), a 500 or no answer, when sending, then retryable', async () => {
    server.answerNext(twilioError(400, 21611, "This 'From' number has exceeded the maximum number of queued messages"));
    assert.equal((await channel.send(smsMessage('+14155550100', 'x'))).status, 'failed-retryable');
    server.answerNext({ status: 500, body: 'Internal Server Error' });
    assert.equal((await channel.send(smsMessage('+14155550100', 'x'))).status, 'failed-retryable');
    server.answerNext({ status: 201, hang: true });
    assert.equal((await channel.send(smsMessage('+14155550100', 'x'))).status, 'failed-retryable');
  });
});

describe('Twilio verify and polling', () => {
  test('given valid credentials, when verified, then ok; a wrong token or a suspended account gives the reason', async () => {
    assert.deepEqual(await channel.verify(), { ok: true, value: { detail: 'Vafa test account' } });
    const wrong = open({ authToken: 'wrong-token-0123456789abcdef' });
    assert.deepEqual(await wrong.verify(), { ok: false, error: 'Twilio 20003: Authenticate' });
    await wrong.close();
    server.accountStatus = 'suspended';
    const suspended = await channel.verify();
    server.accountStatus = 'active';
    assert.deepEqual(suspended, { ok: false, error: 'Twilio account is suspended' });
  });

  test('given sent messages later delivered and undelivered, when polled, then receipts carry the error mapping', async () => {
    const a = await channel.send(smsMessage('+14155550101', 'a'));
    const b = await channel.send(smsMessage('+14155550102', 'b'));
    const c = await channel.send(smsMessage('+14155550103', 'c'));
    const [sa, sb, sc] = [a, b, c].map((o) => (o.status === 'sent' ? o.providerMessageId! : ''));
    server.setStatus(sa!, 'delivered');
    server.setStatus(sb!, 'undelivered', 30006);
    const result = await channel.pollReceipts!([sa!, sb!, sc!]);
    assert.deepEqual(
      (result.ok ? result.value : []).map((r) => [r.providerMessageId, r.status, r.reason]),
      [
        [sa, 'delivered', undefined],
        [sb, 'suppressed', 'invalid-address'],
      ],
    );
  });
});

describe('Twilio webhooks', () => {
  async function sentSid(): Promise<string> {
    const outcome = await channel.send(smsMessage('+14155550110', 'status me'));
    assert.equal(outcome.status, 'sent');
    return outcome.status === 'sent' ? outcome.providerMessageId! : '';
  }

  const cases: Array<[string, number | undefined, string, string | undefined]> = [
    ['delivered', undefined, 'delivered', undefined],
    ['read', undefined, 'read', undefined],
    ['undelivered', 30003, 'failed-retryable', undefined],
    ['undelivered', 30004, 'suppressed', 'blocked'],
    ['undelivered', 30005, 'suppressed', 'invalid-address'],
    ['failed', 21610, 'suppressed', 'unsubscribed'],
    ['failed', 30007, 'failed-permanent', undefined],
  ];
  for (const [status, code, expected, reason] of cases) {
    test(`given a signed StatusCallback ${status}${code ? ` ErrorCode ${code}` : ''}, when handled, then a ${expected} receipt${reason ? ` (${reason})` : ''}`, async () => {
      const sid = await sentSid();
      server.setStatus(sid, status, code);
      const result = channel.handleWebhook!(server.statusCallback(sid));
      assert.equal(result.ok, true);
      const receipts = result.ok ? result.value.receipts : [];
      assert.deepEqual(receipts.map((r) => [r.providerMessageId, r.status, r.reason]), [[sid, expected, reason]]);
    });
  }

  test('given an intermediate status (sent), when handled, then no receipt', async () => {
    const sid = await sentSid();
    server.setStatus(sid, 'sent');
    assert.deepEqual(channel.handleWebhook!(server.statusCallback(sid)), { ok: true, value: { receipts: [], inbound: [] } });
  });

  test('given a signed incoming STOP, when handled, then an inbound message from E.164 and an empty TwiML reply', () => {
    const result = channel.handleWebhook!(server.incomingMessage(webhookUrl, '+989121234567', 'لغو', { OptOutType: 'STOP' }));
    assert.equal(result.ok, true);
    const value = result.ok ? result.value : undefined;
    assert.equal(value?.inbound[0]?.from, '+989121234567');
    assert.equal(value?.inbound[0]?.text, 'لغو');
    assert.match(value?.inbound[0]?.providerMessageId ?? '', /^SM/);
    assert.equal(value?.reply?.contentType, 'text/xml');
    assert.match(value?.reply?.body ?? '', /<Response><\/Response>/);
  });

  test('given a tampered body, a wrong token or no signature, when handled, then 401', async () => {
    const sid = await sentSid();
    server.setStatus(sid, 'delivered');
    const genuine = server.statusCallback(sid);
    const tampered: WebhookRequest = { ...genuine, rawBody: genuine.rawBody.replace('delivered', 'undelivered') };
    assert.deepEqual(channel.handleWebhook!(tampered), { ok: false, error: { status: 401, message: 'X-Twilio-Signature does not match' } });
    const otherUrl: WebhookRequest = { ...genuine, url: `${webhookUrl}?x=1` };
    assert.equal(!channel.handleWebhook!(otherUrl).ok, true);
    const unsigned: WebhookRequest = { ...genuine, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    assert.deepEqual(channel.handleWebhook!(unsigned), { ok: false, error: { status: 401, message: 'missing X-Twilio-Signature' } });
    const wrongToken = open({ authToken: 'another-token-0123456789abcdef' });
    const denied = wrongToken.handleWebhook!(genuine);
    assert.equal(!denied.ok && denied.error.status, 401);
  });

  test('given the URL seen with an explicit :443, when handled, then the signature still validates', async () => {
    const sid = await sentSid();
    server.setStatus(sid, 'delivered');
    const genuine = server.statusCallback(sid);
    const withPort = { ...genuine, url: webhookUrl.replace('crm.example.com', 'crm.example.com:443') };
    assert.equal(channel.handleWebhook!(withPort).ok, true);
  });

  test('given a correctly signed body without MessageSid, or a JSON body, when handled, then 400', () => {
    const params = { MessageStatus: 'delivered' };
    const missing: WebhookRequest = {
      method: 'POST',
      url: webhookUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(server.authToken, webhookUrl, Object.entries(params)) },
      query: {},
      rawBody: new URLSearchParams(params).toString(),
    };
    assert.deepEqual(channel.handleWebhook!(missing), { ok: false, error: { status: 400, message: 'MessageSid is required' } });
    const json: WebhookRequest = { ...missing, headers: { ...missing.headers, 'content-type': 'application/json' }, rawBody: '{"MessageSid":"SM1"}' };
    const rejected = channel.handleWebhook!(json);
    assert.equal(!rejected.ok && rejected.error.status, 400);
  });
});

describe('Twilio settings', () => {
  test('given neither From nor a Messaging Service, when parsed, then the error names from; the token is the secret', () => {
    const bad = twilioSettings.safeParse({ accountSid: `AC${'0'.repeat(32)}`, authToken: 'x'.repeat(32) });
    assert.deepEqual(bad.error?.issues[0]?.path, ['from']);
    const badSid = twilioSettings.safeParse({ accountSid: 'AC123', authToken: 'x'.repeat(32), from: owned });
    assert.deepEqual(badSid.error?.issues[0]?.path, ['accountSid']);
    assert.equal(twilioSettings.parse({ accountSid: `AC${'0'.repeat(32)}`, authToken: 'x'.repeat(32), from: owned }).baseUrl, 'https://api.twilio.com');
    assert.deepEqual(twilioDriver.secrets, ['authToken']);
  });
});

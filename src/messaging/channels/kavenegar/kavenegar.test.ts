import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Channel } from '../channel.ts';
import { smsMessage, testChannelContext } from '../testing/context.ts';
import { kavenegarDriver, kavenegarLocalId, kavenegarSettings } from './index.ts';
import { kavenegarError, startKavenegarServer, type KavenegarLocalServer } from './local-server.ts';

const persian = 'سلام علی‌رضا! ۲۰٪ تخفیف تا جمعه 🌷 — لغو۱۱';
let server: KavenegarLocalServer;
let channel: Channel;

function open(overrides: Record<string, unknown> = {}): Channel {
  const settings = kavenegarSettings.parse({ apiKey: 'test-kavenegar-key', sender: '10004346', baseUrl: server.url, timeoutMs: 300, ...overrides });
  return kavenegarDriver.create(settings, testChannelContext());
}

before(async () => {
  server = await startKavenegarServer({ apiKeys: ['test-kavenegar-key'], lines: ['10004346'] });
  channel = open();
});
after(async () => {
  await channel.close();
  await server.close();
});

describe('Kavenegar send', () => {
  test('given a valid key, when a Persian SMS is sent, then it is sent with the provider id and the text arrives intact', async () => {
    const message = smsMessage('+989121234567', persian);
    const outcome = await channel.send(message);
    const accepted = server.sent.at(-1)!;
    assert.deepEqual(outcome, { status: 'sent', providerMessageId: String(accepted.messageid) });
    const fields = new URLSearchParams(server.received.at(-1)!.body);
    assert.equal(fields.get('message'), persian);
    assert.equal(fields.get('receptor'), '09121234567');
    assert.equal(fields.get('sender'), '10004346');
    assert.equal(fields.get('localid'), kavenegarLocalId(message.id));
    assert.match(server.received.at(-1)!.path, /^\/v1\/test-kavenegar-key\/sms\/send\.json$/);
  });

  test('given a delivery sent once, when it is sent again after a crash, then Kavenegar de-duplicates it by localid', async () => {
    const message = smsMessage('+989121234568', 'یک بار');
    const before = server.sent.length;
    const first = await channel.send(message);
    const again = await channel.send(message);
    assert.deepEqual(again, first);
    assert.equal(server.sent.length, before + 1);
  });

  test('given a foreign number, when sent, then the receptor uses the 00 international prefix', async () => {
    await channel.send(smsMessage('+442079460958', 'hello'));
    assert.equal(new URLSearchParams(server.received.at(-1)!.body).get('receptor'), '00442079460958');
  });

  test('given a wrong API key, when sending, then the outcome is failed-permanent with Kavenegar’s message', async () => {
    const wrong = open({ apiKey: 'not-the-right-key' });
    const outcome = await wrong.send(smsMessage('+989121234567', 'x'));
    assert.deepEqual(outcome, { status: 'failed-permanent', error: 'Kavenegar 403: کد شناسائی API-Key معتبر نمی‌باشد' });
    await wrong.close();
  });

  test('given no credit left, when sending, then the outcome is failed-retryable (a top-up fixes it)', async () => {
    const credit = server.credit;
    server.credit = 0;
    const outcome = await channel.send(smsMessage('+989121234567', 'x'));
    server.credit = credit;
    assert.equal(outcome.status, 'failed-retryable');
    assert.match(outcome.status === 'failed-retryable' ? outcome.error : '', /^Kavenegar 418: اعتبار/);
  });

  test('given an operator-blacklisted receptor, when sending, then the outcome is suppressed blacklisted, not failed', async () => {
    server.blacklist.add('09127654321');
    const outcome = await channel.send(smsMessage('+989127654321', 'تبلیغ'));
    assert.equal(outcome.status, 'suppressed');
    assert.equal(outcome.status === 'suppressed' && outcome.reason, 'blacklisted');
  });

  test('given Kavenegar rejects the receptor (411), when sending, then the address is suppressed as invalid', async () => {
    server.answerNext(kavenegarError(411));
    const outcome = await channel.send(smsMessage('+989121234567', 'x'));
    assert.deepEqual(outcome, { status: 'suppressed', reason: 'invalid-address', error: 'Kavenegar 411: دریافت کننده نامعتبر است' });
  });

  test('given an address that is no phone number, when sending, then it is suppressed without calling Kavenegar', async () => {
    const calls = server.received.length;
    const outcome = await channel.send(smsMessage('not-a-phone', 'x'));
    assert.equal(outcome.status === 'suppressed' && outcome.reason, 'invalid-address');
    assert.equal(server.received.length, calls);
  });

  test('given a sender line the account does not own, when sending, then the outcome is failed-permanent (412)', async () => {
    const other = open({ sender: '20002000' });
    const outcome = await other.send(smsMessage('+989121234567', 'x'));
    assert.deepEqual(outcome, { status: 'failed-permanent', error: 'Kavenegar 412: ارسال کننده نامعتبر است' });
    await other.close();
  });

  test('given too many calls (451 with Retry-After), when sending, then it is retryable after that delay', async () => {
    server.answerNext({ ...kavenegarError(451), headers: { 'retry-after': '7' } });
    const outcome = await channel.send(smsMessage('+989121234567', 'x'));
    assert.deepEqual(outcome, { status: 'failed-retryable', error: 'Kavenegar 451: فراخوانی بیش از حد در یک بازه زمانی مشخص', retryAfterMs: 7000 });
  });

  test('given a gateway answering 429 or 502 without an envelope, when sending, then it is retryable', async () => {
    server.answerNext({ status: 429, headers: { 'retry-after': '2' }, body: 'Too Many Requests' });
    const limited = await channel.send(smsMessage('+989121234567', 'x'));
    assert.equal(limited.status === 'failed-retryable' && limited.retryAfterMs, 2000);
    server.answerNext({ status: 502, body: '<html>Bad Gateway</html>' });
    assert.equal((await channel.send(smsMessage('+989121234567', 'x'))).status, 'failed-retryable');
  });

  test('given Kavenegar does not answer in time, when sending, then it is retryable', async () => {
    server.answerNext({ status: 200, hang: true });
    const outcome = await channel.send(smsMessage('+989121234567', 'x'));
    assert.equal(outcome.status, 'failed-retryable');
    assert.match(outcome.status === 'failed-retryable' ? outcome.error : '', /no answer within 300 ms/);
  });

  test('given Kavenegar is unreachable, when sending, then it is retryable and the error never shows the key', async () => {
    const dead = await startKavenegarServer();
    const url = dead.url;
    await dead.close();
    const offline = open({ baseUrl: url });
    const outcome = await offline.send(smsMessage('+989121234567', 'x'));
    assert.equal(outcome.status, 'failed-retryable');
    assert.doesNotMatch(JSON.stringify(outcome), /test-kavenegar-key/);
    await offline.close();
  });
});

describe('Kavenegar sendarray (batches)', () => {
  const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => smsMessage(`+98912${String(7_000_000 + i)}`, `${prefix} ${i}: ${persian}`));

  test('given a sender line, when several personalised SMS are sent at once, then one sms/sendarray call carries them and each gets its own provider id', async () => {
    assert.equal(channel.maxBatch, 200);
    const messages = many(5, 'دسته');
    const calls = server.received.length;
    const outcomes = await channel.sendMany!(messages);
    assert.equal(server.received.length, calls + 1);
    const request = server.received.at(-1)!;
    assert.match(request.path, /\/sms\/sendarray\.json$/);
    const fields = new URLSearchParams(request.body);
    assert.deepEqual(JSON.parse(fields.get('message')!), messages.map((m) => m.text));
    assert.deepEqual(JSON.parse(fields.get('receptor')!), messages.map((_, i) => `0912${String(7_000_000 + i)}`));
    assert.deepEqual(JSON.parse(fields.get('sender')!), messages.map(() => '10004346'));
    assert.deepEqual(JSON.parse(fields.get('localmessageids')!), messages.map((m) => Number(kavenegarLocalId(m.id))));
    const accepted = server.sent.slice(-5);
    assert.deepEqual(outcomes, accepted.map((entry) => ({ status: 'sent', providerMessageId: String(entry.messageid) })));
    assert.deepEqual(accepted.map((entry) => entry.message), messages.map((m) => m.text));
  });

  test('given a batch sent once, when it is sent again after a crash, then Kavenegar de-duplicates every message by its localmessageid', async () => {
    const messages = many(3, 'تکرار');
    const first = await channel.sendMany!(messages);
    const count = server.sent.length;
    const again = await channel.sendMany!(messages);
    assert.deepEqual(again, first);
    assert.equal(server.sent.length, count);
  });

  test('given a batch with a bad address and a blacklisted receptor, when sent, then those two are suppressed and the rest are sent', async () => {
    server.blacklist.add('09127000001');
    const messages = many(3, 'فهرست');
    messages.splice(1, 0, smsMessage('not-a-phone', 'x'));
    const outcomes = await channel.sendMany!(messages);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'suppressed' ? o.reason : o.status)),
      ['sent', 'invalid-address', 'blacklisted', 'sent'],
    );
    assert.deepEqual(JSON.parse(new URLSearchParams(server.received.at(-1)!.body).get('receptor')!), ['09127000000', '09127000001', '09127000002']);
    server.blacklist.delete('09127000001');
  });

  test('given one text too long for Kavenegar (413 for the whole call), when sent, then the batch is repeated one by one and only that message fails', async () => {
    const messages = many(3, 'طول');
    messages[1] = { ...(messages[1] as (typeof messages)[number]), text: 'x'.repeat(2001) };
    const outcomes = await channel.sendMany!(messages);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['sent', 'failed-permanent', 'sent'],
    );
    assert.match(outcomes[1]!.status === 'failed-permanent' ? outcomes[1]!.error : '', /^Kavenegar 413/);
  });

  test('given no credit for the batch, when sent, then every message is retryable', async () => {
    const credit = server.credit;
    server.credit = 1000;
    const outcomes = await channel.sendMany!(many(3, 'اعتبار'));
    server.credit = credit;
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['failed-retryable', 'failed-retryable', 'failed-retryable'],
    );
  });

  test('given Kavenegar answers fewer entries than messages, when sent, then the missing ones are retryable (their localmessageids stop a second send)', async () => {
    server.answerNext({ status: 200, body: { return: { status: 200, message: 'تایید شد' }, entries: [{ messageid: 1, status: 1 }] } });
    const outcomes = await channel.sendMany!(many(2, 'کوتاه'));
    assert.deepEqual(outcomes, [{ status: 'sent', providerMessageId: '1' }, { status: 'failed-retryable', error: 'Kavenegar 200 without a message entry' }]);
  });

  test('given no sender line, when a batch is sent, then it goes as single sends (sendarray needs a line) and maxBatch says 1', async () => {
    const lineless = open({ sender: undefined });
    assert.equal(lineless.maxBatch, 1);
    const calls = server.received.length;
    const outcomes = await lineless.sendMany!(many(2, 'تک'));
    assert.deepEqual(outcomes.map((o) => o.status), ['sent', 'sent']);
    assert.deepEqual(server.received.slice(calls).map((r) => r.path.split('/').slice(-2).join('/')), ['sms/send.json', 'sms/send.json']);
    await lineless.close();
  });

  test('given arrays of different lengths or more than 200 receptors, when the local server is called, then it answers 419 and 414 like Kavenegar', async () => {
    const post = async (fields: Record<string, string>) => {
      const r = await fetch(`${server.url}/v1/test-kavenegar-key/sms/sendarray.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
      return ((await r.json()) as { return: { status: number } }).return.status;
    };
    assert.equal(await post({ receptor: '["09121234567","09121234568"]', sender: '["10004346"]', message: '["a","b"]' }), 419);
    const receptors = Array.from({ length: 201 }, (_, i) => `0912${String(1_000_000 + i)}`);
    assert.equal(await post({ receptor: JSON.stringify(receptors), sender: JSON.stringify(receptors.map(() => '10004346')), message: JSON.stringify(receptors.map(() => 'x')) }), 414);
  });
});

describe('Kavenegar verify and receipts', () => {
  test('given a valid key, when verified, then the remaining credit is the detail', async () => {
    const result = await channel.verify();
    assert.equal(result.ok, true);
    assert.match(result.ok ? (result.value.detail ?? '') : '', /^remaining credit \d+ rial$/);
  });

  test('given a wrong key, when verified, then the error is Kavenegar’s own message', async () => {
    const wrong = open({ apiKey: 'not-the-right-key' });
    assert.deepEqual(await wrong.verify(), { ok: false, error: 'Kavenegar 403: کد شناسائی API-Key معتبر نمی‌باشد' });
    await wrong.close();
  });

  test('given messages delivered, undelivered, blocked and pending, when polled, then only the final ones become receipts', async () => {
    const ids: string[] = [];
    for (const phone of ['+989120000001', '+989120000002', '+989120000003', '+989120000004']) {
      const outcome = await channel.send(smsMessage(phone, 'poll'));
      ids.push(outcome.status === 'sent' ? outcome.providerMessageId! : 'none');
    }
    server.setStatus(Number(ids[0]), 10);
    server.setStatus(Number(ids[1]), 11);
    server.setStatus(Number(ids[2]), 14);
    const result = await channel.pollReceipts!([...ids, '999']);
    assert.equal(result.ok, true);
    const receipts = result.ok ? result.value : [];
    assert.deepEqual(
      receipts.map((r) => [r.providerMessageId, r.status, r.reason]),
      [
        [ids[0], 'delivered', undefined],
        [ids[1], 'failed-permanent', undefined],
        [ids[2], 'suppressed', 'blacklisted'],
      ],
    );
    assert.equal(new URLSearchParams(server.received.at(-1)!.body).get('messageid'), [...ids, '999'].join(','));
  });

  test('given more than 500 ids, when polled, then they go in calls of at most 500', async () => {
    const calls = server.received.length;
    const ids = Array.from({ length: 1001 }, (_, i) => String(i + 1));
    const result = await channel.pollReceipts!(ids);
    assert.deepEqual(result, { ok: true, value: [] });
    const batches = server.received.slice(calls).map((r) => new URLSearchParams(r.body).get('messageid')!.split(',').length);
    assert.deepEqual(batches.sort((a, b) => a - b), [1, 500, 500]);
  });

  test('given Kavenegar refuses the poll, when polled, then the error is its message', async () => {
    server.answerNext(kavenegarError(409));
    assert.deepEqual(await channel.pollReceipts!(['1']), { ok: false, error: 'Kavenegar 409: سرور قادر به پاسخگوئی نیست بعدا تلاش کنید' });
  });
});

describe('Kavenegar inbound SMS', () => {
  const hook = (query: Record<string, string>, method = 'GET', rawBody = '') => ({
    method,
    url: 'https://crm.example.com/hooks/channels/x/token',
    headers: {},
    query,
    rawBody,
  });

  test('given a customer texts لغو, when Kavenegar forwards it, then it becomes an inbound message from an E.164 number', () => {
    const result = channel.handleWebhook!(hook({ from: '09121234567', to: '10004346', message: 'لغو', messageid: '4455' }));
    assert.equal(result.ok, true);
    const inbound = result.ok ? result.value.inbound : [];
    assert.equal(inbound.length, 1);
    assert.deepEqual({ ...inbound[0], at: undefined }, { from: '+989121234567', text: 'لغو', at: undefined, providerMessageId: '4455' });
  });

  test('given a POST form, when received, then its fields are read too', () => {
    const body = new URLSearchParams({ from: '989121234567', to: '10004346', message: 'STOP', messageid: '1' }).toString();
    const result = channel.handleWebhook!(hook({}, 'POST', body));
    assert.equal(result.ok && result.value.inbound[0]?.from, '+989121234567');
    assert.equal(result.ok && result.value.inbound[0]?.text, 'STOP');
  });

  test('given a call without from or message, or with a bad number, when received, then 400', () => {
    const missing = channel.handleWebhook!(hook({ message: 'x' }));
    assert.deepEqual(missing, { ok: false, error: { status: 400, message: 'from and message are required' } });
    const noText = channel.handleWebhook!(hook({ from: '09121234567' }));
    assert.equal(!noText.ok && noText.error.status, 400);
    const bad = channel.handleWebhook!(hook({ from: 'abc', message: 'x' }));
    assert.equal(!bad.ok && bad.error.status, 400);
  });
});

describe('Kavenegar settings', () => {
  test('given only a key, when parsed, then the real URL and defaults apply; a bad sender names the field', () => {
    const parsed = kavenegarSettings.parse({ apiKey: 'abcdefgh12345' });
    assert.equal(parsed.baseUrl, 'https://api.kavenegar.com');
    assert.equal(parsed.ratePerSecond, 50);
    const bad = kavenegarSettings.safeParse({ apiKey: 'abcdefgh12345', sender: 'ABC' });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0]?.path, ['sender']);
    assert.deepEqual(kavenegarDriver.secrets, ['apiKey']);
  });
});

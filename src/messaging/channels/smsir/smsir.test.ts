import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Channel } from '../channel.ts';
import { smsMessage, testChannelContext } from '../testing/context.ts';
import { smsIrDriver, smsIrSettings } from './index.ts';
import { smsIrAnswer, startSmsIrServer, type SmsIrLocalServer } from './local-server.ts';

const persian = 'مشتری گرامی، سفارش ۱۲۳ ارسال شد ✅ — عربي: شكراً';
let server: SmsIrLocalServer;
let channel: Channel;

function open(overrides: Record<string, unknown> = {}): Channel {
  const settings = smsIrSettings.parse({ apiKey: 'test-smsir-key', lineNumber: '30007732903879', baseUrl: server.url, timeoutMs: 300, ...overrides });
  return smsIrDriver.create(settings, testChannelContext());
}

before(async () => {
  server = await startSmsIrServer({ lines: [30007732903879] });
  channel = open();
});
after(async () => {
  await channel.close();
  await server.close();
});

describe('sms.ir send', () => {
  test('given a valid key, when a Persian SMS is sent, then it is sent with the message id and the JSON body is sms.ir’s', async () => {
    const outcome = await channel.send(smsMessage('+989121234567', persian));
    const accepted = server.sent.at(-1)!;
    assert.deepEqual(outcome, { status: 'sent', providerMessageId: String(accepted.messageId) });
    const request = server.received.at(-1)!;
    assert.equal(request.headers['x-api-key'], 'test-smsir-key');
    assert.deepEqual(JSON.parse(request.body), { lineNumber: 30007732903879, messageText: persian, mobiles: ['09121234567'], sendDateTime: null });
    assert.equal(accepted.messageText, persian);
  });

  test('given a wrong key, when sending, then failed-permanent with sms.ir’s message', async () => {
    const wrong = open({ apiKey: 'wrong-key-123' });
    assert.deepEqual(await wrong.send(smsMessage('+989121234567', 'x')), { status: 'failed-permanent', error: 'sms.ir 10: کلید وب سرویس نامعتبر است' });
    await wrong.close();
  });

  test('given a line the account does not own, when sending, then failed-permanent (101)', async () => {
    const other = open({ lineNumber: '3000111' });
    const outcome = await other.send(smsMessage('+989121234567', 'x'));
    assert.equal(outcome.status === 'failed-permanent' && outcome.error, 'sms.ir 101: شماره خط نامعتبر میباشد');
    await other.close();
  });

  test('given no credit, when sending, then failed-retryable (102)', async () => {
    const credit = server.credit;
    server.credit = 0;
    const outcome = await channel.send(smsMessage('+989121234567', 'x'));
    server.credit = credit;
    assert.deepEqual(outcome, { status: 'failed-retryable', error: 'sms.ir 102: اعتبار کافی نمیباشد', retryAfterMs: undefined });
  });

  test('given a blacklisted mobile, when sending, then suppressed blacklisted (115)', async () => {
    server.blacklist.add('09127654321');
    const outcome = await channel.send(smsMessage('+989127654321', 'x'));
    assert.equal(outcome.status === 'suppressed' && outcome.reason, 'blacklisted');
  });

  test('given sms.ir rejects the mobile (104), when sending, then suppressed invalid-address', async () => {
    server.answerNext(smsIrAnswer(104));
    const outcome = await channel.send(smsMessage('+989121234567', 'x'));
    assert.deepEqual(outcome, { status: 'suppressed', reason: 'invalid-address', error: 'sms.ir 104: درخواست شما دارای موبایل(های) نادرست است' });
  });

  test('given a non-Iranian number, when sending, then it is suppressed without a call (sms.ir serves Iran only)', async () => {
    const calls = server.received.length;
    const outcome = await channel.send(smsMessage('+442079460958', 'x'));
    assert.equal(outcome.status === 'suppressed' && outcome.reason, 'invalid-address');
    assert.equal(server.received.length, calls);
  });

  test('given the rate limit (status 20, HTTP 429, Retry-After), when sending, then retryable after the delay', async () => {
    server.answerNext({ ...smsIrAnswer(20), headers: { 'retry-after': '3' } });
    const outcome = await channel.send(smsMessage('+989121234567', 'x'));
    assert.deepEqual(outcome, { status: 'failed-retryable', error: 'sms.ir 20: تعداد درخواست بیشتر از حد مجاز است', retryAfterMs: 3000 });
  });

  test('given a server error, an HTML 503 or no answer, when sending, then retryable', async () => {
    server.answerNext(smsIrAnswer(0));
    assert.equal((await channel.send(smsMessage('+989121234567', 'x'))).status, 'failed-retryable');
    server.answerNext({ status: 503, body: '<html>Service Unavailable</html>' });
    assert.equal((await channel.send(smsMessage('+989121234567', 'x'))).status, 'failed-retryable');
    server.answerNext({ status: 200, hang: true });
    assert.equal((await channel.send(smsMessage('+989121234567', 'x'))).status, 'failed-retryable');
  });
});

describe('sms.ir verify and receipts', () => {
  test('given a valid key, when verified, then the credit is the detail; a wrong key gives sms.ir’s message', async () => {
    const result = await channel.verify();
    assert.match(result.ok ? (result.value.detail ?? '') : 'failed', /^credit \d+$/);
    const wrong = open({ apiKey: 'wrong-key-123' });
    assert.deepEqual(await wrong.verify(), { ok: false, error: 'sms.ir 10: کلید وب سرویس نامعتبر است' });
    await wrong.close();
  });

  test('given delivery states 1, 2, 4, 7 and 3, when polled, then each maps and the pending one is left out', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const outcome = await channel.send(smsMessage(`+98912000000${i}`, 'poll'));
      ids.push(outcome.status === 'sent' ? outcome.providerMessageId! : 'none');
    }
    for (const [i, state] of [1, 2, 4, 7].entries()) server.setDeliveryState(Number(ids[i]), state);
    const result = await channel.pollReceipts!([...ids, '12345']);
    assert.equal(result.ok, true);
    assert.deepEqual(
      (result.ok ? result.value : []).map((r) => [r.providerMessageId, r.status, r.reason]),
      [
        [ids[0], 'delivered', undefined],
        [ids[1], 'failed-permanent', undefined],
        [ids[2], 'failed-retryable', undefined],
        [ids[3], 'suppressed', 'blacklisted'],
      ],
    );
  });

  test('given a wrong key, when polled, then the error is sms.ir’s message', async () => {
    const wrong = open({ apiKey: 'wrong-key-123' });
    assert.deepEqual(await wrong.pollReceipts!(['86522023']), { ok: false, error: 'sms.ir 10: کلید وب سرویس نامعتبر است' });
    await wrong.close();
  });
});

describe('sms.ir settings', () => {
  test('given a line with letters, when parsed, then the error names lineNumber; defaults point at api.sms.ir', () => {
    const bad = smsIrSettings.safeParse({ apiKey: 'abcdefgh123', lineNumber: '3000-abc' });
    assert.deepEqual(bad.error?.issues[0]?.path, ['lineNumber']);
    const good = smsIrSettings.parse({ apiKey: 'abcdefgh123', lineNumber: '30007732903879' });
    assert.equal(good.baseUrl, 'https://api.sms.ir');
    assert.deepEqual(smsIrDriver.secrets, ['apiKey']);
  });
});

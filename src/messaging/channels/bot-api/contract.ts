import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../../platform/logger.ts';
import type { Channel, ChannelContext, ChannelDriver, OutgoingMessage, WebhookRequest } from '../channel.ts';
import type { BotApiSettings } from './driver.ts';
import { type FakeBotApi, floodAnswer, startFakeBotApi } from './fake-bot-api.ts';
import { deriveWebhookSecret } from './secret.ts';

export const silentContext = (webhookUrl = 'https://crm.example.com/hooks/channels/c1'): ChannelContext => ({
  log: createLogger('silent'),
  publicUrl: 'https://crm.example.com',
  webhookUrl,
});

export function message(address: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { id: `d-${address}`, to: { customerId: 'c1', address, language: 'fa' }, category: 'marketing', text: 'سلام مریم، تخفیف ۲۰٪ امروز', ...extra };
}

/** Sends `count` messages with `concurrency` in flight; returns messages per second. */
export async function measureSendRate(channel: Channel, address: string, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const outcome = await channel.send(message(address));
        assert.equal(outcome.status, 'sent');
      }
    }),
  );
  return Math.round(count / ((performance.now() - started) / 1000));
}

/**
 * The contract every Telegram-style Bot API driver (Telegram, Bale) passes against a local server
 * that speaks that API, including its error answers.
 */
export function describeBotApiContract(driver: ChannelDriver<BotApiSettings>, options: { secretInQuery: boolean }) {
  describe(`${driver.provider} driver`, () => {
    const token = '123456:TEST-token_abc';
    let api: FakeBotApi;
    let channel: Channel;
    before(async () => {
      api = await startFakeBotApi(token);
      api.open.add('1001');
      api.blocked.add('2002');
      api.deactivated.add('3003');
      channel = driver.create(driver.settings.parse({ token, baseUrl: api.url, timeoutMs: 300 }), silentContext());
    });
    after(async () => {
      await channel.close();
      await api.close();
    });

    test('given the settings, when parsed, then the token is the one secret and a bad token is rejected naming the field', () => {
      assert.deepEqual(driver.secrets, ['token']);
      const parsed = driver.settings.safeParse({ token: '' });
      assert.equal(parsed.success, false);
      assert.match(JSON.stringify(parsed.error?.issues), /token/);
    });

    test('given an open chat, when a Persian text with a url is sent, then it is sent once with an inline url button and the text intact', async () => {
      const before = api.requests.length;
      const outcome = await channel.send(message('1001', { url: 'https://shop.example/x?a=1' }));
      assert.equal(outcome.status, 'sent');
      assert.ok(outcome.status === 'sent' && outcome.providerMessageId);
      const sent = api.requests.slice(before);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.path, `/bot${token}/sendMessage`);
      assert.deepEqual(sent[0]!.json, {
        chat_id: '1001',
        text: 'سلام مریم، تخفیف ۲۰٪ امروز',
        reply_markup: { inline_keyboard: [[{ text: 'مشاهده', url: 'https://shop.example/x?a=1' }]] },
      });
    });

    test('given a message without a url, when sent, then no keyboard is attached', async () => {
      const before = api.requests.length;
      await channel.send(message('1001', { to: { customerId: 'c1', address: '1001', language: 'en' } }));
      assert.equal((api.requests[before]!.json as Record<string, unknown>).reply_markup, undefined);
    });

    test('given a chat that blocked the bot, when sent, then the outcome is suppressed: blocked', async () => {
      assert.deepEqual(await channel.send(message('2002')), { status: 'suppressed', reason: 'blocked', error: 'Forbidden: bot was blocked by the user' });
    });

    test('given a deactivated user, when sent, then the outcome is suppressed: blocked', async () => {
      const outcome = await channel.send(message('3003'));
      assert.equal(outcome.status === 'suppressed' && outcome.reason, 'blocked');
    });

    test('given an unknown chat, when sent, then the outcome is suppressed: invalid-address', async () => {
      assert.deepEqual(await channel.send(message('999')), { status: 'suppressed', reason: 'invalid-address', error: 'Bad Request: chat not found' });
    });

    test('given flood control, when sent, then the outcome is retryable after retry_after', async () => {
      api.script.push(floodAnswer(7));
      assert.deepEqual(await channel.send(message('1001')), { status: 'failed-retryable', error: 'Too Many Requests: retry after 7', retryAfterMs: 7000 });
    });

    test('given a provider outage (502 page, dropped connection, no answer in time), when sent, then each is retryable', async () => {
      api.script.push({ status: 502, raw: '<html>Bad Gateway</html>' });
      assert.equal((await channel.send(message('1001'))).status, 'failed-retryable');
      api.script.push({ status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
      assert.equal((await channel.send(message('1001'))).status, 'failed-retryable');
      api.script.push({ status: 200, hangUp: true });
      const dropped = await channel.send(message('1001'));
      assert.equal(dropped.status, 'failed-retryable');
      assert.ok(dropped.status === 'failed-retryable' && !dropped.error.includes(token), 'the token never appears in an error');
      api.script.push({ status: 200, body: { ok: true, result: { message_id: 1 } }, delayMs: 1000 });
      const slow = await channel.send(message('1001'));
      assert.deepEqual(slow, { status: 'failed-retryable', error: 'provider unreachable: no answer within 300 ms' });
    });

    test('given a wrong token, when sent or verified, then it fails permanently with the provider message', async () => {
      const wrong = driver.create(driver.settings.parse({ token: 'bad-token', baseUrl: api.url }), silentContext());
      assert.deepEqual(await wrong.send(message('1001')), { status: 'failed-permanent', error: 'Unauthorized' });
      assert.deepEqual(await wrong.verify(), { ok: false, error: 'Unauthorized' });
    });

    test('given a too long text, when sent, then it fails permanently with the provider message', async () => {
      assert.deepEqual(await channel.send(message('1001', { text: 'x'.repeat(5000) })), { status: 'failed-permanent', error: 'Bad Request: message is too long' });
    });

    test('given a valid token and an https webhook URL, when verified, then getMe succeeds and the webhook is registered with the derived secret', async () => {
      const result = await channel.verify();
      assert.deepEqual(result, { ok: true, value: { detail: '@vafa_test_bot; webhook registered' } });
      const hook = api.webhooks.at(-1)!;
      const secret = deriveWebhookSecret(token, driver.provider);
      assert.equal(hook.secret_token, secret);
      const expectedUrl = options.secretInQuery
        ? `https://crm.example.com/hooks/channels/c1?vafa_secret=${secret}`
        : 'https://crm.example.com/hooks/channels/c1';
      assert.equal(hook.url, expectedUrl);
    });

    test('given an http public URL, when verified, then the token is checked and the webhook is not registered', async () => {
      const local = driver.create(driver.settings.parse({ token, baseUrl: api.url }), silentContext('http://localhost:3000/hooks/channels/c1'));
      const registered = api.webhooks.length;
      const result = await local.verify();
      assert.ok(result.ok);
      assert.match(result.value.detail ?? '', /not registered/);
      assert.equal(api.webhooks.length, registered);
    });

    const secret = deriveWebhookSecret(token, driver.provider);
    const hook = (body: unknown, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': secret }, query: Record<string, string> = {}): WebhookRequest => ({
      method: 'POST',
      url: 'https://crm.example.com/hooks/channels/c1',
      headers,
      query,
      rawBody: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const update = {
      update_id: 10,
      message: {
        message_id: 77,
        date: 1_760_000_000,
        chat: { id: 1001, type: 'private' },
        from: { id: 1001, is_bot: false, first_name: 'مریم', last_name: 'رضایی', username: 'maryam' },
        text: '/start c_8f2a',
      },
    };

    test('given a /start deep link with the right secret header, when the webhook arrives, then it becomes an inbound message keeping the payload', () => {
      const result = channel.handleWebhook!(hook(update));
      assert.deepEqual(result, {
        ok: true,
        value: {
          receipts: [],
          inbound: [
            {
              from: '1001',
              text: '/start c_8f2a',
              at: new Date(1_760_000_000_000),
              providerMessageId: '77',
              profile: { name: 'مریم رضایی', username: 'maryam', phone: undefined },
            },
          ],
        },
      });
    });

    test('given a shared own contact, when the webhook arrives, then its phone becomes profile.phone in E.164; a forwarded card does not', () => {
      const own = { ...update, message: { ...update.message, text: undefined, contact: { phone_number: '989121234567', first_name: 'مریم', user_id: 1001 } } };
      const result = channel.handleWebhook!(hook(own));
      assert.ok(result.ok);
      assert.equal(result.value.inbound[0]!.profile?.phone, '+989121234567');
      const other = { ...update, message: { ...update.message, contact: { phone_number: '+989350000000', first_name: 'x', user_id: 5 } } };
      const forwarded = channel.handleWebhook!(hook(other));
      assert.ok(forwarded.ok);
      assert.equal(forwarded.value.inbound[0]!.profile?.phone, undefined);
    });

    test('given an update without a message (a callback query), when it arrives, then it is acknowledged with nothing to record', () => {
      assert.deepEqual(channel.handleWebhook!(hook({ update_id: 11, callback_query: { id: 'q' } })), { ok: true, value: { receipts: [], inbound: [] } });
    });

    test('given a missing or wrong secret, when the webhook arrives, then it is 401', () => {
      const noSecret = channel.handleWebhook!(hook(update, {}));
      assert.equal(!noSecret.ok && noSecret.error.status, 401);
      const wrong = channel.handleWebhook!(hook(update, { 'x-telegram-bot-api-secret-token': 'nope' }));
      assert.equal(!wrong.ok && wrong.error.status, 401);
    });

    test(`given the secret only in the query, when the webhook arrives, then it is ${options.secretInQuery ? 'accepted' : 'refused (Telegram always sends the header)'}`, () => {
      const result = channel.handleWebhook!(hook(update, {}, { vafa_secret: secret }));
      assert.equal(result.ok, options.secretInQuery);
    });

    test('given a malformed body with the right secret, when it arrives, then it is 400', () => {
      for (const body of ['not json', '[]', '{"message":{}}', JSON.stringify({ update_id: 1, message: { chat: {} } })]) {
        const result = channel.handleWebhook!(hook(body));
        assert.equal(!result.ok && result.error.status, 400, body);
      }
    });

    test('given the local server, when 2,000 messages are sent 32 at a time, then the rate is reported', async (t) => {
      const fast = driver.create(driver.settings.parse({ token, baseUrl: api.url }), silentContext());
      const rate = await measureSendRate(fast, '1001', 2000, 32);
      await fast.close();
      t.diagnostic(`${driver.provider}: ${rate} sends/s against the local Bot API server`);
      assert.ok(rate > 0);
    });
  });
}

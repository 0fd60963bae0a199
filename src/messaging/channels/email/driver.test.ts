import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../../platform/logger.ts';
import type { Channel, OutgoingMessage } from '../channel.ts';
import { emailDriver, messageIdFor } from './driver.ts';
import { smtpThread } from './smtp-threads.ts';
import { type LocalSmtpServer, startLocalSmtpServer } from './testing.ts';

const context = { log: createLogger('silent'), publicUrl: 'http://127.0.0.1:4000', webhookUrl: 'http://127.0.0.1:4000/hooks/channels/x/y' };
const auth = { user: 'shop', password: 'correct-horse' };

function open(server: LocalSmtpServer, overrides: Record<string, unknown> = {}): Channel {
  return emailDriver.create(emailDriver.settings.parse({ host: server.host, port: server.port, ...auth, from: 'Shop <news@shop.example>', replyTo: 'care@shop.example', ...overrides }), context);
}

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'delivery-1',
  to: { customerId: 'c1', address: 'sara@example.com', name: 'سارا' },
  category: 'marketing',
  subject: 'تخفیف ویژه پاییز ۱۴۰۵',
  text: 'سلام سارا، تخفیف شما آماده است.',
  html: '<p dir="rtl">سلام <b>سارا</b></p>',
  unsubscribeUrl: 'https://crm.example.com/u/abc?c=email',
  ...over,
});

describe('email driver against a real SMTP server on loopback', () => {
  let server: LocalSmtpServer;
  let channel: Channel;
  before(async () => {
    server = await startLocalSmtpServer({ auth });
    channel = open(server);
  });
  after(async () => {
    await channel.close();
    await server.close();
  });

  test('given a marketing email, when sent, then it arrives with the Persian subject, both parts, RFC 8058 one-click headers and a Message-ID derived from the delivery id', async () => {
    const outcome = await channel.send(message());
    assert.equal(outcome.status, 'sent', JSON.stringify(outcome));
    const [mail] = await server.waitFor(1);
    assert.ok(mail);
    assert.equal(mail.subject, 'تخفیف ویژه پاییز ۱۴۰۵');
    assert.equal(mail.text?.trim(), 'سلام سارا، تخفیف شما آماده است.');
    assert.match(String(mail.html), /<b>سارا<\/b>/);
    // mailparser folds List-* headers into one object: the raw lines show what was sent.
    const line = (key: string) => mail.headerLines.find((h) => h.key === key)?.line;
    assert.equal(line('list-unsubscribe'), 'List-Unsubscribe: <https://crm.example.com/u/abc?c=email>');
    assert.equal(line('list-unsubscribe-post'), 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    assert.equal(mail.messageId, messageIdFor('delivery-1', 'news@shop.example'));
    assert.equal(outcome.status === 'sent' && outcome.providerMessageId, mail.messageId);
    assert.match(mail.messageId ?? '', /@shop\.example>$/);
    assert.equal(mail.replyTo?.text, 'care@shop.example');
    assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.name : '', 'سارا');
  });

  test('given a transactional email without an unsubscribe URL, when sent, then no List-Unsubscribe headers are added and the same delivery id gives the same Message-ID', async () => {
    server.received.length = 0;
    await channel.send(message({ id: 'receipt-7', category: 'transactional', unsubscribeUrl: undefined }));
    await channel.send(message({ id: 'receipt-7', category: 'transactional', unsubscribeUrl: undefined }));
    const [a, b] = await server.waitFor(2);
    assert.deepEqual(a?.headerLines.filter((h) => h.key.startsWith('list-unsubscribe')), []);
    assert.equal(a?.messageId, b?.messageId);
  });

  test('given the server refuses recipients, when sent, then 550/551/553 suppress the address, 452 is retryable and 554 on data is permanent', async () => {
    server.refuseRecipient.set('gone@example.com', { code: 550, message: '5.1.1 No such user' });
    server.refuseRecipient.set('moved@example.com', { code: 551, message: '5.1.6 User not local' });
    server.refuseRecipient.set('bad@example.com', { code: 553, message: '5.1.3 Bad mailbox name' });
    server.refuseRecipient.set('full@example.com', { code: 452, message: '4.2.2 Mailbox full' });
    const to = (address: string) => message({ to: { customerId: 'c', address } });
    for (const address of ['gone@example.com', 'moved@example.com', 'bad@example.com']) {
      const outcome = await channel.send(to(address));
      assert.equal(outcome.status, 'suppressed', address);
      assert.equal(outcome.status === 'suppressed' && outcome.reason, 'invalid-address');
    }
    const full = await channel.send(to('full@example.com'));
    assert.equal(full.status, 'failed-retryable');
    assert.match(full.status === 'failed-retryable' ? full.error : '', /Mailbox full/);
    server.refuseData = { code: 554, message: '5.7.1 Message rejected as spam' };
    const spam = await channel.send(to('ok@example.com'));
    server.refuseData = { code: 451, message: '4.3.0 Try again later' };
    const later = await channel.send(to('ok@example.com'));
    server.refuseData = undefined;
    assert.equal(spam.status, 'failed-permanent');
    assert.match(spam.status === 'failed-permanent' ? spam.error : '', /spam/);
    assert.equal(later.status, 'failed-retryable');
  });

  test('given an address that is not an email address, when sent, then it is suppressed without contacting the server', async () => {
    const outcome = await channel.send(message({ to: { customerId: 'c', address: '+989121112233' } }));
    assert.equal(outcome.status, 'suppressed');
  });

  test('given many sends at once, when the pool delivers them, then every message arrives exactly once', async () => {
    server.received.length = 0;
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => channel.send(message({ id: `bulk-${i}`, to: { customerId: `c${i}`, address: `u${i}@example.com` } }))));
    assert.deepEqual(new Set(outcomes.map((o) => o.status)), new Set(['sent']));
    const mails = await server.waitFor(40);
    assert.equal(new Set(mails.map((m) => m.messageId)).size, 40);
  });

  test('given the right and a wrong password, when verified, then ok, and the failure carries the server\'s own answer', async () => {
    assert.equal((await channel.verify()).ok, true);
    const wrong = open(server, { password: 'wrong' });
    try {
      const result = await wrong.verify();
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.error, /535.*Authentication credentials invalid/);
      const send = await wrong.send(message());
      assert.equal(send.status, 'failed-retryable');
    } finally {
      await wrong.close();
    }
  });

  test('given no server listening, when sent or verified, then the outcome is retryable and verify names the connection error', async () => {
    const closed = await startLocalSmtpServer();
    const port = closed.port;
    await closed.close();
    const dead = emailDriver.create(emailDriver.settings.parse({ host: '127.0.0.1', port, from: 'x@shop.example' }), context);
    try {
      assert.equal((await dead.send(message())).status, 'failed-retryable');
      const v = await dead.verify();
      assert.match(v.ok ? '' : v.error, /ECONNREFUSED/);
    } finally {
      await dead.close();
    }
  });

  test('given bad settings, when parsed, then the field is named', () => {
    const r = emailDriver.settings.safeParse({ host: '', from: 'x@y.z' });
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues[0]?.path, ['host']);
  });

  test('given the SMTP thread died, when the next email is sent, then a new thread opens the transports again and it arrives', async () => {
    const before = server.received.length;
    assert.equal((await channel.send(message({ id: 'before-crash' }))).status, 'sent');
    await smtpThread.terminate();
    const outcome = await channel.send(message({ id: 'after-crash' }));
    assert.equal(outcome.status, 'sent', JSON.stringify(outcome));
    const mails = await server.waitFor(before + 2);
    assert.deepEqual(mails.slice(before).map((m) => m.messageId), [messageIdFor('before-crash', 'news@shop.example'), messageIdFor('after-crash', 'news@shop.example')]);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../../platform/logger.ts';
import type { Channel, OutgoingMessage, WebhookRequest } from '../channel.ts';
import { retryAfterMs, signature, webhookDriver } from './driver.ts';
import { type LocalWebhookReceiver, startWebhookReceiver } from './testing.ts';

const context = { log: createLogger('silent'), publicUrl: 'http://127.0.0.1:4000', webhookUrl: 'http://127.0.0.1:4000/hooks/channels/x/y' };
const secret = 'a-long-shared-secret-0123';
const message: OutgoingMessage = { id: 'delivery-42', to: { customerId: 'cust-1', address: '', language: 'fa' }, category: 'marketing', subject: 'سلام', text: 'پیام آزمایشی', metadata: { campaign: 'autumn' } };

describe('outgoing webhook driver against a local receiver that checks the signature', () => {
  let receiver: LocalWebhookReceiver;
  let channel: Channel;
  before(async () => {
    receiver = await startWebhookReceiver(secret);
    channel = webhookDriver.create(webhookDriver.settings.parse({ url: receiver.url, secret }), context);
  });
  after(() => receiver.close());

  test('given a message, when sent, then the receiver gets signed JSON with the customer id and the idempotency key, and its id becomes the provider id', async () => {
    const outcome = await channel.send(message);
    assert.deepEqual(outcome, { status: 'sent', providerMessageId: 'rcv-1' });
    const [got] = receiver.received;
    assert.ok(got?.signatureValid);
    assert.equal(got.headers['idempotency-key'], 'delivery-42');
    assert.equal(got.headers['x-vafa-event'], 'message');
    assert.deepEqual(got.body, { type: 'message', id: 'delivery-42', customerId: 'cust-1', category: 'marketing', language: 'fa', subject: 'سلام', text: 'پیام آزمایشی', metadata: { campaign: 'autumn' } });
  });

  test('given the receiver answers 503 with Retry-After, 429, 408, 410 and 422, then retryable (honouring Retry-After), suppressed and permanent', async () => {
    receiver.answers.push(
      { status: 503, body: 'maintenance', headers: { 'retry-after': '120' } },
      { status: 429, body: '' },
      { status: 408 },
      { status: 410, body: '{"error":"customer deleted"}' },
      { status: 422, body: '{"error":"unknown template"}' },
    );
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await channel.send({ ...message, id: `d-${i}` }));
    assert.deepEqual(outcomes[0], { status: 'failed-retryable', error: 'HTTP 503: maintenance', retryAfterMs: 120_000 });
    assert.equal(outcomes[1]?.status, 'failed-retryable');
    assert.equal(outcomes[2]?.status, 'failed-retryable');
    assert.deepEqual(outcomes[3], { status: 'suppressed', reason: 'unsubscribed', error: 'HTTP 410: {"error":"customer deleted"}' });
    assert.deepEqual(outcomes[4], { status: 'failed-permanent', error: 'HTTP 422: {"error":"unknown template"}' });
  });

  test('given a wrong secret, when verified, then it fails with the receiver\'s 401 answer; with the right one it is ok', async () => {
    assert.deepEqual(await channel.verify(), { ok: true, value: { detail: 'HTTP 200' } });
    const wrong = webhookDriver.create(webhookDriver.settings.parse({ url: receiver.url, secret: 'not-the-shared-secret' }), context);
    assert.deepEqual(await wrong.verify(), { ok: false, error: 'HTTP 401: {"error":"bad signature"}' });
    assert.equal((await wrong.send(message)).status, 'failed-permanent');
  });

  test('given nobody listening, when sent, then retryable', async () => {
    const dead = webhookDriver.create(webhookDriver.settings.parse({ url: 'http://127.0.0.1:1/x', secret }), context);
    assert.equal((await dead.send(message)).status, 'failed-retryable');
    assert.equal((await dead.verify()).ok, false);
  });

  test('given Retry-After as an HTTP date, then the wait is until that date', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    assert.equal(retryAfterMs('Sun, 22 Nov 2026 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('soon', now), undefined);
  });
});

describe('receipts posted back to the outgoing webhook channel', () => {
  const channel = webhookDriver.create(webhookDriver.settings.parse({ url: 'https://hooks.example/x', secret }), context);
  const signed = (body: string, at = Math.floor(Date.now() / 1000)): WebhookRequest => ({
    method: 'POST',
    url: context.webhookUrl,
    query: {},
    rawBody: body,
    headers: { 'x-vafa-timestamp': String(at), 'x-vafa-signature': signature(secret, String(at), body) },
  });

  test('given a signed receipt, then it is parsed with its date', () => {
    const r = channel.handleWebhook?.(signed(JSON.stringify({ receipts: [{ providerMessageId: 'rcv-1', status: 'delivered', at: '2026-11-22T10:00:00Z' }] })));
    assert.ok(r?.ok);
    assert.deepEqual(r.value.receipts, [{ providerMessageId: 'rcv-1', status: 'delivered', at: new Date('2026-11-22T10:00:00Z') }]);
  });

  test('given a bad signature, an old timestamp or a malformed body, then 401, 401 and 400', () => {
    const body = JSON.stringify({ receipts: [] });
    const forged = { ...signed(body), rawBody: JSON.stringify({ receipts: [{ providerMessageId: 'x', status: 'delivered', at: '2026-11-22T10:00:00Z' }] }) };
    assert.deepEqual(channel.handleWebhook?.(forged), { ok: false, error: { status: 401, message: 'x-vafa-signature does not match' } });
    assert.equal(channel.handleWebhook?.(signed(body, Math.floor(Date.now() / 1000) - 3600))?.ok, false);
    const malformed = channel.handleWebhook?.(signed('{"receipts":[{"status":"eaten"}]}'));
    assert.equal(!malformed?.ok && malformed?.error.status, 400);
    assert.equal(channel.handleWebhook?.(signed('not json'))?.ok, false);
  });
});

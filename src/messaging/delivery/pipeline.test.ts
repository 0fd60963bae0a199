import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestApp } from '../../testing/harness.ts';
import { applyInbound, applyReceipts } from './events.ts';
import { RecordingChannel, RecordingDirectory } from './testing/recording-channel.ts';
import { consent, customer, enqueue, historyOf, silentLog, statusOf, tehranTime, TestClock, testWorker } from './testing/fixtures.ts';

const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });

async function setup() {
  const w = await t.workspace();
  const email = new RecordingChannel('email');
  const sms = new RecordingChannel('sms');
  const telegram = new RecordingChannel('telegram');
  const directory = new RecordingDirectory({ email, sms, telegram });
  const clock = new TestClock(tehranTime('12:00'));
  const worker = testWorker(t.db, directory, clock);
  return { w, email, sms, telegram, directory, clock, worker };
}

describe('delivery: consent', () => {
  test('given email is opt-out and SMS opt-in by default, when marketing goes to a customer without consents, then email is sent and SMS is skipped no-consent', async () => {
    const { w, email, sms, clock, worker } = await setup();
    const c = await customer(w);
    const [viaEmail, viaSms] = await enqueue(t.db, w.id, clock, [
      { customerId: c, channels: ['email'] },
      { customerId: c, channels: ['sms'] },
    ]);
    await worker.drain();
    assert.equal((await statusOf(t.db, viaEmail as string)).status, 'sent');
    assert.deepEqual(await statusOf(t.db, viaSms as string).then((s) => [s.status, s.reason]), ['skipped', 'no-consent']);
    assert.equal(email.accepted.length, 1);
    assert.equal(sms.sends.length, 0);
  });

  test('given SMS consent granted and email revoked, when marketing may use email then SMS, then SMS carries it; a transactional email still goes', async () => {
    const { w, email, sms, clock, worker } = await setup();
    const c = await customer(w);
    await consent(w, c, 'sms', 'granted');
    await consent(w, c, 'email', 'revoked');
    const [marketing, receipt] = await enqueue(t.db, w.id, clock, [
      { customerId: c, channels: ['email', 'sms'] },
      { customerId: c, channels: ['email'], category: 'transactional', templateId: 'order-receipt' },
    ]);
    await worker.drain();
    assert.deepEqual(await statusOf(t.db, marketing as string).then((s) => [s.status, s.channel]), ['sent', 'sms']);
    assert.deepEqual(await statusOf(t.db, receipt as string).then((s) => [s.status, s.channel]), ['sent', 'email']);
    assert.deepEqual(email.accepted.map((s) => s.category), ['transactional']);
    assert.equal(sms.accepted.length, 1);
  });

  test('given SMS switched to opt-out in the settings, when marketing SMS goes to a customer without consent, then it is sent', async () => {
    const { w, sms, clock, worker } = await setup();
    const settings = (await w.api.get('/api/v1/messaging/settings')).json();
    assert.equal((await w.api.put('/api/v1/messaging/settings', { ...settings, consentModes: { ...settings.consentModes, sms: 'opt-out' } })).statusCode, 200);
    const c = await customer(w);
    const [id] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['sms'] }]);
    await worker.drain();
    assert.equal((await statusOf(t.db, id as string)).status, 'sent');
    assert.equal(sms.accepted.length, 1);
  });
});

describe('delivery: frequency caps and priority', () => {
  test('given a cap of 3 marketing messages a week, when 4 marketing and 1 transactional message are due, then the 4th marketing one is skipped capped and the transactional one is sent', async () => {
    const { w, email, clock, worker } = await setup();
    const c = await customer(w);
    const ids = await enqueue(t.db, w.id, clock, [1, 2, 3, 4].map(() => ({ customerId: c, channels: ['email' as const] })));
    const [tx] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['email'], category: 'transactional' }]);
    await worker.drain();
    const statuses = await Promise.all(ids.map((id) => statusOf(t.db, id).then((s) => `${s.status}${s.reason ? `:${s.reason}` : ''}`)));
    assert.deepEqual(statuses.sort(), ['sent', 'sent', 'sent', 'skipped:capped']);
    assert.equal((await statusOf(t.db, tx as string)).status, 'sent');
    assert.equal(email.accepted.length, 4);
    // A week later the window has room again.
    clock.advance(7 * 86_400_000 + 60_000);
    const [later] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['email'] }]);
    await worker.drain();
    assert.equal((await statusOf(t.db, later as string)).status, 'sent');
  });

  test('given ≤ 1 marketing SMS a day, when a second SMS may fall back to email, then it goes by email; one limited to SMS is skipped capped', async () => {
    const { w, sms, email, clock, worker } = await setup();
    const c = await customer(w);
    await consent(w, c, 'sms', 'granted');
    const [first] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['sms'] }]);
    await worker.drain();
    const [fallback, smsOnly] = await enqueue(t.db, w.id, clock, [
      { customerId: c, channels: ['sms', 'email'] },
      { customerId: c, channels: ['sms'] },
    ]);
    await worker.drain();
    assert.equal((await statusOf(t.db, first as string)).channel, 'sms');
    assert.deepEqual(await statusOf(t.db, fallback as string).then((s) => [s.status, s.channel]), ['sent', 'email']);
    assert.deepEqual(await statusOf(t.db, smsOnly as string).then((s) => [s.status, s.reason]), ['skipped', 'capped']);
    assert.equal(sms.accepted.length, 1);
    assert.equal(email.accepted.length, 1);
  });

  test('given one weekly slot left, when a low- and a high-priority marketing message compete, then the high-priority one gets the slot whatever the order they were queued in', async () => {
    const { w, clock, worker } = await setup();
    const settings = (await w.api.get('/api/v1/messaging/settings')).json();
    await w.api.put('/api/v1/messaging/settings', { ...settings, caps: [{ channel: 'all', limit: 1, days: 7 }] });
    const c = await customer(w);
    const [low] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['email'], priority: 1 }]);
    clock.advance(1000);
    const [high] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['email'], priority: 9 }]);
    await worker.drain();
    // Handled in the same batch, the low one may have yielded (priority-wait, 2 s) before the high one took the slot.
    clock.advance(2001);
    await worker.drain();
    assert.equal((await statusOf(t.db, high as string)).status, 'sent');
    assert.deepEqual(await statusOf(t.db, low as string).then((s) => [s.status, s.reason]), ['skipped', 'capped']);
  });
});

describe('delivery: quiet hours', () => {
  test('given 23:00 in Tehran, when a marketing and a transactional message are due, then marketing waits until 09:00 Tehran and transactional goes now', async () => {
    const { w, email, clock, worker } = await setup();
    clock.current = tehranTime('23:00');
    const c = await customer(w);
    const [marketing, tx] = await enqueue(t.db, w.id, clock, [
      { customerId: c, channels: ['email'] },
      { customerId: c, channels: ['email'], category: 'transactional' },
    ]);
    await worker.drain();
    const waiting = await statusOf(t.db, marketing as string);
    assert.deepEqual([waiting.status, waiting.reason], ['scheduled', 'quiet-hours']);
    assert.equal(waiting.not_before.toISOString(), tehranTime('09:00', 2).toISOString());
    assert.equal((await statusOf(t.db, tx as string)).status, 'sent');
    assert.equal(email.accepted.length, 1);
    clock.current = tehranTime('09:00', 2);
    await worker.drain();
    assert.equal((await statusOf(t.db, marketing as string)).status, 'sent');
    assert.deepEqual(await historyOf(t.db, marketing as string), ['queued', 'scheduled:quiet-hours', 'sending', 'sent']);
  });

  test("given 23:00 in Tehran, when customers live in Tokyo and in London, then Tokyo's (04:30) waits until 09:00 Tokyo time and London's (19:30) goes now", async () => {
    const { w, clock, worker } = await setup();
    clock.current = tehranTime('23:00');
    const tokyo = await customer(w, { timezone: 'Asia/Tokyo' });
    const london = await customer(w, { timezone: 'Europe/London' });
    const [toTokyo, toLondon] = await enqueue(t.db, w.id, clock, [
      { customerId: tokyo, channels: ['email'] },
      { customerId: london, channels: ['email'] },
    ]);
    await worker.drain();
    const waiting = await statusOf(t.db, toTokyo as string);
    assert.equal(waiting.status, 'scheduled');
    const tokyoHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(waiting.not_before);
    assert.equal(tokyoHour, '09:00');
    assert.ok(waiting.not_before.getTime() - clock.current.getTime() === 4.5 * 3_600_000);
    assert.equal((await statusOf(t.db, toLondon as string)).status, 'sent');
  });
});

describe('delivery: channel choice', () => {
  test('given a customer who reads Telegram and ignores email, when a message may go "auto", then Telegram is chosen; a customer without history gets the workspace order (email first)', async () => {
    const { w, telegram, email, directory, clock, worker } = await setup();
    const reader = await customer(w);
    const fresh = await customer(w);
    assert.equal((await w.api.put(`/api/v1/customers/${reader}/addresses/telegram`, { address: '123456789' })).statusCode, 200);
    const history = await enqueue(t.db, w.id, clock, [1, 2].map(() => ({ customerId: reader, channels: ['telegram' as const], category: 'transactional' as const })));
    const emailed = await enqueue(t.db, w.id, clock, [{ customerId: reader, channels: ['email'], category: 'transactional' }]);
    await worker.drain();
    const ctx = (kind: 'telegram' | 'email') => ({ workspaceId: w.id, configId: directory.configIds.get(kind) as string, kind, provider: 'recording' });
    await applyReceipts(t.db, silentLog, ctx('telegram'), history.map((id) => ({ providerMessageId: `rec-${id}`, status: 'read' as const, at: clock.now() })));
    await applyReceipts(t.db, silentLog, ctx('email'), emailed.map((id) => ({ providerMessageId: `rec-${id}`, status: 'failed-permanent' as const, error: 'mailbox full', at: clock.now() })));
    const [auto, autoFresh] = await enqueue(t.db, w.id, clock, [
      { customerId: reader, channels: [] },
      { customerId: fresh, channels: [] },
    ]);
    await worker.drain();
    assert.equal((await statusOf(t.db, auto as string)).channel, 'telegram');
    assert.equal((await statusOf(t.db, autoFresh as string)).channel, 'email');
    assert.equal(telegram.accepted.length, 3);
    assert.equal(email.accepted.length, 2);
  });
});

describe('delivery: provider outcomes', () => {
  test('given a provider that fails twice with a retryable error (Retry-After 5 s), when the worker retries, then it backs off and the third attempt is sent with the same idempotency key', async () => {
    const { w, email, clock, worker } = await setup();
    email.script = (m, attempt) => (attempt < 3 ? { status: 'failed-retryable', error: 'HTTP 503', retryAfterMs: 5000 } : { status: 'sent', providerMessageId: `rec-${m.id}` });
    const c = await customer(w);
    const [id] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['email'], category: 'transactional' }]);
    await worker.drain();
    const first = await statusOf(t.db, id as string);
    assert.deepEqual([first.status, first.reason, first.attempts], ['queued', 'retrying', 1]);
    assert.ok(first.not_before.getTime() - clock.current.getTime() >= 5000, 'Retry-After respected');
    await worker.drain();
    assert.equal(email.sends.length, 1, 'not retried before its time');
    clock.current = first.not_before;
    await worker.drain();
    const second = await statusOf(t.db, id as string);
    assert.equal(second.attempts, 2);
    clock.current = second.not_before;
    await worker.drain();
    assert.deepEqual(await statusOf(t.db, id as string).then((s) => [s.status, s.attempts]), ['sent', 3]);
    assert.deepEqual(new Set(email.sends.map((s) => s.id)), new Set([id]));
    assert.deepEqual(await historyOf(t.db, id as string), ['queued', 'sending', 'queued:retrying', 'sending', 'queued:retrying', 'sending', 'sent']);
  });

  test('given a provider that keeps failing, when the attempts run out, then the message fails retries-exhausted', async () => {
    const { w, email, clock, worker } = await setup();
    const settings = (await w.api.get('/api/v1/messaging/settings')).json();
    await w.api.put('/api/v1/messaging/settings', { ...settings, maxAttempts: 2 });
    email.script = () => ({ status: 'failed-retryable', error: 'timeout' });
    const [id] = await enqueue(t.db, w.id, clock, [{ customerId: await customer(w), channels: ['email'], category: 'transactional' }]);
    await worker.drain();
    clock.advance(3_600_000);
    await worker.drain();
    assert.deepEqual(await statusOf(t.db, id as string).then((s) => [s.status, s.reason, s.attempts]), ['failed', 'retries-exhausted', 2]);
  });

  test('given a permanent failure or a template that does not render, then the message fails without a retry', async () => {
    const { w, email, clock, worker } = await setup();
    email.script = () => ({ status: 'failed-permanent', error: '550 no such user' });
    const c = await customer(w);
    const [rejected, broken] = await enqueue(t.db, w.id, clock, [
      { customerId: c, channels: ['email'], category: 'transactional' },
      { customerId: c, channels: ['email'], category: 'transactional', templateId: 'broken' },
    ]);
    await worker.drain();
    const r = await statusOf(t.db, rejected as string);
    assert.deepEqual([r.status, r.reason, r.error], ['failed', 'provider-rejected', '550 no such user']);
    const b = await statusOf(t.db, broken as string);
    assert.deepEqual([b.status, b.reason], ['failed', 'provider-rejected']);
    assert.match(b.error ?? '', /render: line 1, column 4/);
    assert.equal(email.sends.length, 1, 'the broken template never reached the channel');
  });

  test('given the provider says the recipient unsubscribed, then the address is suppressed, email consent is revoked on the timeline, and even a transactional email is not sent again', async () => {
    const { w, email, clock, worker } = await setup();
    email.script = () => ({ status: 'suppressed', reason: 'unsubscribed', error: 'recipient unsubscribed' });
    const c = await customer(w);
    const [first] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['email'] }]);
    await worker.drain();
    assert.deepEqual(await statusOf(t.db, first as string).then((s) => [s.status, s.reason]), ['suppressed', 'unsubscribed']);
    const profile = (await w.api.get(`/api/v1/customers/${c}`)).json();
    assert.deepEqual(profile.consents.map((k: { channel: string; status: string; source: string }) => [k.channel, k.status, k.source]), [['email', 'revoked', 'provider:unsubscribed']]);
    const timeline = (await w.api.get(`/api/v1/customers/${c}/timeline`)).json().data as { kind: string; data: Record<string, unknown> }[];
    assert.ok(timeline.some((e) => e.kind === 'activity' && e.data.action === 'consent_changed'), JSON.stringify(timeline));
    assert.ok(timeline.some((e) => e.kind === 'message' && e.data.status === 'suppressed'));
    email.script = (m) => ({ status: 'sent', providerMessageId: `rec-${m.id}` });
    const [second] = await enqueue(t.db, w.id, clock, [{ customerId: c, channels: ['email'], category: 'transactional' }]);
    await worker.drain();
    assert.deepEqual(await statusOf(t.db, second as string).then((s) => [s.status, s.reason]), ['suppressed', 'suppressed']);
    assert.equal(email.accepted.length, 0);
  });
});

describe('delivery: receipts and inbound messages', () => {
  test('given a sent message, when receipts arrive (delivered, delivered again, read, then a late delivered), then the status moves forward only and each change is in the history once', async () => {
    const { w, directory, clock, worker } = await setup();
    const [id] = await enqueue(t.db, w.id, clock, [{ customerId: await customer(w), channels: ['email'] }]);
    await worker.drain();
    const ctx = { workspaceId: w.id, configId: directory.configIds.get('email') as string, kind: 'email' as const, provider: 'recording' };
    const receipt = (status: 'delivered' | 'read') => ({ providerMessageId: `rec-${id}`, status, at: clock.now() });
    assert.equal(await applyReceipts(t.db, silentLog, ctx, [receipt('delivered'), receipt('delivered')]), 1);
    await applyReceipts(t.db, silentLog, ctx, [receipt('read'), receipt('delivered')]);
    assert.equal((await statusOf(t.db, id as string)).status, 'read');
    assert.deepEqual(await historyOf(t.db, id as string), ['queued', 'sending', 'sent', 'delivered', 'read']);
    // Another workspace's receipt with the same provider id changes nothing here.
    assert.equal(await applyReceipts(t.db, silentLog, { ...ctx, workspaceId: (await t.workspace()).id }, [receipt('read')]), 0);
  });

  test('given a customer texts "لغو۱۱" (Persian digits), then their SMS consent is revoked from the inbound message; a plain reply lands on the timeline', async () => {
    const { w, directory } = await setup();
    const phone = '+989121234567';
    const c = await customer(w, { phones: [phone] });
    await consent(w, c, 'sms', 'granted');
    const ctx = { workspaceId: w.id, configId: directory.configIds.get('sms') as string, kind: 'sms' as const, provider: 'recording' };
    await applyInbound(t.db, silentLog, ctx, [
      { from: phone, text: 'ممنون، رسید', at: new Date(), providerMessageId: 'in-1' },
      { from: phone, text: ' لغو۱۱ ', at: new Date(), providerMessageId: 'in-2' },
      { from: phone, text: ' لغو۱۱ ', at: new Date(), providerMessageId: 'in-2' },
    ]);
    const profile = (await w.api.get(`/api/v1/customers/${c}`)).json();
    assert.deepEqual(profile.consents.map((k: { channel: string; status: string }) => [k.channel, k.status]), [['sms', 'revoked']]);
    assert.match(profile.consents[0].source, /^inbound:stop/);
    const timeline = (await w.api.get(`/api/v1/customers/${c}/timeline?kinds=message`)).json().data as { data: Record<string, unknown> }[];
    assert.deepEqual(timeline.map((e) => [e.data.direction, e.data.text, e.data.stop]).sort(), [
      ['inbound', ' لغو۱۱ ', true],
      ['inbound', 'ممنون، رسید', false],
    ]);
  });

  test('given a Telegram user shares the phone of a known customer, then the chat id becomes their Telegram address; "STOP" from it revokes Telegram consent', async () => {
    const { w, directory } = await setup();
    const c = await customer(w, { phones: ['+989351112233'] });
    const ctx = { workspaceId: w.id, configId: directory.configIds.get('telegram') as string, kind: 'telegram' as const, provider: 'recording' };
    await applyInbound(t.db, silentLog, ctx, [{ from: '777', text: '/start', at: new Date(), providerMessageId: 't-1', profile: { phone: '989351112233' } }]);
    const address = await t.db.selectFrom('customer_addresses').select(['customer_id', 'address']).where('kind', '=', 'telegram').where('workspace_id', '=', w.id).execute();
    assert.deepEqual(address, [{ customer_id: c, address: '777' }]);
    await applyInbound(t.db, silentLog, ctx, [{ from: '777', text: 'STOP', at: new Date(), providerMessageId: 't-2' }]);
    const profile = (await w.api.get(`/api/v1/customers/${c}`)).json();
    assert.deepEqual(profile.consents.map((k: { channel: string; status: string }) => [k.channel, k.status]), [['telegram', 'revoked']]);
  });
});

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { CustomerDataOwners } from '../../customers/hooks.ts';
import { Timeline } from '../../customers/timeline.ts';
import { createHttpServer } from '../../platform/http/server.ts';
import { createLogger } from '../../platform/logger.ts';
import { apiClient, createTestApp } from '../../testing/harness.ts';
import { createAuthenticator } from '../../workspaces/authenticator.ts';
import { ChannelEvents, type ChannelEventContext } from '../contracts.ts';
import type { DeliveryReceipt } from './channel.ts';
import { startLocalSmtpServer } from './email/testing.ts';
import { registerChannels } from './index.ts';
import { signature } from './webhook/driver.ts';
import { startWebhookReceiver } from './webhook/testing.ts';

/**
 * The public receipt URL and the logs. The channels are mounted on an app of their own (same
 * database) so that the test can listen to the events they emit and read every log line at trace.
 */
const t = await createTestApp();
const w = await t.workspace();
let logged = '';
const sink = new Writable({
  write(chunk, _enc, done) {
    logged += chunk;
    done();
  },
});
const log = createLogger('trace', sink);
const app = await createHttpServer({ log, bodyLimitBytes: 1_048_576, consoleDir: '/nonexistent', trustProxy: false });
app.decorate('authenticate', createAuthenticator(t.db));
const events = new ChannelEvents();
const receipts: [ChannelEventContext, DeliveryReceipt[]][] = [];
events.onReceipts(async (context, r) => void receipts.push([context, r]));
const inbound: string[] = [];
events.onInbound(async (_c, messages) => void inbound.push(...messages.map((m) => m.text)));
const directory = registerChannels(app, { db: t.db, log, config: t.config, timeline: new Timeline(), owners: new CustomerDataOwners(), events });
await app.ready();
after(() => app.close());
const api = apiClient(app, w.secretKey);

const hookSecret = 'hook-Secret-9876543210';
const receiver = await startWebhookReceiver(hookSecret);
const smtp = await startLocalSmtpServer({ auth: { user: 'u', password: 'smtp-Secret-in-logs?' } });
after(() => Promise.all([receiver.close(), smtp.close()]));

const created = await api.post('/api/v1/channels', { provider: 'webhook', name: 'CRM hook', settings: { url: receiver.url, secret: hookSecret } });
assert.equal(created.statusCode, 201, created.body);
const channel = created.json() as { id: string; webhookUrl: string };
const hookPath = new URL(channel.webhookUrl).pathname;

function signedPost(url: string, body: string, opts: { secret?: string; contentType?: string } = {}) {
  const at = String(Math.floor(Date.now() / 1000));
  return app.inject({
    method: 'POST',
    url,
    payload: body,
    headers: { 'content-type': opts.contentType ?? 'application/json', 'x-vafa-timestamp': at, 'x-vafa-signature': signature(opts.secret ?? hookSecret, at, body) },
  });
}

describe('public channel webhooks', () => {
  const body = JSON.stringify({ receipts: [{ providerMessageId: 'rcv-9', status: 'delivered', at: '2026-11-22T10:00:00Z' }], inbound: [{ from: 'cust-1', text: 'لغو', at: '2026-11-22T10:01:00Z' }] });

  test('given a signed receipt at the channel URL, then 200 and the receipt and inbound message reach the listeners with the channel context', async () => {
    const res = await signedPost(hookPath, body);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(receipts, [[{ workspaceId: w.id, configId: channel.id, kind: 'webhook', provider: 'webhook' }, [{ providerMessageId: 'rcv-9', status: 'delivered', at: new Date('2026-11-22T10:00:00Z') }]]]);
    assert.deepEqual(inbound, ['لغو']);
  });

  test('given a wrong token, an unknown channel or a non-UUID id, then 401 and nothing reaches the listeners', async () => {
    receipts.length = 0;
    for (const url of [`/hooks/channels/${channel.id}/wrong-token`, `/hooks/channels/00000000-0000-4000-8000-000000000000/${hookPath.split('/').at(-1)}`, '/hooks/channels/x/y']) {
      const res = await signedPost(url, body);
      assert.equal(res.statusCode, 401, `${url}: ${res.body}`);
    }
    assert.equal(receipts.length, 0);
  });

  test("given the right token but the driver's signature fails, then 401; a malformed body (any content type, kept raw) is 400", async () => {
    assert.equal((await signedPost(hookPath, body, { secret: 'not-the-secret-at-all' })).statusCode, 401);
    const malformed = await signedPost(hookPath, 'status=delivered&id=1', { contentType: 'application/x-www-form-urlencoded' });
    assert.equal(malformed.statusCode, 400, malformed.body);
    assert.equal(malformed.json().error.field, 'body');
    assert.equal((await signedPost(hookPath, '{"receipts":[{"status":"eaten"}]}', { contentType: 'text/plain' })).statusCode, 400);
    assert.equal((await app.inject({ method: 'GET', url: hookPath })).statusCode, 401, 'GET without a signature');
    assert.equal(receipts.length, 0);
  });

  test('given an email channel (no webhooks), when its URL is called, then 404', async () => {
    const email = (await api.post('/api/v1/channels', { provider: 'smtp', name: 'SMTP', settings: { host: smtp.host, port: smtp.port, user: 'u', password: 'smtp-Secret-in-logs?', from: 'a@shop.example' } })).json();
    assert.equal((await app.inject({ method: 'POST', url: new URL(email.webhookUrl).pathname, payload: '{}' })).statusCode, 404);
  });
});

describe('the channel directory used by the delivery pipeline', () => {
  test('given an opened channel, when its settings change, then the next open returns a new channel; otherwise the same one is reused', async () => {
    const a = await directory.open(w.id, 'webhook');
    const b = await directory.open(w.id, 'webhook');
    assert.ok(a && b && a.channel === b.channel && a.configId === channel.id);
    await api.patch(`/api/v1/channels/${channel.id}`, { settings: { timeoutMs: 5000 } });
    const c = await directory.open(w.id, 'webhook');
    assert.notEqual(c?.channel, a.channel);
    assert.equal((await directory.openById(w.id, channel.id))?.channel, c?.channel);
    assert.deepEqual(await directory.kinds(w.id), ['email', 'webhook']);
    const other = await t.workspace();
    assert.equal(await directory.openById(other.id, channel.id), undefined, "another workspace's id opens nothing");
    assert.equal(await directory.open(other.id, 'webhook'), undefined);
  });

  test('given a disabled channel, then open() skips it but openById still opens it for receipts', async () => {
    await api.patch(`/api/v1/channels/${channel.id}`, { enabled: false });
    assert.equal(await directory.open(w.id, 'webhook'), undefined);
    assert.ok(await directory.openById(w.id, channel.id));
    assert.equal((await signedPost(hookPath, JSON.stringify({ receipts: [] }))).statusCode, 200);
  });
});

describe('logs', () => {
  test('given creates, verifies, test sends and webhooks logged at trace, then no secret appears in any log line', async () => {
    const email = (await api.get('/api/v1/channels?kind=email')).json().data[0];
    await api.post(`/api/v1/channels/${email.id}/verify`);
    await api.post(`/api/v1/channels/${email.id}/test`, { address: 'x@shop.example' });
    log.info({ channel: { settings: { password: 'smtp-Secret-in-logs?', secret: hookSecret } }, secrets: hookSecret }, 'a config logged by mistake');
    assert.ok(logged.length > 1000, 'requests were logged');
    const leak = logged.split('\n').find((l) => l.includes(hookSecret));
    assert.ok(!leak, `webhook secret in logs: ${leak?.slice(0, 600)}`);
    assert.ok(!logged.includes('smtp-Secret-in-logs?'), 'SMTP password in logs');
    const token = hookPath.split('/').at(-1) as string;
    assert.ok(!logged.includes(token), 'the webhook token (part of the receipt URL) in logs');
    assert.match(logged, /\[redacted\]/);
  });
});

import assert from 'node:assert/strict';
import { createECDH, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../../platform/logger.ts';
import type { Channel, OutgoingMessage } from '../channel.ts';
import { createWebPushDriver, generateVapidKeys } from './driver.ts';

// http_ece (web-push's own RFC 8188 implementation) decrypts what a browser would decrypt.
const ece = createRequire(import.meta.url)('http_ece') as { decrypt(body: Buffer, params: { version: string; privateKey: unknown; authSecret: string }): Buffer };
const context = { log: createLogger('silent'), publicUrl: 'http://127.0.0.1:4000', webhookUrl: 'http://127.0.0.1:4000/hooks/channels/x/y' };

/** A push service on 127.0.0.1 (HTTPS with a throw-away certificate, as web-push only speaks HTTPS). */
interface PushService {
  origin: string;
  cert: string;
  requests: { path: string; headers: import('node:http').IncomingHttpHeaders; body: Buffer }[];
  /** Path → status to answer (404/410 gone, 429, 500 …); 201 otherwise. */
  answers: Map<string, { status: number; headers?: Record<string, string> }>;
  close(): Promise<void>;
}

async function startPushService(): Promise<PushService> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-push-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const cert = fs.readFileSync(`${dir}/cert.pem`, 'utf8');
  const key = fs.readFileSync(`${dir}/key.pem`, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  const state: PushService = { origin: '', cert, requests: [], answers: new Map(), close: async () => {} };
  const server = https.createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const answer = state.answers.get(req.url ?? '') ?? { status: 201, headers: { location: `https://push.example/m/${state.requests.length}` } };
      res.writeHead(answer.status, answer.headers).end(answer.status >= 400 ? 'push service says no' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.origin = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}

/** What a browser creates: a P-256 key pair and a 16-byte auth secret per subscription. */
function browserSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16).toString('base64url');
  return { ecdh, auth, json: JSON.stringify({ endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } }) };
}

describe('web push driver against a local push service', () => {
  let service: PushService;
  let channel: Channel;
  const vapid = generateVapidKeys();
  before(async () => {
    service = await startPushService();
    const driver = createWebPushDriver({ ca: service.cert });
    channel = driver.create(driver.settings.parse({ subject: 'mailto:ops@shop.example', ...vapid }), context);
  });
  after(async () => {
    await channel.close();
    await service.close();
  });

  const message = (address: string, over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    id: 'push-1',
    to: { customerId: 'c1', address, language: 'fa' },
    category: 'marketing',
    subject: 'حراج پاییزه',
    text: 'تا ۳۰٪ تخفیف',
    url: 'https://shop.example/sale',
    ...over,
  });

  test('given a subscription, when sent, then the push service gets an aes128gcm payload the browser can decrypt, with a VAPID Authorization for our public key', async () => {
    const browser = browserSubscription(`${service.origin}/push/abc`);
    const outcome = await channel.send(message(browser.json));
    assert.deepEqual(outcome, { status: 'sent', providerMessageId: 'https://push.example/m/1' });
    const [req] = service.requests;
    assert.ok(req);
    assert.equal(req.path, '/push/abc');
    assert.equal(req.headers['content-encoding'], 'aes128gcm');
    assert.equal(req.headers.ttl, '86400');
    assert.equal(req.headers.urgency, 'normal');
    assert.match(String(req.headers.authorization), new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapid.publicKey}$`));
    const jwtClaims = JSON.parse(Buffer.from(String(req.headers.authorization).split('.')[1] ?? '', 'base64url').toString());
    assert.equal(jwtClaims.aud, service.origin);
    assert.equal(jwtClaims.sub, 'mailto:ops@shop.example');
    const plain = ece.decrypt(req.body, { version: 'aes128gcm', privateKey: browser.ecdh, authSecret: browser.auth });
    assert.deepEqual(JSON.parse(plain.toString('utf8')), { id: 'push-1', title: 'حراج پاییزه', body: 'تا ۳۰٪ تخفیف', url: 'https://shop.example/sale', language: 'fa' });
  });

  test('given expired subscriptions (404, 410), then suppressed invalid-address; 429 and 500 retryable with Retry-After; 400 permanent', async () => {
    const cases: [string, number, string][] = [['/gone-404', 404, 'suppressed'], ['/gone-410', 410, 'suppressed'], ['/busy', 429, 'failed-retryable'], ['/down', 500, 'failed-retryable'], ['/bad', 400, 'failed-permanent']];
    for (const [p, status] of cases) service.answers.set(p, { status, headers: status === 429 ? { 'retry-after': '7' } : {} });
    for (const [p, , expected] of cases) {
      const outcome = await channel.send(message(browserSubscription(`${service.origin}${p}`).json));
      assert.equal(outcome.status, expected, p);
      if (p === '/busy') assert.equal(outcome.status === 'failed-retryable' && outcome.retryAfterMs, 7000);
      if (expected === 'suppressed') assert.equal(outcome.status === 'suppressed' && outcome.reason, 'invalid-address');
    }
  });

  test('given an address that is not a subscription, then suppressed without a request', async () => {
    const before = service.requests.length;
    assert.equal((await channel.send(message('sara@example.com'))).status, 'suppressed');
    assert.equal((await channel.send(message('{"endpoint":"http://insecure.example/x","keys":{}}'))).status, 'suppressed');
    assert.equal(service.requests.length, before);
  });

  test('given a transactional message, then it is sent with high urgency', async () => {
    await channel.send(message(browserSubscription(`${service.origin}/urgent`).json, { category: 'transactional' }));
    assert.equal(service.requests.at(-1)?.headers.urgency, 'high');
  });

  test('given a VAPID pair, when verified, then ok; a private key of another pair fails', async () => {
    assert.equal((await channel.verify()).ok, true);
    const other = generateVapidKeys();
    const driver = createWebPushDriver();
    const mismatched = driver.create(driver.settings.parse({ subject: 'mailto:ops@shop.example', publicKey: vapid.publicKey, privateKey: other.privateKey }), context);
    const result = await mismatched.verify();
    assert.match(result.ok ? '' : result.error, /does not belong/);
    await mismatched.close();
  });

  test('given a subject that is neither mailto: nor https:, then the settings name the field', () => {
    const r = createWebPushDriver().settings.safeParse({ subject: 'http://shop.example', ...vapid });
    assert.deepEqual(r.error?.issues[0]?.path, ['subject']);
  });
});

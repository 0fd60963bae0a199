import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { preferenceLinksFor } from './links.ts';
import { preferenceKey, signPreferenceToken, verifyPreferenceToken, type PreferenceClaims } from './tokens.ts';

const master = Buffer.alloc(32, 7);
const key = preferenceKey(master);
const claims: PreferenceClaims = { workspaceId: randomUUID(), customerId: randomUUID(), channel: 'email', issuedAt: new Date('2026-11-22T10:00:00Z') };

test('given claims with and without topic and message, when signed and verified, then the same claims come back', () => {
  const messageId = randomUUID();
  for (const c of [claims, { ...claims, topic: 'newsletter' }, { ...claims, messageId }, { ...claims, channel: 'sms' as const, topic: 'offers_2', messageId }]) {
    const token = signPreferenceToken(key, c);
    assert.match(token, /^[A-Za-z0-9_-]+$/, 'URL-safe without escaping');
    assert.deepEqual(verifyPreferenceToken(key, token), c);
  }
  assert.ok(signPreferenceToken(key, claims).length <= 80, 'short enough for an SMS link');
});

test('given a token, when any byte of it is changed, then it does not verify', () => {
  const raw = Buffer.from(signPreferenceToken(key, { ...claims, topic: 'newsletter', messageId: randomUUID() }), 'base64url');
  for (let i = 0; i < raw.length; i++) {
    const tampered = Buffer.from(raw);
    tampered[i] = (tampered[i] ?? 0) ^ 0x01;
    assert.equal(verifyPreferenceToken(key, tampered.toString('base64url')), undefined, `byte ${i} flipped`);
  }
  assert.equal(verifyPreferenceToken(key, raw.subarray(0, raw.length - 1).toString('base64url')), undefined, 'truncated');
  assert.equal(verifyPreferenceToken(key, `${raw.toString('base64url')}AA`), undefined, 'extended');
  assert.equal(verifyPreferenceToken(key, 'not a token!'), undefined);
  assert.equal(verifyPreferenceToken(key, ''), undefined);
});

test('given another master secret, when its token is verified here, then it fails; the link key is not the master key', () => {
  const other = preferenceKey(Buffer.alloc(32, 8));
  assert.equal(verifyPreferenceToken(key, signPreferenceToken(other, claims)), undefined);
  assert.notDeepEqual(key, master);
  assert.equal(key.length, 32);
});

test('given a workspace id swapped into a genuine token, when verified, then it fails (a token cannot be re-aimed)', () => {
  const raw = Buffer.from(signPreferenceToken(key, claims), 'base64url');
  Buffer.from(randomUUID().replace(/-/g, ''), 'hex').copy(raw, 2);
  assert.equal(verifyPreferenceToken(key, raw.toString('base64url')), undefined);
});

test('given the link builder, when asked for a delivery, then both links carry one verifiable token under the public URL', () => {
  const links = preferenceLinksFor(key, 'https://crm.example.com/', () => claims.issuedAt);
  const messageId = randomUUID();
  const urls = links({ workspaceId: claims.workspaceId, customerId: claims.customerId, channel: 'email', topic: 'newsletter', messageId });
  const u = new URL(urls.unsubscribeUrl);
  const p = new URL(urls.preferencesUrl);
  assert.equal(u.origin, 'https://crm.example.com');
  assert.match(u.pathname, /^\/u\//);
  assert.equal(p.pathname.slice(3), u.pathname.slice(3));
  assert.deepEqual(verifyPreferenceToken(key, u.pathname.slice(3)), { ...claims, topic: 'newsletter', messageId });
  assert.throws(() => links({ workspaceId: claims.workspaceId, customerId: claims.customerId, channel: 'fax' }), /not a channel kind/);
  assert.throws(() => links({ workspaceId: 'nope', customerId: claims.customerId, channel: 'sms' }), /UUID/);
});

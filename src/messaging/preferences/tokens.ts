import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { channelKinds, type ChannelKind } from '../channels/channel.ts';

/**
 * Preference-link tokens: stateless capabilities that let exactly one customer of one workspace
 * manage their subscriptions without logging in. A token is
 *
 *   base64url( payload ‖ HMAC-SHA256(key, payload)[0..16] )
 *
 * with the payload in a fixed binary layout (short enough for an SMS link):
 *   version(1) flags(1) workspace(16) customer(16) channel(1) issuedAt(4, unix seconds)
 *   [message(16) when flags&1] [topicLength(1) topic(utf-8) when flags&2]
 *
 * The key is derived with HKDF from the master secret, so the key that seals channel credentials
 * is never used for anything else. Tokens do not expire: RFC 8058 one-click links in old mail must
 * keep working. A 128-bit tag is unguessable; it is compared in constant time.
 */
export interface PreferenceClaims {
  workspaceId: string;
  customerId: string;
  channel: ChannelKind;
  topic?: string | undefined;
  messageId?: string | undefined;
  issuedAt: Date;
}

const VERSION = 1;
const TAG_BYTES = 16;
const HAS_MESSAGE = 1;
const HAS_TOPIC = 2;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOPIC = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The signing key of preference links, derived from the master secret (RFC 5869 HKDF-SHA256). */
export function preferenceKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'vafa/preference-links/v1', 32));
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidText = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const tagOf = (key: Buffer, payload: Buffer) => createHmac('sha256', key).update(payload).digest().subarray(0, TAG_BYTES);

/**
 * @example
 * const key = preferenceKey(masterKey);
 * const token = signPreferenceToken(key, { workspaceId, customerId, channel: 'email', issuedAt: new Date() });
 * verifyPreferenceToken(key, token)?.customerId === customerId; // true
 */
export function signPreferenceToken(key: Buffer, claims: PreferenceClaims): string {
  // Bad claims here are a caller's bug (ids come from our own rows), not user input.
  if (!UUID.test(claims.workspaceId) || !UUID.test(claims.customerId)) throw new Error('preference tokens need UUID workspace and customer ids');
  if (claims.messageId !== undefined && !UUID.test(claims.messageId)) throw new Error('preference tokens need a UUID message id');
  if (claims.topic !== undefined && !TOPIC.test(claims.topic)) throw new Error(`"${claims.topic}" is not a topic key`);
  const channel = channelKinds.indexOf(claims.channel);
  if (channel < 0) throw new Error(`"${claims.channel}" is not a channel kind`);
  const flags = (claims.messageId ? HAS_MESSAGE : 0) | (claims.topic ? HAS_TOPIC : 0);
  const head = Buffer.alloc(39);
  head.writeUInt8(VERSION, 0);
  head.writeUInt8(flags, 1);
  uuidBytes(claims.workspaceId).copy(head, 2);
  uuidBytes(claims.customerId).copy(head, 18);
  head.writeUInt8(channel, 34);
  head.writeUInt32BE(Math.floor(claims.issuedAt.getTime() / 1000), 35);
  const parts = [head];
  if (claims.messageId) parts.push(uuidBytes(claims.messageId));
  if (claims.topic) {
    const topic = Buffer.from(claims.topic, 'utf8');
    parts.push(Buffer.from([topic.length]), topic);
  }
  const payload = Buffer.concat(parts);
  return Buffer.concat([payload, tagOf(key, payload)]).toString('base64url');
}

/** The claims of a genuine token, or undefined for anything else (tampered, truncated, foreign). */
export function verifyPreferenceToken(key: Buffer, token: string): PreferenceClaims | undefined {
  if (token.length > 200 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < 39 + TAG_BYTES) return undefined;
  const payload = raw.subarray(0, raw.length - TAG_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  if (!timingSafeEqual(tag, tagOf(key, payload))) return undefined;
  // Past this point the payload is ours; the checks below guard against our own format changes.
  if (payload.readUInt8(0) !== VERSION) return undefined;
  const flags = payload.readUInt8(1);
  const channel = channelKinds[payload.readUInt8(34)];
  if (!channel) return undefined;
  let at = 39;
  let messageId: string | undefined;
  if (flags & HAS_MESSAGE) {
    if (payload.length < at + 16) return undefined;
    messageId = uuidText(payload.subarray(at, at + 16));
    at += 16;
  }
  let topic: string | undefined;
  if (flags & HAS_TOPIC) {
    const length = payload[at];
    if (length === undefined || payload.length < at + 1 + length) return undefined;
    topic = payload.subarray(at + 1, at + 1 + length).toString('utf8');
    at += 1 + length;
  }
  if (at !== payload.length) return undefined;
  return {
    workspaceId: uuidText(payload.subarray(2, 18)),
    customerId: uuidText(payload.subarray(18, 34)),
    channel,
    ...(topic ? { topic } : {}),
    ...(messageId ? { messageId } : {}),
    issuedAt: new Date(payload.readUInt32BE(35) * 1000),
  };
}

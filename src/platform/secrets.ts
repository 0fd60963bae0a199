import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from './config.ts';
import { err, ok, type Result } from './result.ts';

/**
 * Secrets at rest (provider API keys, SMTP passwords, VAPID private keys): AES-256-GCM with a
 * master key from VAFA_SECRET_KEY. Each ciphertext names the key that sealed it
 * (`v1.<keyId>.<iv>.<tag>.<data>`), so a later key can be added while old rows still open.
 * The associated data binds a ciphertext to its owner (e.g. a channel config id): a sealed value
 * copied into another row does not open there.
 */
export interface Keyring {
  /** The id of the key new secrets are sealed with. */
  readonly currentKeyId: string;
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): Result<string, string>;
}

const FORMAT = 'v1';
const KEY_FILE = 'secret.key';

/** A short, stable id of a key (not the key): the first 8 hex digits of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * @example
 * const ring = createKeyring([Buffer.alloc(32, 7)]);
 * const sealed = ring.seal('hunter2', 'channel:42');
 * ring.open(sealed, 'channel:42'); // { ok: true, value: 'hunter2' }
 */
export function createKeyring(keys: readonly Buffer[]): Keyring {
  const [current] = keys;
  if (!current) throw new Error('a keyring needs at least one key');
  for (const k of keys) if (k.length !== 32) throw new Error('AES-256 keys are 32 bytes');
  const byId = new Map(keys.map((k) => [keyIdOf(k), k]));
  const currentKeyId = keyIdOf(current);
  return {
    currentKeyId,
    seal(plaintext, associatedData) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT, currentKeyId, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed, associatedData) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== FORMAT) return err('not a sealed secret');
      const [, keyId, iv, tag, data] = parts as [string, string, string, string, string];
      const key = byId.get(keyId);
      if (!key) return err(`sealed with key ${keyId}, which this process does not have (VAFA_SECRET_KEY changed?)`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(associatedData, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return ok(Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8'));
      } catch {
        return err('the sealed secret does not open (tampered, or sealed for another record)');
      }
    },
  };
}

/**
 * The master key for this process. Several processes sharing an external PostgreSQL must share
 * one key, so with DATABASE_URL the key must be configured; the single-process embedded mode
 * generates one on first start and keeps it beside the database (mode 0600) so restarts decrypt.
 */
export function loadMasterKey(config: Pick<Config, 'secretKey' | 'databaseUrl' | 'dataDir'>): Buffer {
  if (config.secretKey) return config.secretKey;
  if (config.databaseUrl) {
    throw new ConfigError([
      'VAFA_SECRET_KEY: required with DATABASE_URL (every process must encrypt channel credentials with the same key); generate one with `openssl rand -base64 32`',
    ]);
  }
  const file = path.join(config.dataDir, KEY_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    // 'wx' fails when the file exists: two processes starting at once keep the first one's key.
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new ConfigError([`${file}: does not hold a base64 32-byte key`]);
  return key;
}

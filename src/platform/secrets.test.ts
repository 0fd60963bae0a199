import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { startVafa } from '../app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createKeyring, keyIdOf, loadMasterKey } from './secrets.ts';

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);

describe('secrets at rest', () => {
  test('given a sealed secret, when opened with the same associated data, then the plaintext comes back and is not in the ciphertext', () => {
    const ring = createKeyring([keyA]);
    const sealed = ring.seal('رمز-hunter2', 'channel:1');
    assert.ok(!sealed.includes('hunter2'));
    assert.match(sealed, new RegExp(`^v1\\.${keyIdOf(keyA)}\\.`));
    assert.deepEqual(ring.open(sealed, 'channel:1'), { ok: true, value: 'رمز-hunter2' });
    assert.notEqual(ring.seal('same', 'x'), ring.seal('same', 'x'), 'a fresh IV per seal');
  });

  test('given a ciphertext copied to another record or altered, when opened, then it fails instead of yielding text', () => {
    const ring = createKeyring([keyA]);
    const sealed = ring.seal('hunter2', 'channel:1');
    assert.equal(ring.open(sealed, 'channel:2').ok, false);
    const parts = sealed.split('.');
    const data = Buffer.from(parts[4] as string, 'base64url');
    data[0] = (data[0] as number) ^ 1;
    parts[4] = data.toString('base64url');
    assert.equal(ring.open(parts.join('.'), 'channel:1').ok, false);
    assert.equal(ring.open('plain text', 'channel:1').ok, false);
  });

  test('given a rotated key, when an old secret is opened, then the key named in it is used; an unknown key is reported by id', () => {
    const old = createKeyring([keyA]).seal('old secret', 'r');
    const rotated = createKeyring([keyB, keyA]);
    assert.equal(rotated.currentKeyId, keyIdOf(keyB));
    assert.deepEqual(rotated.open(old, 'r'), { ok: true, value: 'old secret' });
    const lost = createKeyring([keyB]).open(old, 'r');
    assert.ok(!lost.ok && lost.error.includes(keyIdOf(keyA)), JSON.stringify(lost));
  });

  test('given VAFA_SECRET_KEY, when the config loads, then it must be 32 bytes of base64', () => {
    const good = Buffer.alloc(32, 9).toString('base64');
    assert.deepEqual(loadConfig({ VAFA_SECRET_KEY: good }).secretKey, Buffer.alloc(32, 9));
    assert.throws(() => loadConfig({ VAFA_SECRET_KEY: Buffer.alloc(16).toString('base64') }), (e: unknown) => e instanceof ConfigError && /VAFA_SECRET_KEY/.test(e.message));
  });

  test('given DATABASE_URL without a key, when the master key is needed, then start-up stops with a config error naming VAFA_SECRET_KEY', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@h/db' });
    assert.throws(() => loadMasterKey(config), (e: unknown) => e instanceof ConfigError && /VAFA_SECRET_KEY/.test(e.message));
  });

  test('given DATABASE_URL without a key, when Vafa starts, then it stops before connecting (no migration runs on that database)', async () => {
    // Port 1 has no server: reaching the database first would fail with a connection error instead.
    const config = loadConfig({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent' });
    await assert.rejects(startVafa(config, createLogger('silent')), (e: unknown) => e instanceof ConfigError && /VAFA_SECRET_KEY/.test(e.message));
  });

  test('given embedded mode without a key, when started twice, then one key is generated into the data directory (0600) and reused', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-secrets-'));
    try {
      const config = loadConfig({ VAFA_DATA_DIR: dataDir });
      const first = loadMasterKey(config);
      assert.equal(first.length, 32);
      assert.equal(fs.statSync(path.join(dataDir, 'secret.key')).mode & 0o777, 0o600);
      const sealed = createKeyring([first]).seal('kept', 'r');
      const second = loadMasterKey(loadConfig({ VAFA_DATA_DIR: dataDir }));
      assert.deepEqual(createKeyring([second]).open(sealed, 'r'), { ok: true, value: 'kept' });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, redactUrl } from './logger.ts';

describe('configuration', () => {
  test('given no environment, then the documented defaults apply', () => {
    const c = loadConfig({});
    assert.equal(c.port, 4000);
    assert.equal(c.host, '127.0.0.1');
    assert.ok(c.dataDir.endsWith('.vafa'));
    assert.equal(c.databaseUrl, undefined);
  });
  test('given several bad values, then one error lists each by name', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', VAFA_DEFAULT_COUNTRY: 'iran' }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const text = e.problems.join('\n');
        assert.match(text, /PORT/);
        assert.match(text, /DATABASE_URL/);
        assert.match(text, /VAFA_DEFAULT_COUNTRY/);
        return true;
      },
    );
  });
});

describe('logs', () => {
  test('given secrets in a log line, then they are redacted', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk;
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info({ req: { headers: { authorization: 'Bearer vafa_sk_secret', cookie: 'vafa_session=abc' } }, user: { password: 'hunter2' } }, 'hello');
    assert.ok(!out.includes('vafa_sk_secret') && !out.includes('hunter2') && !out.includes('vafa_session=abc'), out);
    assert.match(out, /\[redacted\]/);
    assert.equal(redactUrl('postgres://u:pw@h:5432/db'), 'postgres://u:***@h:5432/db');
  });
});

describe('public URL', () => {
  test('given no VAFA_PUBLIC_URL, then providers are pointed at http://HOST:PORT; given one, its trailing slash is dropped', () => {
    assert.equal(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl, 'http://0.0.0.0:8080');
    assert.equal(loadConfig({ VAFA_PUBLIC_URL: 'https://crm.example.com/' }).publicUrl, 'https://crm.example.com');
    assert.throws(() => loadConfig({ VAFA_PUBLIC_URL: 'ftp://x' }), /VAFA_PUBLIC_URL/);
  });
});

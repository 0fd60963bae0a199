import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { cloneTestDatabase } from '../testing/database.ts';
import { freePort, runVafa, startVafaProcess } from '../testing/processes.ts';

describe('vafa CLI on an external PostgreSQL (DATABASE_URL)', async () => {
  const database = await cloneTestDatabase();
  after(() => database.drop());
  const env = { DATABASE_URL: database.url };

  test('given a fresh database, when `vafa init` runs twice with two names, then each prints workspaceId, secretKey and writeKey of a new workspace', async () => {
    const first = await runVafa(['init', '--workspace', 'Shop One', '--email', 'one@example.com', '--password', 'password-one'], env);
    assert.equal(first.code, 0, first.stderr);
    const a = JSON.parse(first.stdout);
    assert.deepEqual(Object.keys(a).sort(), ['secretKey', 'workspaceId', 'writeKey']);
    assert.match(a.secretKey, /^vafa_sk_/);
    assert.match(a.writeKey, /^vafa_wk_/);
    const second = await runVafa(['init', '--workspace', 'Shop Two', '--email', 'one@example.com', '--password', 'password-one'], env);
    assert.equal(second.code, 0, second.stderr);
    const b = JSON.parse(second.stdout);
    assert.notEqual(b.workspaceId, a.workspaceId);

    const server = await startVafaProcess(env);
    try {
      const health = (await (await fetch(`${server.url}/health`)).json()) as { database: { status: string; mode: string } };
      assert.equal(health.database.status, 'ok');
      assert.equal(health.database.mode, 'external');
      const created = await fetch(`${server.url}/api/v1/customers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ firstName: 'From CLI test' }),
      });
      assert.equal(created.status, 201);
      const inOther = (await (await fetch(`${server.url}/api/v1/customers`, { headers: { authorization: `Bearer ${b.secretKey}` } })).json()) as { data: unknown[] };
      assert.deepEqual(inOther.data, []);
      const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string };
      assert.equal(spec.openapi, '3.1.0');
      const docs = await fetch(`${server.url}/docs/`);
      assert.equal(docs.status, 200);
    } finally {
      assert.equal(await server.stop('SIGTERM'), 0, 'a clean shutdown exits 0');
    }
    assert.match(server.output(), /shutting down/);

    const user = await runVafa(['user', 'add', '--workspace', a.workspaceId, '--email', 'agent@example.com', '--password', 'agent-password', '--role', 'support'], env);
    assert.equal(user.code, 0, user.stderr);
    assert.equal(JSON.parse(user.stdout).role, 'support');
    const key = await runVafa(['key', 'create', '--workspace', a.workspaceId, '--kind', 'secret', '--name', 'reporting', '--role', 'analyst'], env);
    assert.equal(key.code, 0, key.stderr);
    assert.match(JSON.parse(key.stdout).key, /^vafa_sk_/);
    const migrated = await runVafa(['migrate'], env);
    assert.deepEqual(JSON.parse(migrated.stdout), { applied: [] });
  });

  test('given bad flags or configuration, then vafa exits non-zero naming the problem', async () => {
    const badRole = await runVafa(['user', 'add', '--workspace', '00000000-0000-0000-0000-000000000000', '--email', 'x@example.com', '--password', 'long-enough', '--role', 'boss'], env);
    assert.equal(badRole.code, 2);
    assert.match(badRole.stderr, /--role/);
    const shortPassword = await runVafa(['init', '--workspace', 'X', '--email', 'x@example.com', '--password', 'short'], env);
    assert.equal(shortPassword.code, 2);
    assert.match(shortPassword.stderr, /--password/);
    const badPort = await runVafa(['migrate'], { ...env, PORT: 'eighty' });
    assert.equal(badPort.code, 1);
    assert.match(badPort.stderr, /PORT/);
    const badUrl = await runVafa(['migrate'], { DATABASE_URL: 'mysql://nope' });
    assert.match(badUrl.stderr, /DATABASE_URL/);
    const unknown = await runVafa(['frobnicate'], env);
    assert.equal(unknown.code, 2);
  });
});

describe('vafa on its embedded PostgreSQL (VAFA_DATA_DIR)', () => {
  test('given an empty data directory, when started twice, then the second refuses, and SIGTERM stops Vafa and its PostgreSQL cleanly with data kept', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-cli-'));
    after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env = { VAFA_DATA_DIR: dataDir, VAFA_EMBEDDED_PG_PORT: String(await freePort()) };

    const init = await runVafa(['init', '--workspace', 'Embedded Shop', '--email', 'e@example.com', '--password', 'embedded-pw'], env);
    assert.equal(init.code, 0, init.stderr);
    const { secretKey } = JSON.parse(init.stdout);
    assert.ok(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION')));

    const server = await startVafaProcess(env, ['--demo']);
    try {
      const health = (await (await fetch(`${server.url}/health`)).json()) as { database: { status: string; mode: string } };
      assert.equal(health.database.mode, 'embedded');
      const second = await runVafa(['start'], { ...env, PORT: String(await freePort()) });
      assert.equal(second.code, 1);
      assert.match(second.stderr, /already using the data directory/);
      const res = await fetch(`${server.url}/api/v1/customers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ firstName: 'Persisted' }),
      });
      assert.equal(res.status, 201);
      const pgPid = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      assert.equal(await server.stop('SIGINT'), 0);
      assert.equal(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), false, 'PostgreSQL shut down cleanly');
      assert.throws(() => process.kill(pgPid, 0), 'the PostgreSQL process is gone');
      assert.equal(fs.existsSync(path.join(dataDir, 'vafa.pid')), false, 'the data directory is released');
    } finally {
      await server.stop();
    }

    const again = await startVafaProcess(env);
    try {
      const list = (await (await fetch(`${again.url}/api/v1/customers?q=persisted`, { headers: { authorization: `Bearer ${secretKey}` } })).json()) as { data: unknown[] };
      assert.equal(list.data.length, 1, 'data survives a restart');
    } finally {
      assert.equal(await again.stop(), 0);
    }
  });
});
